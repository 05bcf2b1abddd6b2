"""Benchmark (not a test): calls and tokens for triage + need statements + drafting on 1k items,
batched-and-cached versus the naive one-call-per-item approach, and the cache hit rate on a re-run.

Uses the scripted fake backend, whose token counts are chars/4 of the requests actually rendered
(system prompt, delimited items, JSON schema) and of the answers, so strategies compare fairly.
Run: python -m assistant.llm.bench [--items 1000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from assistant.llm.accounting import Usage
from assistant.llm.cache import MemoryCache, WorkspaceCache
from assistant.llm.fake import fake_provider
from assistant.llm.steps import llm_draft_stories, llm_need_members, llm_need_statement, llm_same_needs, llm_triage
from assistant.models import FeedbackItem, Need, SourceRef

TOPICS = [
    ("export", "exporting reports to CSV"), ("login", "signing in with SSO"), ("invoice", "downloading invoices"),
    ("search", "searching old tickets"), ("mobile", "the mobile app on slow networks"), ("sync", "calendar sync"),
    ("billing", "changing the billing plan"), ("dark", "reading the app at night"), ("notify", "email notifications"),
    ("perf", "loading large dashboards"), ("import", "importing contacts"), ("perm", "team permissions"),
    ("api", "the public API rate limits"), ("offline", "working offline"), ("audit", "the audit log"),
    ("share", "sharing a board with clients"), ("2fa", "two-factor sign-in"), ("locale", "date formats abroad"),
    ("upload", "uploading large attachments"), ("undo", "undoing a bulk edit"),
]
OPENERS = ["Honestly,", "Hi team,", "Quick note:", "", "As an admin,", "Our finance lead says", "Since the last update"]
PROBLEMS = [
    "{t} keeps failing and I lose my work every time, which is really frustrating for the whole team.",
    "please add a better way of {t}; right now it takes us ages and we end up doing it by hand in spreadsheets.",
    "is there any way to make {t} faster? It blocks our weekly review and people complain about it constantly.",
    "{t} crashed twice this week and we had to redo everything, we are considering other tools if this continues.",
    "I love the product but {t} is confusing, it took me an hour to figure out where the settings are hidden.",
]


def sample(n: int = 1000, seed: int = 7) -> tuple[list[FeedbackItem], list[Need]]:
    """n synthetic feedback items over 20 needs (deterministic)."""
    rng = random.Random(seed)
    items: list[FeedbackItem] = []
    groups: dict[str, list[str]] = {}
    for i in range(n):
        key, topic = TOPICS[rng.randrange(len(TOPICS))]
        text = f"{rng.choice(OPENERS)} {rng.choice(PROBLEMS).format(t=topic)} (ref {rng.randrange(10_000)})".strip()
        item = FeedbackItem(id=f"fb{i:06d}{rng.randrange(16**8):08x}", text=text[0].upper() + text[1:],
                            source=SourceRef(path="bench.csv", row=i + 1), metadata={"segment": rng.choice(["free", "pro", "enterprise"])})
        items.append(item)
        groups.setdefault(key, []).append(item.id)
    needs = [Need(id=f"need-{k}", name=dict(TOPICS)[k], statement="", item_ids=ids, quotes=ids[:5]) for k, ids in groups.items()]
    return items, needs


class Strategy(BaseModel):
    calls: int
    cache_hits: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class BenchReport(BaseModel):
    items: int
    needs: int
    naive: Strategy
    batched: Strategy
    rerun: Strategy

    @property
    def token_ratio(self) -> float:
        return self.batched.tokens / self.naive.tokens

    @property
    def rerun_hit_rate(self) -> float:
        total = self.rerun.calls + self.rerun.cache_hits
        return self.rerun.cache_hits / total if total else 0.0

    def format(self) -> str:
        rows = [f"{'strategy':<22}{'calls':>8}{'cached':>8}{'prompt tok':>12}{'compl tok':>11}{'total tok':>11}"]
        for label, s in (("naive (1 call/item)", self.naive), ("batched + cache", self.batched), ("re-run (unchanged)", self.rerun)):
            rows.append(f"{label:<22}{s.calls:>8}{s.cache_hits:>8}{s.prompt_tokens:>12,}{s.completion_tokens:>11,}{s.tokens:>11,}")
        rows.append(f"token ratio batched/naive: {self.token_ratio:.3f} (target <= 0.2); "
                    f"call ratio: {self.batched.calls / self.naive.calls:.3f}; re-run cache hit rate: {self.rerun_hit_rate:.0%} "
                    f"({self.rerun.calls} calls)")
        return "\n".join(rows)


def _measure(fn: Callable[[], object], usage: Callable[[], Usage]) -> Strategy:
    start = time.perf_counter()
    fn()
    u = usage()
    return Strategy(calls=u.calls, cache_hits=u.cache_hits, prompt_tokens=u.prompt_tokens,
                    completion_tokens=u.completion_tokens, seconds=round(time.perf_counter() - start, 3))


def _pipeline(provider, items: list[FeedbackItem], needs: list[Need]) -> None:  # type: ignore[no-untyped-def]
    by_id = {it.id: it for it in items}
    llm_triage(provider, items)
    checked = {need.id: llm_need_members(provider, [by_id[i] for i in need.item_ids]).need for need in needs}
    llm_same_needs(provider, {need.id: (checked[need.id], [by_id[i] for i in need.item_ids[:2]]) for need in needs})
    for need in needs:
        members = [by_id[i] for i in need.item_ids]
        statement = llm_need_statement(provider, need, members)
        llm_draft_stories(provider, need.model_copy(update={"statement": statement}), members)


def _naive(provider, items: list[FeedbackItem], needs: list[Need]) -> None:  # type: ignore[no-untyped-def]
    need_of = {i: n for n in needs for i in n.item_ids}
    for item in items:
        llm_triage(provider, [item])
        llm_need_members(provider, [item])
        need = need_of[item.id].model_copy(update={"item_ids": [item.id], "quotes": [item.id]})
        statement = llm_need_statement(provider, need, [item])
        llm_draft_stories(provider, need.model_copy(update={"statement": statement}), [item])


def run_bench(n_items: int = 1000, workspace_dir: Path | None = None) -> BenchReport:
    """Naive vs batched (fresh workspace cache) vs re-run on the same cache."""
    from assistant.settings import resolve_settings
    from assistant.workspace import Workspace

    items, needs = sample(n_items)
    naive = fake_provider(cache=MemoryCache())
    naive_s = _measure(lambda: _naive(naive, items, needs), naive.ledger.snapshot)
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(resolve_settings(env={}, workspace=workspace_dir or Path(tmp) / "ws"))
        try:
            first = fake_provider(cache=WorkspaceCache(ws), concurrency=4)
            batched_s = _measure(lambda: _pipeline(first, items, needs), first.ledger.snapshot)
            again = fake_provider(cache=WorkspaceCache(ws), concurrency=4)
            rerun_s = _measure(lambda: _pipeline(again, items, needs), again.ledger.snapshot)
        finally:
            ws.close()
    return BenchReport(items=len(items), needs=len(needs), naive=naive_s, batched=batched_s, rerun=rerun_s)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000)
    args = parser.parse_args()
    report = run_bench(args.items)
    print(f"{report.items} items, {report.needs} needs (scripted fake backend; tokens = chars/4 of real requests)")
    print(report.format())


if __name__ == "__main__":
    main()
