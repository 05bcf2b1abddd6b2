"""Endpoint URLs with their credentials masked, for anything printed or logged (doctor, errors, HTTP logs).

An OpenAI-compatible endpoint may carry user:password or a token in its query (`?api-key=`, `?sig=`); keys
never appear in output or logs, so every URL we show goes through mask_url.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that carry credentials (api-key=, sig=, token=, …); other long opaque values are masked too.
_SECRET_PARAM = re.compile(r"key|token|secret|sig|pass|pwd|auth|code|cred|session", re.IGNORECASE)


def mask_url(url: str) -> str:
    """The URL with user:password and secret-looking query values replaced by ****, safe to print or log."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "(an endpoint URL that cannot be parsed)"
    netloc = parts.netloc
    if parts.username is not None or parts.password is not None:
        netloc = f"****@{'[' + host + ']' if ':' in host else host}{port}"
    query = urlencode([(k, "****" if _SECRET_PARAM.search(k) or len(v) >= 20 else v)
                       for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


class MaskURLsInLogs(logging.Filter):
    """httpx logs every request URL at INFO: credentials embedded in an endpoint URL must not reach a log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_url(str(a)) if str(a).startswith(("http://", "https://")) else a
                                for a in record.args)
        return True


def mask_http_logs() -> None:
    """Mask endpoint URLs in the request lines the OpenAI SDK's HTTP client logs (idempotent)."""
    for name in ("httpx", "httpx2"):  # the openai SDK's HTTP client, under either of its package names
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskURLsInLogs) for f in logger.filters):
            logger.addFilter(MaskURLsInLogs())
