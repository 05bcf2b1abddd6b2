"""The Provider protocol and `get_provider(settings, ws)`: None means the offline (deterministic) engine.

Configuration comes only from Settings (BACKLOGSMITH_LLM, OPENAI_API_KEY, OPENAI_BASE_URL, BACKLOGSMITH_MODEL,
AZURE_OPENAI_*, --llm/--model). The key is handed to the SDK client and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar, runtime_checkable

from assistant.errors import ConfigError
from assistant.llm.accounting import Ledger, prices_for, record_run
from assistant.llm.cache import MemoryCache, WorkspaceCache
from assistant.llm.contracts import InputContext, Out
from assistant.llm.engine import Generated, LLMProvider
from assistant.settings import Settings
from assistant.urlmask import mask_http_logs, mask_url

T = TypeVar("T", bound=Out)
R = TypeVar("R")
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@runtime_checkable
class Provider(Protocol):
    """What pipeline steps need from an LLM: validated, provenance-stamped answers, and a concurrency limit."""

    name: str
    model: str
    ledger: Ledger

    def generate(
        self, prompt_name: str, variables: dict[str, Any], output_model: type[T], *,
        context: InputContext | None = None, use_cache: bool = True, max_tokens: int = 2048,
    ) -> Generated: ...

    def map(self, fn: Callable[[Any], R], inputs: Iterable[Any]) -> list[R]: ...


def mask(secret: str | None) -> str:
    """sk-...abcd style: enough to recognise a key, never enough to use it."""
    if not secret:
        return "(not set)"
    if len(secret) <= 8:
        return "****"
    return f"{secret[:3]}...{secret[-4:]}"


def describe(settings: Settings) -> dict[str, str]:
    """What is configured, safe to print (keys masked)."""
    kind = settings.effective_llm
    key = settings.azure_api_key if kind == "azure" else settings.openai_api_key
    out = {"llm": kind}
    if kind == "offline":
        out["engine"] = "offline deterministic engine (no LLM configured)"
        return out
    out["model"] = model_name(settings)
    out["endpoint"] = endpoint(settings)
    out["api_key"] = mask(key.get_secret_value() if key else None)
    out["output_mode"] = settings.llm_output_mode
    out["concurrency"] = str(settings.llm_concurrency)
    out["max_retries"] = str(settings.llm_max_retries)
    out["timeout_s"] = str(settings.llm_timeout)
    if kind == "azure":
        out["api_version"] = settings.azure_api_version
    return out


def model_name(settings: Settings) -> str:
    if settings.effective_llm == "azure":
        return settings.azure_deployment or settings.model or ""
    return settings.model or DEFAULT_OPENAI_MODEL


def endpoint(settings: Settings) -> str:
    """The endpoint as shown in doctor and error messages: credentials in the URL masked."""
    if settings.effective_llm == "azure":
        return mask_url(settings.azure_endpoint) if settings.azure_endpoint else "(AZURE_OPENAI_ENDPOINT not set)"
    return mask_url(settings.openai_base_url or "https://api.openai.com/v1")


def _client(settings: Settings) -> Any:
    mask_http_logs()
    import openai

    kind = settings.effective_llm
    common = {"max_retries": 0, "timeout": settings.llm_timeout}  # one retry policy: ours (tenacity)
    if kind == "azure":
        if not settings.azure_endpoint:
            raise ConfigError("BACKLOGSMITH_LLM=azure needs AZURE_OPENAI_ENDPOINT (https://<resource>.openai.azure.com).")
        if not settings.azure_api_key:
            raise ConfigError("BACKLOGSMITH_LLM=azure needs AZURE_OPENAI_API_KEY.")
        if not model_name(settings):
            raise ConfigError("BACKLOGSMITH_LLM=azure needs AZURE_OPENAI_DEPLOYMENT (or --model) naming the deployment.")
        return openai.AzureOpenAI(
            azure_endpoint=settings.azure_endpoint, api_key=settings.azure_api_key.get_secret_value(),
            api_version=settings.azure_api_version, **common,
        )
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    if not key and not settings.openai_base_url:
        raise ConfigError("BACKLOGSMITH_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server.")
    # Local servers (llama.cpp, Ollama, vLLM) usually need no key, but the SDK insists on one.
    return openai.OpenAI(api_key=key or "no-key-needed", base_url=settings.openai_base_url, **common)


def get_provider(settings: Settings, ws: Any | None = None, *, sleep: Callable[[float], None] | None = None,
                 stream: bool = False) -> Provider | None:
    """The configured LLM provider, or None for the offline engine. ws gives it the cache and price table."""
    kind = settings.effective_llm
    if kind == "offline":
        return None
    from assistant.llm.openai_backend import OpenAIBackend

    model = model_name(settings)
    official = kind == "azure" or not settings.openai_base_url
    backend_kwargs: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    backend = OpenAIBackend(
        _client(settings), name=kind, endpoint=endpoint(settings), max_retries=settings.llm_max_retries,
        # OpenAI's newer models only accept max_completion_tokens; local servers know max_tokens.
        token_param="max_completion_tokens" if official else "max_tokens", **backend_kwargs,
    )
    return LLMProvider(
        backend, model=model, engine=kind, mode=settings.llm_output_mode,
        cache=WorkspaceCache(ws) if ws is not None else MemoryCache(),
        ledger=Ledger(model=model, prices=prices_for(ws)), concurrency=settings.llm_concurrency, stream=stream,
    )


def finish_run(ws: Any, provider: Provider | None, command: str) -> str | None:
    """Store the run's token/cost line in the workspace and return it for the CLI to print (None if offline)."""
    if provider is None:
        return None
    record_run(ws, provider.ledger, command)
    return provider.ledger.summary()
