"""LLM layer: any OpenAI-compatible model behind pydantic contracts, prompts as files, cached and accounted."""

from assistant.llm.engine import Generated, LLMProvider
from assistant.llm.provider import Provider, describe, finish_run, get_provider, mask

__all__ = ["Generated", "LLMProvider", "Provider", "describe", "finish_run", "get_provider", "mask"]
