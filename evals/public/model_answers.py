"""A capable model's answers to the membership check (assistant/needs/checked.py), replayed on a real inbox.

No capable model runs on the machines this project is built on, and a tiny local model says nothing about judgement.
To measure what the LLM path does with good answers, the requests the check sends on a real inbox were written out
(`dump`), answered by a capable model — a separate agent given only the prompt's system text and the blocks, who saw
no labels and no audit — and recorded in `model_answers/NAME.{members,merge,place}.json`, keyed by a hash of each
block's text (the merge answer by the need keys of its one request). `replay` rebuilds the needs of a workspace that
`backlogsmith run` built offline from that inbox: a recluster whose model is a scripted backend answering from the
recording, so the real prompts, schemas, id checks and validation run. Statements and stories stay offline, and
backlog.md is written beside the workspace for reading. These are one model's answers, not a benchmark of models.

usage: python -m evals.public.model_answers replay NAME WORKSPACE
       python -m evals.public.model_answers dump NAME WORKSPACE OUTDIR   (the requests whose answers are not recorded)
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

ANSWERS = Path(__file__).resolve().parent / "model_answers"


def block_key(text: str) -> str:
    """A block's key: its text as sent (entities escaped), whitespace folded."""
    return hashlib.sha1(" ".join(text.split()).encode()).hexdigest()[:12]


class Recorded:
    """A responder answering the check's three requests from a recording; what is not recorded gets a neutral answer
    (every member kept, no join, nothing placed) and the request is kept for `dump`."""

    def __init__(self, name: str) -> None:
        def read(kind: str) -> Any:
            path = ANSWERS / f"{name}.{kind}.json"
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

        members = read("members") or {}
        self.verdicts = {h: (need["need"], v) for need in members.values() for h, v in need["verdicts"].items()}
        self.merge = read("merge")
        self.place = read("place")
        self.unanswered: dict[str, list[str]] = {"members": [], "merge": [], "place": []}

    def _get(self, table: dict[str, Any], key: str, raw: str) -> Any:
        # a few recordings were keyed by the text with its entities decoded
        return table.get(key) or table.get(block_key(html.unescape(raw)))

    def __call__(self, request) -> str:  # type: ignore[no-untyped-def]
        import assistant.llm.fake as fake

        user = next(m["content"] for m in request.messages if m["role"] == "user")
        raw = fake.blocks(request)
        blocks = [(a, block_key(t), html.unescape(t)) for a, t in raw]
        if request.schema_name == "NeedMembersOut":
            got = [self._get(self.verdicts, h, t) for (_, h, _), (_, t) in zip(blocks, raw)]
            if None in got:
                self.unanswered["members"].append(_listing(blocks))
            need = next((g[0] for g in got if g), "the need these items share")
            return json.dumps({"need": need, "verdicts": [
                {"id": a, "belongs": bool(g[1][0]) if g else True, "reason": (g[1][1] if g else "") or "no reason"}
                for (a, _, _), g in zip(blocks, got)]})
        if request.schema_name == "NeedMergeOut":
            if self.merge is None:
                self.unanswered["merge"].append(html.unescape(user))
            return json.dumps(self.merge or {"groups": []})
        if request.schema_name == "NeedPlacementOut":
            listed = re.search(r"<needs>(.*?)</needs>", user, re.S)
            needs = listed.group(1).strip() if listed else ""
            # an answer is for one list of needs: recorded as "LIST:BLOCK". The first recordings were keyed by the
            # block alone, against lists of several needs; a one-need list (an ask's own need, checking the
            # customers it took along) never reuses them
            digest = block_key(needs)[:8]
            place = self.place or {}
            found = [place.get(f"{digest}:{h}") or (self._get(place, h, t) if needs.count("\n") else None)
                     for (_, h, _), (_, t) in zip(blocks, raw)]
            if None in found:
                todo = [b for b, f in zip(blocks, found) if f is None]
                self.unanswered["place"].append(f"### needs (list {digest})\n{html.unescape(needs)}"
                                                f"\n\n### blocks\n{_listing(todo)}")
            found = [f or ["none", "not recorded"] for f in found]
            return json.dumps({"placements": [{"id": a, "need": f[0], "reason": (f[1] or "no reason")[:150]}
                                              for (a, _, _), f in zip(blocks, found)]})
        return fake.well_behaved(request)


def _listing(blocks: list[tuple[str, str, str]]) -> str:
    return "\n\n".join(f"[{h}] {text}" for _, h, text in blocks)


def rebuild(name: str, workspace: Path) -> Recorded:
    """Recluster the workspace with the recorded answers; write backlog.md beside it (offline statements, stories)."""
    import assistant.llm.fake as fake
    from assistant.export.backlog_report import backlog_markdown
    from assistant.needs import build_needs, statements
    from assistant.settings import resolve_settings
    from assistant.stories import draft
    from assistant.value import prioritize, stakeholder_decisions
    from assistant.workspace import Workspace

    answers = Recorded(name)
    offline_statements, statements.by_model = statements.by_model, lambda *a, **k: {}  # statements stay offline
    ws = Workspace(resolve_settings(env={}, workspace=workspace))
    try:
        needs = build_needs(ws, recluster=True, provider=fake.fake_provider(answers))
        drafted = draft(ws)
        order = {st.id: st for st in prioritize(ws)}
        stories = sorted([order.get(st.id, st) for st in drafted.stories if st.status != "rejected"],
                         key=lambda st: st.value.inputs.get("rank", 10**6))
        (workspace.parent / "backlog.md").write_text(
            backlog_markdown(ws, stories, stakeholder_decisions(ws), list(drafted.messages), needs), encoding="utf-8")
    finally:
        statements.by_model = offline_statements
        ws.close()
    return answers


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 3 or args[0] not in ("replay", "dump") or (args[0] == "dump" and len(args) != 4):
        print(__doc__.split("usage: ")[1], file=sys.stderr)
        return 2
    answers = rebuild(args[1], Path(args[2]))
    missing = {k: len(v) for k, v in answers.unanswered.items() if v}
    if args[0] == "dump":
        out = Path(args[3])
        out.mkdir(parents=True, exist_ok=True)
        for kind, requests in answers.unanswered.items():
            for k, text in enumerate(requests):
                (out / f"{kind}{k:02d}.txt").write_text(text, encoding="utf-8")
    print(f"rebuilt {args[2]} with the recorded answers of {args[1]}; requests not recorded: {missing or 'none'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
