"""Quality lint against expert Quality-User-Story labels: the UStAI sample (PROMISE'25, 998 LLM-written stories).

Each label column is read as "has the DEFECT" (the positive class):
atomic = 'conjunctions'; minimal = anything but 'minimal' (brackets, example, not_minimal, punctuation);
conceptually_sound = 'no_valid_role' or 'no_feature'; problem_oriented = 'solution_oriented';
unambiguous = 'General' or 'Vagueness'; estimatable / independent = 'No'; unique = 'diffRoleSameStory' or
'isSemDuplicate'; conflict_free = 'conflict' or 'source'. Empty cells (the annotators skip the semantic
columns for 'no_feature' stories) are left out of that criterion's count.
Set-level criteria are linted per backlog = one system abstract x one LLM, as the stories were written.
The split is by abstract (hash of its id), so one abstract's stories never straddle halves: "tune" is the half
whose errors were read while writing the rules, "heldout" the half that was not looked at for tuning.
Run: python -m evals.public.ustai [PATH] [--json] [--ceiling]
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.public import DATASETS, cli_main

DEFAULT_PATH = (DATASETS / "stories"
                / "ustai_qus_annotated.csv")

# criterion -> (column, values meaning "defect", values meaning "fine"); other values are skipped.
LABELS: dict[str, tuple[str, set[str], set[str]]] = {
    "atomic": ("atomic", {"conjunctions"}, {"atomic"}),
    "minimal": ("minimal", {"brackets", "example", "not_minimal", "punctuation"}, {"minimal"}),
    "conceptually_sound": ("Conceptually sound", {"no_valid_role", "no_feature"}, {"Conceptually sound"}),
    "problem_oriented": ("Problem-oriented", {"solution_oriented"}, {"problem-oriented"}),
    "unambiguous": ("Unambiguous", {"General", "Vagueness"}, {"Unambiguous"}),
    "estimatable": ("Estimatable", {"No"}, {"estimatable", "Yes"}),
    "independent": ("Independent", {"No"}, {"independent"}),
    "unique": ("Unique", {"diffRoleSameStory", "isSemDuplicate"}, {"unique"}),
    "conflict_free": ("Conflict-free", {"conflict", "source"}, {"Conflict-free"}),
}


def split_of(abstract: str) -> str:
    """'tune' or 'heldout', fixed by a hash of the abstract id."""
    return "tune" if hashlib.sha1(abstract.encode()).digest()[0] % 2 == 0 else "heldout"


def load(path: Path = DEFAULT_PATH) -> list[dict[str, Any]]:
    """Rows with id, abstract, llm, backlog key, text, split and gold: {criterion: True (defect) / False / None}."""
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            gold: dict[str, bool | None] = {}
            for crit, (col, bad, good) in LABELS.items():
                value = (rec.get(col) or "").strip()
                gold[crit] = True if value in bad else False if value in good else None
            rows.append({
                "id": rec["ID"], "abstract": rec["Abstract"], "llm": rec["LLM"],
                "backlog": f"{rec['Abstract']}|{rec['LLM']}", "text": " ".join(rec["User story"].split()),
                "split": split_of(rec["Abstract"]), "gold": gold,
            })
    return rows


def predict(rows: Sequence[dict[str, Any]]) -> list[set[str]]:
    """The set of criteria our lint flags for each row (linting each backlog as a whole)."""
    from assistant.quality import lint_texts

    by_backlog: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        by_backlog[row["backlog"]].append(i)
    out: list[set[str]] = [set() for _ in rows]
    for members in by_backlog.values():
        results = lint_texts([rows[i]["text"] for i in members])
        for i, findings in zip(members, results):
            out[i] = {f.criterion for f in findings}
    return out


def precision_recall(gold: Sequence[bool], pred: Sequence[bool]) -> dict[str, float | int | None]:
    """Precision, recall and F1 with the defect as the positive class, plus the confusion counts."""
    tp = sum(1 for g, p in zip(gold, pred) if g and p)
    fp = sum(1 for g, p in zip(gold, pred) if not g and p)
    fn = sum(1 for g, p in zip(gold, pred) if g and not p)
    tn = sum(1 for g, p in zip(gold, pred) if not g and not p)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = (2 * precision * recall / (precision + recall)) if precision and recall else None
    return {"n": len(gold), "defects": tp + fn, "tp": tp, "fp": fp, "fn": fn, "tn": tn,
            "precision": precision, "recall": recall, "f1": f1}


def abstract_number(row: dict[str, Any]) -> int:
    return int(row["abstract"].lstrip("A"))


# The annotators applied the syntactic labels strictly on the first ten abstracts and far more loosely after:
# e.g. stories with brackets are labelled not-minimal 17/17 times in A1-A10 but 16/41 times in A11-A45.
SUBSETS = {
    "all": lambda r: True,
    "tune": lambda r: r["split"] == "tune",
    "heldout": lambda r: r["split"] == "heldout",
    "A1-A10": lambda r: abstract_number(r) <= 10,
    "A11-A45": lambda r: abstract_number(r) > 10,
}


def score(rows: Sequence[dict[str, Any]], predicted: Sequence[set[str]], split: str | None = None) -> dict[str, Any]:
    """Per-criterion precision/recall over the rows (optionally one subset, see SUBSETS) that carry a label."""
    keep = SUBSETS[split or "all"]
    result = {}
    for crit in LABELS:
        pairs = [(r["gold"][crit], crit in p) for r, p in zip(rows, predicted)
                 if r["gold"][crit] is not None and keep(r)]
        result[crit] = precision_recall([g for g, _ in pairs], [p for _, p in pairs])
    return result


def ceiling(rows: Sequence[dict[str, Any]], criteria: Sequence[str] = ("atomic", "minimal")) -> dict[str, Any]:
    """What a model *trained on these labels* reaches per criterion (evals.public.ceiling): TF-IDF words +
    characters, class-balanced logistic regression, grouped 5-fold by system abstract, at the F1-best threshold
    picked on the test folds (optimistic). The bar the labels allow, to read our hand-written rules against."""
    from evals.public.ceiling import best_threshold, out_of_fold

    out = {}
    for crit in criteria:
        labelled = [r for r in rows if r["gold"][crit] is not None]
        gold = [bool(r["gold"][crit]) for r in labelled]
        proba = out_of_fold([r["text"] for r in labelled], gold, [r["abstract"] for r in labelled], proba_of=True)
        out[crit] = {**best_threshold(gold, proba), "defects": sum(gold), "n": len(gold)}
    return out


def run(path: Path = DEFAULT_PATH, with_ceiling: bool = False) -> dict[str, Any]:
    """Scores on all rows and on each split (and with `with_ceiling` the supervised reference)."""
    rows = load(path)
    predicted = predict(rows)
    result: dict[str, Any] = {name: score(rows, predicted, name) for name in SUBSETS}
    result["rows"] = {name: sum(1 for r in rows if keep(r)) for name, keep in SUBSETS.items()}
    if with_ceiling:
        result["ceiling"] = ceiling(rows)
    return result


def _fmt(x: float | None) -> str:
    return "  -  " if x is None else f"{x:.3f}"


def format_table(result: dict[str, Any]) -> str:
    """Plain-text tables: one line per criterion, P/R/F1 and labelled defects (n+) per subset."""
    lines = []
    for group in (("all", "tune", "heldout"), ("A1-A10", "A11-A45")):
        lines.append(f"{'criterion':<20}" + "".join(f"{s + ' P':>12}{'R':>7}{'F1':>7}{'n+':>5}" for s in group))
        for crit in LABELS:
            line = f"{crit:<20}"
            for split in group:
                m = result[split][crit]
                line += f"{_fmt(m['precision']):>12}{_fmt(m['recall']):>7}{_fmt(m['f1']):>7}{m['defects']:>5}"
            lines.append(line)
        lines.append("")
    for crit, m in result.get("ceiling", {}).items():
        lines.append(f"supervised 5-fold by abstract, {crit}: P {m['precision']:.3f} R {m['recall']:.3f} "
                     f"F1 {m['f1']:.3f} (threshold {m['threshold']}, {m['defects']} defects in {m['n']})")
    lines.append("rows: " + ", ".join(f"{k} {v}" for k, v in result["rows"].items()))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m evals.public.ustai [PATH] [--json] [--ceiling]`."""
    return cli_main(argv, DEFAULT_PATH, run, format_table, ceiling=True)


if __name__ == "__main__":
    raise SystemExit(main())
