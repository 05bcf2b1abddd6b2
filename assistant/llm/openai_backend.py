"""The one real transport: the `openai` SDK (OpenAI, Azure OpenAI, or any OpenAI-compatible base_url).

The SDK's own retries are off (max_retries=0) so there is exactly one retry policy: tenacity here,
with backoff on 429 / 5xx / timeouts that honours Retry-After. The key stays inside the client object.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from assistant.errors import LLMError
from assistant.llm.backend import ChatRequest, ChatResponse, StructuredOutputUnsupported, estimate_tokens

log = logging.getLogger(__name__)
MAX_RETRY_AFTER = 60.0
_SCHEMA_WORDS = ("response_format", "json_schema", "schema", "structured")
_CONTEXT_WORDS = ("context", "too long", "maximum", "exceed", "n_ctx", "tokens")


def is_transient(exc: BaseException) -> bool:
    """429, 5xx, 408/409, timeouts and dropped connections are worth another try; the rest are not."""
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code >= 500 or exc.status_code in (408, 409)
    return False


def retry_after_seconds(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (retry-after-ms or retry-after), capped; None when it did not say."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    try:
        if headers.get("retry-after-ms"):
            return min(float(headers["retry-after-ms"]) / 1000.0, MAX_RETRY_AFTER)
        if headers.get("retry-after"):
            return min(max(float(headers["retry-after"]), 0.0), MAX_RETRY_AFTER)
    except ValueError:  # an HTTP date: fall back to our own backoff
        return None
    return None


class _Wait:
    """Retry-After when given, else exponential backoff with jitter."""

    def __init__(self) -> None:
        self.backoff = wait_exponential_jitter(initial=1.0, max=30.0)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        told = retry_after_seconds(exc)
        return told if told is not None else self.backoff(state)


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    msg = ""
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message", "") if isinstance(err, dict) else str(err)
    return (msg or exc.message or "")[:240]


class OpenAIBackend:
    """Chat completions over an `openai.OpenAI` / `openai.AzureOpenAI` client built by get_provider."""

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        name: str,
        endpoint: str,
        max_retries: int = 3,
        token_param: str = "max_tokens",
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.client = client
        self.name = name
        self.endpoint = endpoint
        self.max_retries = max_retries
        self.token_param = token_param
        self.sleep = sleep

    def _payload(self, req: ChatRequest) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "model": req.model,
            "messages": req.messages,
            "temperature": req.temperature,
            self.token_param: req.max_tokens,
        }
        if req.mode == "json_schema":
            payload["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": req.schema_name, "schema": req.json_schema, "strict": True},
            }
        else:
            payload["response_format"] = {"type": "json_object"}
        return payload

    def _send(self, req: ChatRequest) -> ChatResponse:
        payload = self._payload(req)
        if not req.stream:
            resp = self.client.chat.completions.create(**payload)
            choice = resp.choices[0] if resp.choices else None  # some servers send none on a filtered answer
            text = (choice.message.content if choice else None) or ""
            usage = resp.usage
            return ChatResponse(
                text=text,
                prompt_tokens=usage.prompt_tokens if usage else estimate_tokens(str(req.messages)),
                completion_tokens=usage.completion_tokens if usage else estimate_tokens(text),
                finish_reason=choice.finish_reason if choice else None,
            )
        parts: list[str] = []
        finish = None
        usage = None
        stream = self.client.chat.completions.create(**payload, stream=True, stream_options={"include_usage": True})
        for chunk in stream:
            if chunk.usage:
                usage = chunk.usage
            for choice in chunk.choices:
                if choice.delta and choice.delta.content:
                    parts.append(choice.delta.content)
                if choice.finish_reason:
                    finish = choice.finish_reason
        text = "".join(parts)
        return ChatResponse(
            text=text,
            prompt_tokens=usage.prompt_tokens if usage else estimate_tokens(str(req.messages)),
            completion_tokens=usage.completion_tokens if usage else estimate_tokens(text),
            finish_reason=finish,
        )

    def complete(self, request: ChatRequest) -> ChatResponse:
        """Send with the retry policy; translate SDK errors into messages a PO can act on."""
        attempts = 0

        def before_sleep(state: RetryCallState) -> None:
            exc = state.outcome.exception() if state.outcome else None
            log.info("LLM call failed (%s); retrying", type(exc).__name__)

        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(self.max_retries + 1),
            wait=_Wait(),
            sleep=self.sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    attempts += 1
                    response = self._send(request)
            response.retries = attempts - 1
            return response
        except openai.APIError as exc:
            raise self._translate(exc, request, attempts) from None

    def _translate(self, exc: openai.APIError, req: ChatRequest, attempts: int) -> LLMError:
        where = f"{self.name} at {self.endpoint}"
        if isinstance(exc, openai.APITimeoutError):
            return LLMError(f"The LLM endpoint ({where}) timed out {attempts} time(s); raise BACKLOGSMITH_LLM_TIMEOUT or try later.")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError(f"Cannot reach the LLM endpoint ({where}) after {attempts} attempt(s); check OPENAI_BASE_URL / the server is running.")
        if not isinstance(exc, openai.APIStatusError):
            return LLMError(f"The LLM endpoint ({where}) failed: {type(exc).__name__}.")
        status, msg = exc.status_code, _server_message(exc)
        low = msg.lower()
        if status == 401 or status == 403:
            return LLMError(f"The LLM endpoint ({where}) rejected the API key ({status}); check OPENAI_API_KEY / AZURE_OPENAI_API_KEY.")
        if status == 404:
            return LLMError(
                f"Model or deployment '{req.model}' was not found ({where}, 404: {msg}); "
                "set BACKLOGSMITH_MODEL / AZURE_OPENAI_DEPLOYMENT to one the server serves."
            )
        if status == 429:
            return LLMError(f"Rate limited by {where} after {attempts} attempt(s) (429); lower BACKLOGSMITH_LLM_CONCURRENCY or try later.")
        if status >= 500:
            return LLMError(f"The LLM server failed {attempts} time(s) ({where}, {status}: {msg}); try again later.")
        if req.mode == "json_schema" and any(w in low for w in _SCHEMA_WORDS) and "context" not in low:
            return StructuredOutputUnsupported(f"{where} does not support JSON-schema output ({status}: {msg}).")
        if any(w in low for w in _CONTEXT_WORDS) and ("context" in low or "too long" in low or "exceed" in low):
            return LLMError(
                f"The request is too long for the model's context window ({where}, {status}: {msg}); "
                "use a model with a larger context or fewer items per need."
            )
        return LLMError(f"The LLM endpoint refused the request ({where}, {status}: {msg}).")
