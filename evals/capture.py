"""Captures the bodies of every HTTP request an LLM provider sends, so the PII suite can inspect them.

It wraps `send` of httpx and of httpx2 (what the openai SDK 3.x uses), so it sees exactly the bytes that would
leave the machine, whether the answer comes from a live endpoint, a loopback fake or a cassette.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any


class RequestLog:
    """Request bodies (decoded text) captured while `capture()` is active."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.urls: list[str] = []
        self._lock = threading.Lock()
        self._depth = 0

    def _record(self, request: Any) -> None:
        try:
            body = request.content.decode("utf-8", errors="replace")
        except Exception:  # noqa: BLE001 - a streamed body (RequestNotRead): read it so nothing escapes the check
            body = request.read().decode("utf-8", errors="replace")
        with self._lock:
            self.bodies.append(body)
            self.urls.append(str(request.url))

    @contextmanager
    def capture(self) -> Iterator["RequestLog"]:
        """Record every request sent through httpx (sync and async) inside the block."""
        if self._depth:  # already patched by an outer block: record once, not twice
            yield self
            return
        self._depth += 1
        try:
            with ExitStack() as stack:
                for name in ("httpx", "httpx2"):
                    try:
                        module = importlib.import_module(name)
                    except ImportError:
                        continue
                    stack.enter_context(self._patch(module))
                yield self
        finally:
            self._depth -= 1

    @contextmanager
    def _patch(self, module: Any) -> Iterator[None]:
        sync_send, async_send = module.Client.send, module.AsyncClient.send
        log = self

        def send(client, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            log._record(request)
            return sync_send(client, request, *args, **kwargs)

        async def asend(client, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            log._record(request)
            return await async_send(client, request, *args, **kwargs)

        module.Client.send, module.AsyncClient.send = send, asend
        try:
            yield
        finally:
            module.Client.send, module.AsyncClient.send = sync_send, async_send
