"""The gate's text-only checks on pasted story lines (`backlogsmith lint FILE`): there are no cited items to
measure, so only `garbled` and the text side of `generic_benefit` run, as warnings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.models import QualityFinding
from assistant.storytext import StoryParts
from assistant.verify.garble import garbled_reason
from assistant.verify.gate import gate_finding
from assistant.verify.generic import MAX_SAME, RESTATE_SHARE, _lemmas, normal


def line_findings(parts_list: Sequence[StoryParts]) -> list[list[QualityFinding]]:
    """garbled and generic_benefit (restated goal, or the same benefit on more than two lines) per line."""
    same = Counter(normal(p.ends) for p in parts_list if p.ends)
    out: list[list[QualityFinding]] = []
    for parts in parts_list:
        found: list[QualityFinding] = []
        if parts.means:
            verbal = (parts.means_indicator or "").lower().endswith("to")
            why = garbled_reason(parts.means, verb_phrase=verbal)
            if why:
                found.append(gate_finding("garbled", "review", f"The goal is not a clean action: {why}."))
        if parts.ends:
            mine = _lemmas(parts.ends)
            n = same[normal(parts.ends)]
            if mine and parts.means and len(mine & _lemmas(parts.means)) / len(mine) >= RESTATE_SHARE:
                found.append(gate_finding("generic_benefit", "review",
                                          f"The benefit '{parts.ends}' restates the goal instead of saying why."))
            elif n > MAX_SAME:
                found.append(gate_finding("generic_benefit", "review",
                                          f"The same benefit '{parts.ends}' stands on {n} stories of the list."))
        out.append(found)
    return out
