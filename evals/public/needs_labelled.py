"""Needs measured against hand labels of the need each review is evidence of, and the clustering reference.

`python -m evals.public.needs_labelled NAME WORKSPACE [--misfits]` reads the needs a run left in WORKSPACE (built from
`evals.public.inboxes` NAME: comic-viewer, acdisplay or maalej) and scores them against `need_labels/NAME.csv`.

The labels: one reader per inbox labelled every review, from the raw file and without seeing any output of ours, with
the one backlog need it is evidence of ("crash: out of memory error", "ask: built-in pin/pattern/password lock",
"praise: general"), two reviews sharing a label when one fix or feature answers both (`NAME.vocab.md` lists them).
They are finer than a PO reading a need's quotes: a reader accepts a crash report without a stated cause as evidence of
"Memory error", the labels do not. Compare runs with each other and with the reference, not with the 90% a reading
audit aims at.

- purity: a member of a problem need belongs when its label is the need's most common label; a member of a praise need
  (most members labelled praise) belongs when it is praise. Problem and praise needs are also reported apart.
- no need: customer items in no need, and how many of them carry the label that defines some problem need ("with a
  home": a PO would have put them there).
- reference: Ward clustering of the same MiniLM vectors told the true number of labels, on the problem and ask items,
  groups under 3 items left out like ours; `nearest`: how often an item's nearest neighbour carries its label. Both
  say how far any clustering of these vectors can go.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

LABELS = Path(__file__).resolve().parent / "need_labels"
MIN_GROUP = 3


def labels(name: str) -> dict[str, tuple[str, str]]:
    """review id -> (kind, label) for one labelled inbox."""
    with open(LABELS / f"{name}.csv", newline="", encoding="utf-8") as fh:
        return {r["review_id"]: (r["kind"].strip(), r["label"].strip()) for r in csv.DictReader(fh)}


def purity(groups: Mapping[str, Sequence[tuple[str, str]]]) -> dict[str, Any]:
    """Per group of (kind, label) members: belongs-counts by the rules of the module docstring."""
    out: dict[str, Any] = {"problem": [0, 0], "praise": [0, 0], "needs": {}, "defining": set()}
    for gid, labs in groups.items():
        if not labs:
            continue
        praise = sum(k == "praise" for k, _ in labs) * 2 > len(labs)
        top = Counter(lab for _, lab in labs).most_common(1)[0][0]
        ok = sum(1 for k, lab in labs if (k == "praise" if praise else lab == top))
        side = "praise" if praise else "problem"
        out[side][0] += ok
        out[side][1] += len(labs)
        out["needs"][gid] = (ok, len(labs), "praise" if praise else top)
        if not praise:
            out["defining"].add(top)
    return out


def reference(kinds_labels: Sequence[tuple[str, str]], vectors) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Ward told the true k and nearest-neighbour agreement, on the problem and ask items."""
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    keep = [k for k, (kind, _) in enumerate(kinds_labels) if kind in ("problem", "ask")]
    labs = [kinds_labels[k][1] for k in keep]
    x = np.asarray(vectors)[keep]
    ward = AgglomerativeClustering(n_clusters=len(set(labs)), linkage="ward").fit_predict(x)
    groups: dict[int, list[tuple[str, str]]] = {}
    for lab, c in zip(labs, ward):
        groups.setdefault(int(c), []).append(("problem", lab))
    kept = {g: v for g, v in groups.items() if len(v) >= MIN_GROUP}
    p = purity(kept)["problem"]
    sims = x @ x.T
    np.fill_diagonal(sims, -2.0)
    nearest = float(np.mean([labs[j] == labs[i] for i, j in enumerate(sims.argmax(axis=1))]))
    return {"ward_purity": p[0] / max(p[1], 1), "ward_items": p[1], "items": len(labs), "nearest": nearest}


def measure(name: str, workspace: Path) -> dict[str, Any]:
    from evals.public import run_result

    gold = labels(name)

    def labelled(items: dict[str, Any]) -> list[Any]:
        return [it for it in items.values() if it.kind != "stakeholder_ask" and not it.duplicate_of
                and it.source.id in gold]

    items, needs, vectors = run_result(workspace, labelled)
    customer = labelled(items)
    names = {n.id: n.name for n in needs}
    groups = {n.id: [gold[items[i].source.id] for i in n.item_ids  # type: ignore[index]
                     if i in items and items[i].kind != "stakeholder_ask" and items[i].source.id in gold]
              for n in needs}
    got = purity(groups)
    placed = {i for n in needs for i in n.item_ids}
    loose = [it for it in customer if it.id not in placed]
    misfits = [(names[n.id], gold[items[i].source.id][1], items[i].text) for n in needs  # type: ignore[index]
               for i in n.item_ids if i in items and items[i].kind != "stakeholder_ask" and items[i].source.id in gold
               and got["needs"][n.id][2] != "praise" and gold[items[i].source.id][1] != got["needs"][n.id][2]]  # type: ignore[index]
    return {**got, "names": names, "customer": len(customer), "no_need": len(loose),
            "no_need_with_home": sum(1 for it in loose if gold[it.source.id][1] in got["defining"]),  # type: ignore[index]
            "misfits": misfits, "reference": reference([gold[it.source.id] for it in customer], vectors)}  # type: ignore[index]


def table(name: str, m: dict[str, Any]) -> str:
    (po, pn), (so, sn) = m["problem"], m["praise"]
    ref = m["reference"]
    lines = [f"{name}: purity {po + so}/{pn + sn} = {(po + so) / max(pn + sn, 1):.1%} "
             f"(problem needs {po}/{pn} = {po / max(pn, 1):.1%}, praise needs {so}/{sn} = {so / max(sn, 1):.1%})",
             f"  needs {len(m['needs'])}; customer items in no need {m['no_need']}/{m['customer']}, "
             f"{m['no_need_with_home']} of them with the label of a problem need",
             f"  reference on the {ref['items']} problem/ask items: Ward told k {ref['ward_purity']:.1%} "
             f"({ref['ward_items']} items in groups of {MIN_GROUP}+), nearest neighbour same label {ref['nearest']:.1%}"]
    for gid, (ok, n, top) in sorted(m["needs"].items(), key=lambda kv: -kv[1][1]):
        lines.append(f"  {ok:3}/{n:<3} {m['names'][gid][:40]:40} {top[:60]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    show = "--misfits" in args
    args = [a for a in args if a != "--misfits"]
    if len(args) != 2 or not (LABELS / f"{args[0]}.csv").is_file():
        print("usage: python -m evals.public.needs_labelled {comic-viewer|acdisplay|maalej} WORKSPACE [--misfits]",
              file=sys.stderr)
        return 2
    m = measure(args[0], Path(args[1]))
    print(table(args[0], m))
    if show:
        for need, lab, text in m["misfits"]:
            print(f"- {need[:30]} <- [{lab[:40]}] {text[:120]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
