"""Record and replay HTTP for evals, in vcrpy's cassette format, for both httpx and httpx2.

vcrpy patches httpx only, but the openai SDK (3.x) sends through httpx2, so replaying a provider run needs
this small layer at the transport level. Matching is on method, path and body (not host or port), so a
cassette recorded against a loopback server on one port replays anywhere. Secrets never reach the file:
authorization and api-key headers are dropped, and any `sk-...` looking string is masked.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from assistant.errors import ConfigError

SECRET_HEADERS = {"authorization", "api-key", "x-api-key", "openai-organization", "cookie", "set-cookie"}
_KEY = re.compile(r"\b(sk-[A-Za-z0-9_-]{8,})")


def _mask(text: str) -> str:
    return _KEY.sub("sk-***", text)


def _body(request: Any) -> str:
    try:
        return request.content.decode("utf-8", errors="replace")
    except Exception:  # noqa: BLE001 - a streamed body: read it first
        return request.read().decode("utf-8", errors="replace")


class Cassette:
    """Interactions loaded from (and, when recording, saved to) one YAML file."""

    def __init__(self, path: Path, record: bool):
        self.path, self.record = path, record
        self.interactions: list[dict[str, Any]] = []
        if path.is_file():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            self.interactions = list(data.get("interactions") or [])
        elif not record:
            raise ConfigError(f"Cassette {path} does not exist; record it first with --record and a live provider.")
        self.used: set[int] = set()
        self.dirty = False

    @staticmethod
    def _key(method: str, uri: str, body: str) -> tuple[str, str, str]:
        return method.upper(), urlsplit(uri).path, body

    def find(self, request: Any) -> dict[str, Any] | None:
        want = self._key(request.method, str(request.url), _mask(_body(request)))
        matches = [i for i, it in enumerate(self.interactions)
                   if self._key(it["request"]["method"], it["request"]["uri"], it["request"].get("body") or "") == want]
        # Identical requests replay in recorded order, then the last one repeats.
        fresh = [i for i in matches if i not in self.used]
        if not matches:
            return None
        pick = fresh[0] if fresh else matches[-1]
        self.used.add(pick)
        return self.interactions[pick]

    def add(self, request: Any, status: int, headers: dict[str, str], content: bytes) -> None:
        self.interactions.append({
            "request": {"method": request.method, "uri": str(request.url), "body": _mask(_body(request)),
                        "headers": {k: [v] for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS}},
            "response": {"status": {"code": status, "message": ""},
                         "headers": {k: [v] for k, v in headers.items() if k.lower() not in SECRET_HEADERS},
                         "body": {"string": _mask(content.decode("utf-8", errors="replace"))}},
        })
        self.dirty = True

    def save(self) -> None:
        if self.record and self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(yaml.safe_dump({"interactions": self.interactions, "version": 1}, allow_unicode=True,
                                                sort_keys=False), encoding="utf-8")


def _response(module: Any, request: Any, it: dict[str, Any]) -> Any:
    headers = {k: (v[0] if isinstance(v, list) else v) for k, v in (it["response"].get("headers") or {}).items()
               if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")}
    body = it["response"]["body"]
    content = body.get("string", "") if isinstance(body, dict) else body
    return module.Response(it["response"]["status"]["code"], headers=headers,
                           content=content.encode("utf-8") if isinstance(content, str) else content, request=request)


@contextmanager
def use_cassette(path: Path, *, record: bool = False) -> Iterator[Cassette]:
    """Serve every httpx/httpx2 request from the cassette; with record=True, pass unknown ones through and save."""
    tape = Cassette(path, record)
    with ExitStack() as stack:
        for name in ("httpx", "httpx2"):
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue
            stack.enter_context(_patch_transport(module, tape))
        try:
            yield tape
        finally:
            tape.save()


@contextmanager
def _patch_transport(module: Any, tape: Cassette) -> Iterator[None]:
    transport = module.HTTPTransport
    original = transport.handle_request

    def handle_request(self, request):  # type: ignore[no-untyped-def]
        found = tape.find(request)
        if found is not None:
            return _response(module, request, found)
        if not tape.record:
            raise ConfigError(f"Cassette {tape.path} has no recorded answer for {request.method} {request.url.path}; "
                              "re-record it with --record against a live provider.")
        response = original(self, request)
        content = response.read()
        tape.add(request, response.status_code, dict(response.headers), content)
        return module.Response(response.status_code, headers=[(k, v) for k, v in response.headers.items()
                               if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")],
                               content=content, request=request)

    transport.handle_request = handle_request
    try:
        yield
    finally:
        transport.handle_request = original
