"""The transport seam: one chat request in, text and token counts out. Real (openai SDK) or scripted (tests)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from assistant.errors import LLMError

OutputMode = Literal["json_schema", "json_object"]


@dataclass(frozen=True)
class ChatRequest:
    """Everything one HTTP call needs; the key is not here (it lives inside the client)."""

    model: str
    messages: list[dict[str, str]]
    schema_name: str
    json_schema: dict[str, Any]
    mode: OutputMode = "json_schema"
    max_tokens: int = 2048
    temperature: float = 0.0
    stream: bool = False


@dataclass
class ChatResponse:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str | None = None
    retries: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class StructuredOutputUnsupported(LLMError):
    """The server refused `response_format=json_schema`; the caller falls back to JSON mode + validation."""


class ChatBackend(Protocol):
    """Sends one chat request; raises LLMError (or StructuredOutputUnsupported) with an actionable message."""

    name: str
    endpoint: str

    def complete(self, request: ChatRequest) -> ChatResponse: ...


def estimate_tokens(text: str) -> int:
    """Rough token count (chars / 4) for servers that do not report usage, and for the benchmark."""
    return max(1, (len(text) + 3) // 4)


@functools.lru_cache(maxsize=64)
def strict_schema(model: type) -> dict[str, Any]:
    """The pydantic model's JSON schema in the strict-mode subset: every property required, no extras.

    Length limits and defaults are dropped from what is sent (strict mode rejects them); pydantic still
    enforces them on the answer.
    """
    unsupported = {"default", "minLength", "maxLength", "title"}

    def fix(node: Any) -> Any:
        if isinstance(node, list):
            return [fix(v) for v in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("properties", "$defs"):  # keys here are names (a property may be called "title")
                out[key] = {name: fix(sub) for name, sub in value.items()}
            elif key not in unsupported:
                out[key] = fix(value)
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
            out["required"] = list(out["properties"])
        return out

    return fix(model.model_json_schema())  # type: ignore[attr-defined]
