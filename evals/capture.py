"""Captures the bodies of every HTTP request an LLM provider sends, so the PII suite can inspect them.

It wraps httpx's send (what the openai SDK uses), so it sees exactly the bytes that would leave the machine,
whether the answer comes from a live endpoint, a loopback fake or a vcrpy cassette.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


class RequestLog:
    """Request bodies (decoded text) captured while `capture()` is active."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.urls: list[str] = []
        self._lock = threading.Lock()
        self._depth = 0

    def _record(self, request: httpx.Request) -> None:
        try:
            body = request.content.decode("utf-8", errors="replace")
        except httpx.RequestNotRead:  # streaming upload: read it so nothing escapes the check
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
        sync_send, async_send = httpx.Client.send, httpx.AsyncClient.send
        log = self

        def send(client, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            log._record(request)
            return sync_send(client, request, *args, **kwargs)

        async def asend(client, request, *args, **kwargs):  # type: ignore[no-untyped-def]
            log._record(request)
            return await async_send(client, request, *args, **kwargs)

        httpx.Client.send, httpx.AsyncClient.send = send, asend  # type: ignore[method-assign]
        self._depth += 1
        try:
            yield self
        finally:
            self._depth -= 1
            httpx.Client.send, httpx.AsyncClient.send = sync_send, async_send  # type: ignore[method-assign]
