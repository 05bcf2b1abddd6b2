"""LLMProvider: prompt file -> messages -> cache -> call -> parse -> validate -> repair -> Generated.

One place owns the bounded repair loop, the JSON-mode fallback, the cache and the accounting, so every
step (triage, needs, drafting, repair, judges) gets the same guarantees.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from pydantic import ValidationError

from assistant.errors import ConfigError, LLMError, LLMOutputError
from assistant.llm.accounting import Ledger
from assistant.llm.backend import ChatBackend, ChatRequest, OutputMode, StructuredOutputUnsupported, strict_schema
from assistant.llm.cache import Cache, MemoryCache, cache_key
from assistant.llm.contracts import InputContext, Out, check_against_input
from assistant.llm.prompts import fragment, load_prompt
from assistant.models import Provenance

T = TypeVar("T", bound=Out)
R = TypeVar("R")
FAILURES_TO_STOP = 3  # unusable answers in a row before the rest of the run stops asking this model
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


class Generated:
    """A validated answer plus where it came from."""

    def __init__(self, value: Any, provenance: Provenance, *, cached: bool, attempts: int):
        self.value = value
        self.provenance = provenance
        self.cached = cached
        self.attempts = attempts

    def __repr__(self) -> str:
        return f"Generated({type(self.value).__name__}, cached={self.cached}, attempts={self.attempts})"


def parse_json(text: str) -> Any:
    """The JSON object in a reply, tolerating code fences; ValueError when there is none."""
    match = _FENCE.match(text)
    body = match.group(1) if match else text.strip()
    if not body.startswith("{"):
        start, end = body.find("{"), body.rfind("}")
        if start < 0 or end <= start:
            raise ValueError("the answer is not a JSON object")
        body = body[start : end + 1]
    return json.loads(body)


def _errors(exc: ValidationError, limit: int = 8) -> list[str]:
    out = []
    for e in exc.errors()[:limit]:
        loc = ".".join(str(x) for x in e["loc"]) or "(root)"
        out.append(f"{loc}: {e['msg']}")
    return out


class LLMProvider:
    """Provider over any ChatBackend (the openai SDK, or a scripted fake in tests)."""

    def __init__(
        self,
        backend: ChatBackend,
        *,
        model: str,
        engine: str | None = None,
        mode: str = "auto",
        cache: Cache | None = None,
        ledger: Ledger | None = None,
        concurrency: int = 4,
        max_repairs: int = 2,
        stream: bool = False,
    ):
        self.backend = backend
        self.model = model
        self.name = engine or backend.name
        self.auto_mode = mode == "auto"
        self.mode: OutputMode = "json_object" if mode == "json_object" else "json_schema"
        self.cache = cache if cache is not None else MemoryCache()
        self.ledger = ledger or Ledger(model=model)
        self.concurrency = concurrency
        # Bounds requests in flight even when callers run their own threads, not only through map().
        self._slots = threading.BoundedSemaphore(concurrency)
        self.max_repairs = max_repairs
        self.stream = stream
        # Set when the endpoint failed (down, 5xx after retries, timeouts) or kept answering garbage: the rest of
        # the run does not wait on it again; every step falls back to the offline engine and says why.
        self.stopped: str | None = None
        self._failures_in_row = 0

    def map(self, fn: Callable[[Any], R], inputs: Iterable[Any]) -> list[R]:
        """fn over inputs with at most `concurrency` requests in flight; results in input order."""
        items = list(inputs)
        if self.concurrency <= 1 or len(items) <= 1:
            return [fn(x) for x in items]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(fn, items))

    def _with_mode(self, messages: list[dict[str, str]], schema: dict[str, Any]) -> list[dict[str, str]]:
        if self.mode == "json_schema":
            return messages
        # JSON mode has no schema channel, so the schema travels in the system message.
        extra = fragment("json_mode").format(schema=json.dumps(schema, ensure_ascii=False))
        return [{"role": messages[0]["role"], "content": messages[0]["content"] + "\n\n" + extra}, *messages[1:]]

    def generate(
        self,
        prompt_name: str,
        variables: dict[str, Any],
        output_model: type[T],
        *,
        context: InputContext | None = None,
        use_cache: bool = True,
        max_tokens: int = 2048,
    ) -> Generated:
        """Render the prompt, ask, and return a value that passed the schema and the input checks."""
        spec = load_prompt(prompt_name)
        if spec.output_model is not output_model:
            raise ConfigError(f"Prompt '{prompt_name}' answers {spec.output_schema}, not {output_model.__name__}.")
        ctx = context or InputContext()
        prov = Provenance(engine=self.name, prompt=spec.name, prompt_version=spec.version, model=self.model)
        messages = spec.render(variables)
        key = cache_key(spec.name, spec.version, self.model, messages, spec.output_schema)
        if use_cache:
            hit = self.cache.get(key)
            if hit is not None:
                try:
                    value = output_model.model_validate(hit)
                    if not check_against_input(value, ctx):
                        self.ledger.add(cache_hits=1)
                        return Generated(value, prov, cached=True, attempts=0)
                except ValidationError:
                    pass  # a contract changed since it was cached: ask again
        schema = strict_schema(output_model)
        history: list[dict[str, str]] = []
        problems: list[str] = []
        attempt = 0
        while attempt <= self.max_repairs:
            request = ChatRequest(
                model=self.model, messages=self._with_mode(messages, schema) + history, schema_name=output_model.__name__,
                json_schema=schema, mode=self.mode, max_tokens=max_tokens, stream=self.stream,
            )
            try:
                with self._slots:
                    response = self.backend.complete(request)
            except StructuredOutputUnsupported:
                if not self.auto_mode or self.mode == "json_object":
                    raise
                self.mode = "json_object"  # remembered for the rest of the run
                continue
            except LLMError as exc:
                self.stopped = str(exc)
                raise
            attempt += 1
            self.ledger.add(calls=1, prompt_tokens=response.prompt_tokens,
                            completion_tokens=response.completion_tokens, retries=response.retries)
            problems = self._problems(response.text, response.finish_reason, output_model, ctx)
            if not problems:
                value = output_model.model_validate(parse_json(response.text))
                self.cache.put(key, prompt=spec.name, version=spec.version, model=self.model,
                               value=value.model_dump(mode="json"), prompt_tokens=response.prompt_tokens,
                               completion_tokens=response.completion_tokens)
                self._failures_in_row = 0
                return Generated(value, prov, cached=False, attempts=attempt)
            if attempt <= self.max_repairs:
                self.ledger.add(repairs=1)
            history = [
                {"role": "assistant", "content": response.text[:4000]},
                {"role": "user", "content": fragment("repair").format(errors="\n".join(f"- {p}" for p in problems))},
            ]
        self.ledger.add(failures=1)
        self._failures_in_row += 1
        error = LLMOutputError(
            f"The model '{self.model}' did not return a valid {output_model.__name__} for prompt "
            f"'{spec.name}' v{spec.version} after {attempt} attempt(s) ({problems[0] if problems else 'no answer'}); "
            "use the offline engine (--llm offline) for this step or a stronger model."
        )
        if self._failures_in_row >= FAILURES_TO_STOP:
            self.stopped = f"{self._failures_in_row} unusable answers in a row (last: {problems[0] if problems else 'no answer'})"
        raise error

    @staticmethod
    def _problems(text: str, finish: str | None, model: type[Out], ctx: InputContext) -> list[str]:
        try:
            data = parse_json(text)
        except ValueError as exc:
            cut = " (the answer was cut off at max_tokens)" if finish == "length" else ""
            return [f"not valid JSON: {str(exc)[:120]}{cut}"]
        try:
            value = model.model_validate(data)
        except ValidationError as exc:
            return _errors(exc)
        return check_against_input(value, ctx)


def check_open(provider: Any) -> None:
    """Raise LLMError when the provider was stopped earlier in this run (endpoint down, garbage in a row), so a
    pipeline step falls back to the offline engine at once instead of waiting on the model again."""
    reason = getattr(provider, "stopped", None)
    if reason:
        raise LLMError(f"the model is not asked again in this run: {reason}")


def run_batches(provider: Any, fn: Callable[[Any], R], batches: Sequence[Any]) -> list[R]:
    """Use the provider's concurrency limit when it has one (fakes may not)."""
    mapper = getattr(provider, "map", None)
    return mapper(fn, batches) if mapper else [fn(b) for b in batches]
