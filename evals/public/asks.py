"""The PO-audit inboxes end to end: needs, catch-alls, stakeholder-ask routing and the evidence to read.

`python -m evals.public.asks [NAME ...] [--json] [--quotes FILE]` builds each inbox of `evals.public.inboxes` in a
fresh workspace, ingests it as a user would (feedback + stakeholder asks), triages and builds needs offline, then
reports per inbox:
- needs: count, the largest need's share, needs over max(8%, 3x median) and whether they are as coherent as the
  rest, praise needs vs problem needs;
- asks: for each written ask, the need it landed in, whether that need is made of the gold label the ask serves
  (or is its own need when it serves none), the decision note `asks` would show, and the 3 needs routing found
  most similar to its problem sentences with the topic terms each shares (why it went where it went);
- with --quotes FILE: up to 10 member texts per need with their gold label, for judging evidence purity by reading.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from evals.public.inboxes import ASKS, AUDITED, gold, write_inbox


def run_inbox(name: str, root: Path) -> dict[str, Any]:
    """Ingest, triage and build needs for one inbox; the needs, items and ask decisions."""
    from assistant.needs import build_needs
    from assistant.repository import load_items
    from assistant.settings import resolve_settings
    from assistant.triage import triage_items
    from assistant.value import stakeholder_decisions
    from assistant.workspace import Workspace
    from ingest.pipeline import ingest_paths

    folder = write_inbox(name, root)
    ws = Workspace(resolve_settings(env={}, workspace=root / f"ws-{name}"))
    try:
        ingest_paths(ws, [folder / "feedback.csv", folder / "stakeholder_asks.csv"])
        triage_items(ws)
        needs = build_needs(ws)
        with ws.transaction() as s:
            items = {it.id: it for it in load_items(s)}
        decisions = stakeholder_decisions(ws)
        coherence = _coherence(ws, needs)
        top3 = _ask_candidates(ws, items, needs)
        central = _by_centrality(ws, needs)
    finally:
        ws.close()
    return {"needs": needs, "items": items, "decisions": decisions, "coherence": coherence, "central": central,
            "top3": top3}


def _ask_candidates(ws, items, needs) -> dict[str, list[tuple[float, str, list[str]]]]:  # type: ignore[no-untyped-def]
    """Per ask text: the 3 most similar needs as routing sees them (similarity, need name, shared topic terms)."""
    from assistant.needs.asks import candidates, need_topics, problem_sentences
    from assistant.needs.build import NeedParams
    from assistant.needs.cluster import normalise

    p = NeedParams()
    names = {n.id: n.name for n in needs}
    groups: dict[str, list[str]] = {}
    for it in sorted(items.values(), key=lambda it: it.id):
        if it.need_id and it.kind != "stakeholder_ask" and not it.duplicate_of:
            groups.setdefault(it.need_id, []).append(it.id)
    vec = {k: normalise(v[None, :])[0] for k, v in ws.index.get_vectors([i for ids in groups.values() for i in ids]).items()}
    topics = need_topics(groups, {i: it.text for i, it in items.items()}, p.ask_topic_share, p.ask_topic_lift)
    out = {}
    for it in items.values():
        if it.kind == "stakeholder_ask":
            views = normalise(ws.embedder.embed(problem_sentences(it.text)))
            out[it.text.strip()] = [(round(sim, 3), names.get(nid, nid), sorted(shared))
                                    for sim, nid, shared in candidates(it.text, views, groups, vec, topics,
                                                                       p.ask_neighbours)[:3]]
    return out


def _by_centrality(ws, needs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """A need's item ids, closest to its centroid first: the order its evidence quotes are picked in."""
    out = {}
    for n in needs:
        got = ws.index.get_vectors(n.item_ids)
        if got:
            ids = list(got)
            m = np.stack([got[i] for i in ids])
            c = m.sum(axis=0)
            out[n.id] = [ids[k] for k in np.argsort(-(m @ c), kind="stable")]
    return out


def _coherence(ws, needs) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Mean cosine of a need's items to its centroid (what the catch-all rule compares)."""
    out = {}
    for n in needs:
        got = ws.index.get_vectors(n.item_ids)
        if got:
            m = np.stack(list(got.values()))
            out[n.id] = round(float(np.linalg.norm(m.sum(axis=0)) / len(m)), 4)
    return out


