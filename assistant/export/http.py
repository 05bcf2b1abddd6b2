"""One HTTP client and retry policy for every tracker push (httpx + tenacity).

429 and 503 mean "not processed, come back later": they are retried for any method, waiting what the
server asks (Retry-After, or an X-RateLimit-Reset style header). Other 5xx and transport errors are
retried only for idempotent methods, because a POST that failed half-way may have created the issue.
Waits are bounded; a server asking for more than `max_wait` fails fast with a message saying when to retry.
Credentials live in the client's default headers/auth and are never put in logs, errors or reprs.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from assistant.errors import ExportError

log = logging.getLogger("backlogsmith.export")

ALWAYS_RETRY = {429, 503}
IDEMPOTENT_RETRY = {500, 502, 504}
IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS"}
RESET_HEADERS = ("x-ratelimit-reset", "x-rate-limit-reset", "x-ratelimit-requests-reset", "ratelimit-reset")


class RetryPolicy(BaseModel):
    """Bounded retries: attempts, exponential backoff and the longest wait a server may ask for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_attempts: int = Field(5, ge=1, le=20)
    backoff: float = Field(0.5, ge=0, description="First backoff in seconds; doubles each attempt.")
    max_backoff: float = Field(30.0, ge=0)
    max_wait: float = Field(120.0, ge=0, description="Longest Retry-After honoured; longer fails fast.")
    timeout: float = Field(30.0, gt=0)


class RetryableResponse(Exception):
    """A response worth retrying, with the wait the server asked for (if any)."""

    def __init__(self, response: httpx.Response, wait: float | None):
        super().__init__(f"HTTP {response.status_code}")
        self.response = response
        self.wait = wait


def server_wait(response: httpx.Response, now: float) -> float | None:
    """Seconds the server asks us to wait: Retry-After (seconds or HTTP date) or a rate-limit reset header."""
    value = response.headers.get("retry-after")
    if value:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                parsed = email.utils.parsedate_to_datetime(value)
            except (TypeError, ValueError):
                parsed = None  # unparseable: fall back to our own backoff
            if parsed is not None:
                return max(0.0, parsed.timestamp() - now)
    if response.status_code == 403 and response.headers.get("x-ratelimit-remaining") != "0":
        return None  # a plain permission error, not GitHub's primary rate limit
    for name in RESET_HEADERS:
        value = response.headers.get(name)
        if not value:
            continue
        try:
            number = float(value)
        except ValueError:
            try:  # Jira sends an ISO timestamp
                return max(0.0, datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now)
            except ValueError:
                continue
        if number > 1e12:  # epoch milliseconds (Linear)
            return max(0.0, number / 1000 - now)
        if number > 1e9:  # epoch seconds (GitHub)
            return max(0.0, number - now)
        return max(0.0, number)  # delta seconds
    return None


def _is_rate_limited(response: httpx.Response) -> bool:
    # GitHub signals an exhausted primary limit with 403 + x-ratelimit-remaining: 0, a secondary one with 403 + Retry-After.
    if response.status_code != 403:
        return False
    return response.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in response.headers


def error_excerpt(response: httpx.Response, limit: int = 300) -> str:
    """The start of an error body, on one line (bodies never contain our credentials)."""
    try:
        text = response.text
    except Exception:  # pragma: no cover - undecodable body
        text = ""
    return " ".join(text.split())[:limit]


class TrackerClient:
    """httpx.Client + the retry policy. `sleep`, `clock` and `rng` are injectable for tests."""

    def __init__(
        self, base_url: str, *, name: str, headers: dict[str, str] | None = None, auth: Any = None,
        policy: RetryPolicy | None = None, transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
        rng: Callable[[], float] = random.random,
    ):
        self.name = name
        self.policy = policy or RetryPolicy()
        self.sleep, self.clock, self.rng = sleep, clock, rng
        self.waits: list[float] = []  # what we slept, for the report and tests
        self._http = httpx.Client(base_url=base_url, headers=headers or {}, auth=auth, transport=transport,
                                  timeout=self.policy.timeout, follow_redirects=False)

    def __repr__(self) -> str:
        return f"TrackerClient({self.name!r}, base_url={str(self._http.base_url)!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "TrackerClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        backoff = min(self.policy.max_backoff, self.policy.backoff * 2 ** (state.attempt_number - 1))
        backoff *= 0.5 + self.rng() / 2  # jitter so parallel clients do not retry in lockstep
        asked = exc.wait if isinstance(exc, RetryableResponse) else None
        # Never sooner than the server asked, but never a hot loop either: Roundup, for one, sends
        # "Retry-After: 0" when its refill interval is under a second.
        wait = max(asked, backoff) if asked is not None else backoff
        self.waits.append(wait)
        return wait

    def request(self, method: str, url: str, *, expect: tuple[int, ...] = (200, 201, 204), **kwargs: Any) -> httpx.Response:
        """Send with retries; return the response if its status is expected, else raise ExportError."""
        method = method.upper()

        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, RetryableResponse):
                return True
            return isinstance(exc, httpx.TransportError) and method in IDEMPOTENT

        def attempt() -> httpx.Response:
            response = self._http.request(method, url, **kwargs)
            log.info("%s %s %s -> %s", self.name, method, response.request.url.path, response.status_code)
            status = response.status_code
            if status in ALWAYS_RETRY or _is_rate_limited(response) or (status in IDEMPOTENT_RETRY and method in IDEMPOTENT):
                wait = server_wait(response, self.clock())
                if wait is not None and wait > self.policy.max_wait:
                    raise ExportError(
                        f"{self.name} is rate-limiting us for {wait:.0f}s (more than the {self.policy.max_wait:.0f}s "
                        f"we wait); try again later."
                    )
                raise RetryableResponse(response, wait)
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.policy.max_attempts), wait=self._wait, sleep=self.sleep,
            retry=retry_if_exception(retryable), reraise=True,
        )
        try:
            response = retrying(attempt)
        except RetryableResponse as exc:
            raise ExportError(
                f"{self.name} still answered HTTP {exc.response.status_code} after {self.policy.max_attempts} attempts "
                f"on {method} {exc.response.request.url.path}: {error_excerpt(exc.response)}"
            ) from None
        except httpx.TransportError as exc:
            raise ExportError(f"Cannot reach {self.name} ({method} {url}): {exc.__class__.__name__}.") from None
        if response.status_code not in expect:
            raise HTTPStatusError(self.name, response)
        return response


class HTTPStatusError(ExportError):
    """A non-retryable error answer; keeps the response for per-story reporting."""

    def __init__(self, name: str, response: httpx.Response):
        self.response = response
        self.status_code = response.status_code
        hint = {401: " (check the token/credentials)", 403: " (the token lacks permission)",
                404: " (check the project/repository name and URL)"}.get(response.status_code, "")
        super().__init__(
            f"{name} answered HTTP {response.status_code}{hint} on {response.request.method} "
            f"{response.request.url.path}: {error_excerpt(response)}"
        )
