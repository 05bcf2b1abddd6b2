"""A deterministic 'echo' chat backend for offline plumbing runs of the LLM path (`--provider fake`).

It answers every prompt with a minimal answer that passes the contract, built from the ids in the request
and, for stories, the first block's own words echoed back (the verification gate drops a story its citations do
not support, so an echo that ignored the feedback would never reach the backlog). It exercises the real prompt rendering, redaction, validation, caching and accounting, and it
records every request so the PII suite can inspect what would have been sent. It says nothing about
drafting quality and its scores must never be read that way.
"""

from __future__ import annotations

import json
import re
from typing import Any

from evals.capture import RequestLog

_ID = re.compile(r'<feedback id="([^"]+)"')
_BLOCK = re.compile(r'<feedback id="[^"]+"[^>]*>\n(.*?)\n</feedback>', re.S)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def _answer(schema: str, ids: list[str], echo: str = "") -> dict[str, Any]:
    first = ids[:1] or ["F1"]
    said = " ".join(_WORD.findall(echo)[:10]).lower() or "get the problem in the feedback solved"
    crit = {"given": f"the reported situation: {said}", "when": "the user repeats the reported steps",
            "then": f"the result shown matches what the feedback asked for: {said}", "evidence": first}
    story = {"role": "customer", "goal": f"to {said}",
             "benefit": "I can finish my work without a workaround", "acceptance_criteria": [crit, {**crit, "when": "an error occurs"}],
             "evidence": ids[:3] or first}
    if schema == "TriageBatch":
        return {"items": [{"id": i, "type": "other", "sentiment": "neutral", "sentiment_score": 0.0,
                           "urgency": "low", "urgency_reason": ""} for i in ids]}
    if schema == "NeedStatementOut":
        return {"whys": ["customers ask for a change"], "statement": "Customers cannot finish a routine task without extra effort.",
                "evidence": ids[:3] or first}
    if schema == "StoryDraftBatch":
        return {"stories": [story]}
    if schema == "CriteriaOut":
        return {"criteria": [crit]}
    if schema == "RepairOut":
        return {"story": story, "changes": ["kept as is"]}
    if schema == "StoryJudgement":
        return {"well_formed": 3, "problem_oriented": 3, "independent": 3, "small": 3, "valuable": 3,
                "rationale": "Echo fake: fixed middle scores, not a judgement."}
    if schema == "CriteriaJudgement":
        return {"testable": 3, "unambiguous": 3, "covers_goal": 3, "vague_terms": [],
                "rationale": "Echo fake: fixed middle scores, not a judgement."}
    if schema == "Ping":
        return {"ok": True}
    raise ValueError(f"echo fake has no answer for {schema}")


class EchoBackend:
    """ChatBackend that records each request and answers with the smallest valid JSON for its schema."""

    name = "fake"
    endpoint = "echo://local"

    def __init__(self, log: RequestLog | None = None):
        self.log = log or RequestLog()

    def complete(self, request: Any) -> Any:
        from assistant.llm.backend import ChatResponse, estimate_tokens

        body = json.dumps({"model": request.model, "messages": request.messages}, ensure_ascii=False)
        self.log.bodies.append(body)
        self.log.urls.append(self.endpoint)
        # Ids come from the data (user turns); the system prompt only shows the format.
        data = " ".join(m["content"] for m in request.messages if m["role"] != "system")
        ids = list(dict.fromkeys(_ID.findall(data)))
        blocks = _BLOCK.findall(data)
        text = json.dumps(_answer(request.schema_name, ids, blocks[0] if blocks else ""))
        return ChatResponse(text=text, prompt_tokens=estimate_tokens(body), completion_tokens=estimate_tokens(text))


def fake_provider(log: RequestLog) -> Any:
    """An LLMProvider over the echo backend (memory cache, so every run really sends its requests)."""
    from assistant.llm.cache import MemoryCache
    from assistant.llm.engine import LLMProvider

    return LLMProvider(EchoBackend(log), model="echo-fake", engine="fake", cache=MemoryCache(), concurrency=1)


def openai_chat_completion(body: dict[str, Any]) -> dict[str, Any]:
    """The echo answer as an OpenAI chat-completions response, for a loopback OpenAI-compatible test server.

    Lets the real openai-SDK provider run end to end over real HTTP (and be recorded to a cassette).
    """
    fmt = (body.get("response_format") or {}).get("json_schema") or {}
    schema = fmt.get("name") or ""
    if not schema:  # JSON mode: the schema's title travels inside the system prompt
        system = next((m["content"] for m in body.get("messages", []) if m.get("role") == "system"), "")
        schema = next((s for s in ("TriageBatch", "NeedStatementOut", "StoryDraftBatch", "CriteriaOut", "RepairOut",
                                   "StoryJudgement", "CriteriaJudgement", "Ping") if s in system), "Ping")
    data = " ".join(m.get("content") or "" for m in body.get("messages", []) if m.get("role") != "system")
    content = json.dumps(_answer(schema, list(dict.fromkeys(_ID.findall(data)))))
    return {
        "id": "chatcmpl-echo", "object": "chat.completion", "created": 0, "model": body.get("model", "echo-fake"),
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": len(json.dumps(body)) // 4, "completion_tokens": len(content) // 4,
                  "total_tokens": (len(json.dumps(body)) + len(content)) // 4},
    }