def evaluate(names: list[str], quotes: Path | None = None) -> dict[str, Any]:
    from assistant.needs.evidence import is_problem_need

    report: dict[str, Any] = {}
    reading: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            got = run_inbox(name, Path(tmp))
            labels = gold(name)
            needs, items = got["needs"], got["items"]
            customer = {nid: [items[i] for i in n.item_ids if i in items and items[i].kind != "stakeholder_ask"]
                        for nid, n in ((n.id, n) for n in needs)}
            total = sum(1 for it in items.values() if it.kind != "stakeholder_ask" and not it.duplicate_of)
            sizes = np.array([len(v) for v in customer.values() if v] or [0])
            limit = max(0.08 * total, 3 * float(np.median(sizes)))
            coh = got["coherence"]
            med_coh = float(np.median([coh[n.id] for n in needs if n.id in coh and len(customer[n.id]) <= limit]
                                      or [0.0]))
            oversized = [{"name": n.name, "items": len(customer[n.id]), "coherence": coh.get(n.id),
                          "as_coherent_as_others": (coh.get(n.id) or 0) >= med_coh}
                         for n in needs if len(customer[n.id]) > limit]
            asks = []
            for (who, role, _ch, text, want), dec in zip(ASKS[name], _in_order(name, got["decisions"])):
                members = customer.get(dec.need_id or "", [])
                made_of = Counter(labels.get(it.text, "?") for it in members)
                if want is None:
                    verdict = "right (own need)" if not members else "wrong (joined a customer need)"
                elif not members:
                    verdict = "own need (missed the serving need)"
                else:
                    share = made_of.get(want, 0) / len(members)
                    verdict = "right" if share >= 0.3 else "wrong need"
                asks.append({"who": f"{who} ({role})", "ask": text[:90], "gold": want, "need": dec.need_name,
                             "need_made_of": dict(made_of.most_common(3)), "verdict": verdict,
                             "decision": dec.decision, "why": dec.why, "top3": got["top3"].get(text.strip(), [])})
            report[name] = {
                "items": total, "needs": len(needs), "largest_share": round(float(sizes.max()) / max(total, 1), 4),
                "catch_all_limit": round(limit, 1), "oversized": oversized,
                "praise_needs": sum(1 for n in needs if not is_problem_need(n.counts)),
                "unassigned": sum(1 for it in items.values() if it.need_id is None and not it.duplicate_of),
                "asks_right": sum(1 for a in asks if a["verdict"].startswith("right")), "asks": asks,
                "runs_a_step_that_ran": sum(1 for a in asks if "run `backlogsmith needs`" in a["why"]),
            }
            for n in sorted(needs, key=lambda n: -len(customer[n.id])):
                reading.append(f"\n## {name} · {n.name} ({len(customer[n.id])} items) — {n.statement}")
                order = {iid: k for k, iid in enumerate(got["central"].get(n.id, []))}
                shown = sorted(customer[n.id], key=lambda it: order.get(it.id, len(order)))[:10]
                reading += [f"- [{labels.get(it.text, '?')}] {it.text[:200]}" for it in shown]
    if quotes:
        quotes.write_text("\n".join(reading), encoding="utf-8")
    return report


def _in_order(name: str, decisions: list[Any]) -> list[Any]:
    """Decisions in the order the asks were written (matched by text)."""
    by_text = {d.text.strip(): d for d in decisions}
    return [by_text[text.strip()] for (_w, _r, _c, text, _g) in ASKS[name]]


def table(report: dict[str, Any]) -> str:
    lines = []
    for name, r in report.items():
        lines.append(f"{name}: {r['items']} items, {r['needs']} needs ({r['praise_needs']} praise), largest "
                     f"{r['largest_share']:.1%}, unassigned {r['unassigned']}, over the catch-all limit "
                     f"{len(r['oversized'])} {[(o['name'], o['items'], o['as_coherent_as_others']) for o in r['oversized']]}")
        lines.append(f"  asks routed right: {r['asks_right']} of {len(r['asks'])}; notes telling to re-run a step that "
                     f"ran: {r['runs_a_step_that_ran']}")
        for a in r["asks"]:
            lines.append(f"  - {a['verdict']}: {a['ask']} → '{a['need']}' {a['need_made_of']} (gold {a['gold']}); "
                         f"{a['decision']}: {a['why'][:110]}")
            lines += [f"      {sim:.3f} '{name}' shares {shared or 'no topic term'}" for sim, name, shared in a["top3"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in args
    quotes = None
    if "--quotes" in args:
        at = args.index("--quotes")
        quotes = Path(args[at + 1])
        del args[at : at + 2]
    names = [a for a in args if a != "--json"] or list(AUDITED)
    report = evaluate(names, quotes)
    print(json.dumps(report, indent=2, default=str) if as_json else table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
