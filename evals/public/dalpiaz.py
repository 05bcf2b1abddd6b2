"""Defect rates of the quality lint on 22 real product backlogs (Dalpiaz 2018, one user story per line).

There are no labels: the numbers say how often each criterion fires per backlog, which is what AQUSA's authors
reported for the same data, and they show the lint copes with real files (cp1252 bytes, BOMs, blank lines).
Run: python -m evals.public.dalpiaz [FOLDER] [--json]
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.public import DATASETS, cli_main

DEFAULT_DIR = DATASETS / "stories" / "dalpiaz_2018"


def load(folder: Path = DEFAULT_DIR) -> dict[str, list[str]]:
    """{backlog name: story lines} for every .txt in the folder, decoded the way `backlogsmith lint` does."""
    from assistant.quality_rules.source import read_story_lines

    return {p.stem: [text for _, text in read_story_lines(p)] for p in sorted(folder.glob("*.txt"))}


def defect_rates(backlogs: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """Per backlog: story count, share of stories with at least one finding per criterion, and any finding."""
    from assistant.quality import CRITERIA, lint_texts

    out: dict[str, dict[str, Any]] = {}
    for name, lines in backlogs.items():
        results = lint_texts(lines)
        n = len(lines)
        rates = {c: sum(1 for found in results if any(f.criterion == c for f in found)) / n if n else 0.0
                 for c in CRITERIA if c != "criteria_testable"}
        out[name] = {"stories": n, "rates": rates,
                     "any": sum(1 for found in results if found) / n if n else 0.0,
                     "blocking": sum(1 for found in results if any(f.severity == "error" for f in found)) / n
                     if n else 0.0}
    return out


def overall(result: dict[str, dict[str, Any]]) -> dict[str, float]:
    """Story-weighted defect rate per criterion over all backlogs."""
    total = sum(r["stories"] for r in result.values())
    crits = next(iter(result.values()))["rates"].keys() if result else []
    return {c: sum(r["rates"][c] * r["stories"] for r in result.values()) / total for c in crits} if total else {}


def garbled_rate(backlogs: dict[str, list[str]]) -> tuple[int, int, list[tuple[str, str]]]:
    """(stories, flagged, examples): the gate's `garbled` false alarms on human-written stories (target <= 3%)."""
    from assistant.quality import lint_texts

    n = flagged = 0
    examples: list[tuple[str, str]] = []
    for name, lines in backlogs.items():
        for text, found in zip(lines, lint_texts(lines)):
            n += 1
            hit = [f for f in found if f.criterion == "garbled"]
            if hit:
                flagged += 1
                examples.append((name, text))
    return n, flagged, examples


_SHORT = {"well_formed": "wf", "atomic": "atom", "minimal": "min", "conceptually_sound": "csnd",
          "problem_oriented": "prob", "unambiguous": "unamb", "full_sentence": "full", "estimatable": "est",
          "unique": "uniq", "uniform": "unif", "independent": "indep", "conflict_free": "confl",
          "garbled": "garb", "generic_benefit": "gben"}


def format_table(result: dict[str, dict[str, Any]]) -> str:
    """Percent of stories flagged, one row per backlog and a story-weighted total row."""
    crits = list(_SHORT)
    lines = [f"{'backlog':<20}{'n':>5}" + "".join(f"{_SHORT[c]:>6}" for c in crits) + f"{'any':>6}{'err':>6}"]
    for name, r in result.items():
        lines.append(f"{name:<20}{r['stories']:>5}" + "".join(f"{100 * r['rates'][c]:>6.0f}" for c in crits)
                     + f"{100 * r['any']:>6.0f}{100 * r['blocking']:>6.0f}")
    tot = overall(result)
    n = sum(r["stories"] for r in result.values())
    any_all = sum(r["any"] * r["stories"] for r in result.values()) / n if n else 0
    err_all = sum(r["blocking"] * r["stories"] for r in result.values()) / n if n else 0
    lines.append(f"{'ALL':<20}{n:>5}" + "".join(f"{100 * tot[c]:>6.1f}" for c in crits)
                 + f"{100 * any_all:>6.1f}{100 * err_all:>6.1f}")
    lines.append("(% of stories with at least one finding of that criterion)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, DEFAULT_DIR, lambda folder: defect_rates(load(folder)), format_table, must_be_dir=True)


if __name__ == "__main__":
    raise SystemExit(main())
