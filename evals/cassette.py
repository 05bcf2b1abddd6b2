"""Record and replay an eval run's HTTP with vcrpy (which patches both httpx and the openai SDK's httpx2).

Matching is on method, path and body (not host or port), so a cassette recorded against a loopback server on
one port replays anywhere. Secrets never reach the file: authorization and api-key headers are dropped, and any
`sk-...` looking string in a body is masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import vcr
from vcr.errors import CannotOverwriteExistingCassetteException

from assistant.errors import ConfigError

SECRET_HEADERS = ["authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie", "set-cookie"]
_KEY = re.compile(r"\b(sk-[A-Za-z0-9_-]{8,})")


def _mask(body: Any) -> Any:
    if isinstance(body, bytes):
        return _KEY.sub("sk-***", body.decode("utf-8", errors="replace")).encode("utf-8")
    return _KEY.sub("sk-***", body) if isinstance(body, str) else body


def _scrub_request(request: Any) -> Any:
    request.body = _mask(request.body)
    return request


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() not in SECRET_HEADERS}
    response["body"]["string"] = _mask(response["body"]["string"])
    return response


def _same_body(r1: Any, r2: Any) -> None:
    # Recorded bodies are masked, so compare masked to masked.
    assert _mask(r1.body or b"") == _mask(r2.body or b"")


def recorder(record: bool) -> vcr.VCR:
    """The one vcrpy configuration for eval cassettes: secrets filtered, replay-only unless recording."""
    rec = vcr.VCR(
        record_mode="new_episodes" if record else "none",
        match_on=["method", "path", "masked_body"],
        filter_headers=SECRET_HEADERS,
        before_record_request=_scrub_request,
        before_record_response=_scrub_response,
        decode_compressed_response=True,
    )
    rec.register_matcher("masked_body", _same_body)
    return rec


@contextmanager
def use_cassette(path: Path, *, record: bool = False) -> Iterator[Any]:
    """Serve every HTTP request from the cassette; with record=True, pass unknown ones through and save them."""
    if not record and not path.is_file():
        raise ConfigError(f"Cassette {path} does not exist; record it first with --record and a live provider.")
    try:
        with recorder(record).use_cassette(str(path), allow_playback_repeats=True) as cassette:
            yield cassette
    except CannotOverwriteExistingCassetteException as exc:
        failed = getattr(exc, "failed_request", None)
        what = f"{failed.method} {failed.path}" if failed is not None else "a request"
        raise ConfigError(f"Cassette {path} has no recorded answer for {what}; re-record it with --record against a "
                          "live provider.") from None
