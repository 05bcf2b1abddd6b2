"""Needs measured against gold labels, on a workspace built from one of the PO-audit inboxes.

`python -m evals.public.needs_purity NAME WORKSPACE [--read FILE]` reads the needs a run left in WORKSPACE (built from
`evals.public.inboxes` NAME) and prints per need: customer items, the share of them with the need's most common gold
label (member purity), the same for its shown quotes, and the labels it mixes; then the inbox totals (largest need's
share, unassigned share, size-weighted member purity, quote purity). A gold label is only a proxy for "belongs to
the need" (CLINC intents are exact; URR topics and Maalej types are coarse), so on the app inboxes the quotes are
also written to FILE for reading.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from evals.public import run_result
from evals.public.inboxes import gold


def measure(name: str, workspace: Path) -> dict[str, Any]:
    labels = gold(name)
    items, needs, _ = run_result(workspace)
    customer = [it for it in items.values() if it.kind != "stakeholder_ask" and not it.duplicate_of]
    rows = []
    for n in needs:
        members = [items[i] for i in n.item_ids if i in items and items[i].kind != "stakeholder_ask"]
        if not members:
            rows.append({"id": n.id, "name": n.name, "items": 0, "asks": len(n.item_ids), "quotes": []})
            continue
        made_of = Counter(labels.get(it.text, "?") for it in members)
        top, k = made_of.most_common(1)[0]
        shown = [items[i] for i in n.quotes if i in items and items[i].kind != "stakeholder_ask"]
        rows.append({"id": n.id, "name": n.name, "items": len(members), "asks": len(n.item_ids) - len(members),
                     "label": top, "purity": k / len(members), "mix": dict(made_of.most_common(4)),
                     "quote_pure": sum(1 for it in shown if labels.get(it.text) == top), "quote_n": len(shown),
                     "quotes": [(labels.get(it.text, "?"), it.text) for it in shown]})
    sized = [r for r in rows if r["items"]]
    total = len(customer)
    return {
        "needs": rows, "items": total,
        "largest_share": max((r["items"] for r in sized), default=0) / max(total, 1),
        "unassigned": sum(1 for it in customer if it.need_id is None) / max(total, 1),
        "member_purity": sum(r["purity"] * r["items"] for r in sized) / max(sum(r["items"] for r in sized), 1),
        "quote_purity": sum(r["quote_pure"] for r in sized) / max(sum(r["quote_n"] for r in sized), 1),
    }


def table(name: str, m: dict[str, Any]) -> str:
    lines = [f"{name}: {m['items']} items, {len(m['needs'])} needs, largest {m['largest_share']:.1%}, unassigned "
             f"{m['unassigned']:.1%}, member purity {m['member_purity']:.1%}, quote purity {m['quote_purity']:.1%}"]
    for r in sorted(m["needs"], key=lambda r: -r["items"]):
        if not r["items"]:
            lines.append(f"  {'':>4} asks only  {r['name']}")
            continue
        lines.append(f"  {r['items']:>4} {r['purity']:>5.0%} q{r['quote_pure']}/{r['quote_n']} {r['name']} {r['mix']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    read = None
    if "--read" in args:
        at = args.index("--read")
        read = Path(args[at + 1])
        del args[at:at + 2]
    if len(args) != 2:
        print("usage: python -m evals.public.needs_purity NAME WORKSPACE [--read FILE]", file=sys.stderr)
        return 2
    m = measure(args[0], Path(args[1]))
    print(table(args[0], m))
    if read:
        out = []
        for r in sorted(m["needs"], key=lambda r: -r["items"]):
            out.append(f"\n## {r['name']} ({r['items']} items, {r['asks']} asks)")
            out += [f"- [{lab}] {text[:220]}" for lab, text in r["quotes"]]
        read.write_text("\n".join(out), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
