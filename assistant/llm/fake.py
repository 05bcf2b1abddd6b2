"""A scripted ChatBackend for tests and the benchmark: real request objects in, scripted text out.

Token counts follow the actual rendered request (chars / 4 of the messages, plus the schema when it is
sent), so call and token numbers from the benchmark are comparable between strategies.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from assistant.llm.accounting import Ledger
from assistant.llm.backend import ChatRequest, ChatResponse, estimate_tokens
from assistant.llm.cache import Cache
from assistant.llm.engine import LLMProvider

Responder = Callable[[ChatRequest], str]
ALIAS_RE = re.compile(r'<feedback id="([^"]+)"[^>]*>\n(.*?)\n</feedback>', re.S)


def blocks(request: ChatRequest) -> list[tuple[str, str]]:
    """(alias, text) for every feedback block in the request's first user message."""
    user = next(m["content"] for m in request.messages if m["role"] == "user")
    return ALIAS_RE.findall(user)


def request_tokens(request: ChatRequest) -> int:
    text = "".join(m["content"] for m in request.messages)
    if request.mode == "json_schema":
        text += json.dumps(request.json_schema)
    return estimate_tokens(text) + 4 * len(request.messages)


class ScriptedBackend:
    """Replies from a list (consumed in order) or a function of the request; records every request."""

    def __init__(self, replies: Sequence[str | Exception] | Responder, *, name: str = "fake"):
        self.name = name
        self.endpoint = "scripted"
        self._replies = replies if callable(replies) else list(replies)
        self.requests: list[ChatRequest] = []
        self._lock = threading.Lock()

    def complete(self, request: ChatRequest) -> ChatResponse:
        with self._lock:
            self.requests.append(request)
            queued = None if callable(self._replies) else (self._replies.pop(0) if self._replies else None)
        if callable(self._replies):
            reply: str | Exception = self._replies(request)  # outside the lock: concurrency stays observable
        elif queued is None:
            raise AssertionError("ScriptedBackend ran out of scripted replies")
        else:
            reply = queued
        if isinstance(reply, Exception):
            raise reply
        return ChatResponse(text=reply, prompt_tokens=request_tokens(request),
                            completion_tokens=estimate_tokens(reply), finish_reason="stop")


def _type_of(text: str) -> tuple[str, str, float, str, str]:
    low = text.lower()
    if any(w in low for w in ("crash", "error", "broken", "fails", "bug", "lost")):
        return "bug", "negative", -0.6, "high" if "lost" in low or "payment" in low else "medium", "broken workflow"
    if any(w in low for w in ("please add", "would be nice", "wish", "add ", "support for", "i want")):
        return "feature_request", "neutral", 0.0, "low", ""
    if "?" in low:
        return "question", "neutral", 0.0, "low", ""
    if any(w in low for w in ("love", "great", "thanks", "awesome")):
        return "praise", "positive", 0.8, "low", ""
    return "complaint", "negative", -0.3, "low", ""


def well_behaved(request: ChatRequest) -> str:
    """A valid answer for any of our prompts, built from the request (a competent, obedient-to-us model)."""
    found = blocks(request)
    ids = [a for a, _ in found] or ["F1"]
    cite = ids[:3]
    criterion = {"given": "a signed-in customer", "when": "they complete the action described in the evidence",
                 "then": "the result is saved and a confirmation message is shown", "evidence": cite[:1]}
    edge = {"given": "the action fails", "when": "the customer retries",
            "then": "an error message names the cause and no data is lost", "evidence": cite[-1:]}
    story = {"role": "customer", "goal": "to complete the task without losing my work",
             "benefit": "I do not have to start over", "acceptance_criteria": [criterion, edge], "evidence": cite}
    name = request.schema_name
    if name == "TriageBatch":
        items = []
        for alias, text in found:
            t, s, score, u, reason = _type_of(text)
            items.append({"id": alias, "type": t, "sentiment": s, "sentiment_score": score,
                          "urgency": u, "urgency_reason": reason})
        return json.dumps({"items": items})
    if name == "NeedStatementOut":
        return json.dumps({"whys": ["customers ask for a change", "the current flow loses their work"],
                           "statement": "Customers lose work when the flow is interrupted and must start over.",
                           "evidence": cite})
    if name == "NeedMembersOut":
        return json.dumps({"need": "the need these items share",
                           "verdicts": [{"id": a, "belongs": True, "reason": "same need"} for a, _ in found]})
    if name == "NeedMergeOut":
        return json.dumps({"groups": []})
    if name == "NeedPlacementOut":
        return json.dumps({"placements": [{"id": a, "need": "none", "reason": "no need fits"} for a, _ in found]})
    if name == "StoryDraftBatch":
        return json.dumps({"stories": [story]})
    if name == "CriteriaOut":
        return json.dumps({"criteria": [criterion, edge]})
    if name == "RepairOut":
        return json.dumps({"story": story, "changes": ["goal now starts with 'to' and holds one action"]})
    if name == "StoryJudgement":
        return json.dumps({"well_formed": 4, "problem_oriented": 4, "independent": 4, "small": 4, "valuable": 4,
                           "rationale": "scripted"})
    if name == "CriteriaJudgement":
        return json.dumps({"testable": 4, "unambiguous": 4, "covers_goal": 4, "vague_terms": [], "rationale": "scripted"})
    if name == "Ping":
        return json.dumps({"ok": True})
    raise AssertionError(f"no scripted answer for {name}")


def fake_provider(
    replies: Sequence[str | Exception] | Responder = well_behaved,
    *,
    model: str = "fake-model",
    cache: Cache | None = None,
    concurrency: int = 1,
    mode: str = "auto",
    max_repairs: int = 2,
    prices: dict[str, dict[str, float]] | None = None,
) -> LLMProvider:
    """An LLMProvider over a ScriptedBackend: the real validation, repair, cache and accounting paths."""
    ledger = Ledger(model=model, prices=prices) if prices is not None else Ledger(model=model)
    return LLMProvider(ScriptedBackend(replies), model=model, engine="fake", mode=mode, cache=cache,
                       ledger=ledger, concurrency=concurrency, max_repairs=max_repairs)


def scripted(provider: LLMProvider) -> ScriptedBackend:
    """The ScriptedBackend behind a fake provider (to inspect requests)."""
    backend = provider.backend
    assert isinstance(backend, ScriptedBackend)
    return backend


__all__ = ["ScriptedBackend", "fake_provider", "scripted", "well_behaved", "blocks", "request_tokens", "Any"]
