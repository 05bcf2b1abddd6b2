"""Near-duplicate stories in one backlog draft ("move money from one account to another" and "transfer seventy
dollars between national accounts"): the smaller one becomes evidence of the larger, never a second story.

Two measures, both from the local embedding model, no word lists: how close the goals read, and how close the
feedback behind them is (the mean vector of each story's cited items, from the index). Either alone confuses
stories on one subject ("get a new credit card" / "use my credit rewards" sit 0.6 apart on both); their sum,
with a floor on each and the same action (verb similarity), separates a restated ask from a neighbouring one.
Thresholds read off the bank inbox's 16 stories (evals.public.inboxes), so they are a first cut, not a law.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from assistant.models import Criterion, Story
from assistant.stories.lexicon import VERB_KEYS
from assistant.stories.reasons import adopt_benefit

SAME_ASK = 1.25  # goal similarity + evidence similarity from which two stories ask the same (cosines, 0..2)
GOAL_FLOOR = 0.4  # below this the goals are different actions, however close their feedback
EVIDENCE_FLOOR = 0.6  # "see my credit score" / "see my credit card's rewards": close goals, different feedback
# the actions must be one: "move"/"transfer" 0.56, "see"/"show" 0.55, but "change"/"see" 0.37, "see"/"get" 0.45
# ("change the account pin" and "see the pin number" read alike and are two stories)
SAME_VERB = 0.5


def _centroid(ids: Sequence[str], vectors: Mapping[str, Any]) -> np.ndarray | None:
    vecs = [np.asarray(vectors[i], dtype=np.float32) for i in ids if i in vectors]
    if not vecs:
        return None
    m = np.mean(vecs, axis=0)
    return m / max(float(np.linalg.norm(m)), 1e-12)


def _same(j: int, k: int, goals: np.ndarray, cents: list[np.ndarray | None], verbs: np.ndarray) -> bool:
    g = float(goals[j] @ goals[k])
    c = float(cents[j] @ cents[k]) if cents[j] is not None and cents[k] is not None else 0.0
    return g >= GOAL_FLOOR and c >= EVIDENCE_FLOOR and g + c >= SAME_ASK and float(verbs[j] @ verbs[k]) >= SAME_VERB


def _verb(goal: str) -> str:
    words = goal.split()
    verb = words[1] if len(words) > 1 and words[0].lower() == "to" else words[0] if words else ""
    return VERB_KEYS.get(verb.lower(), verb.lower())


def adopt_conditions(keep: Story, other: Story) -> list[Criterion]:
    """The kept story's criteria, then the folded one's regressions on a reported condition ("Given I am using a
    Nexus 5 and Android 6.0.1"): a report of the same failure in the other words keeps its device, version or file
    as a test. Its other criteria speak of its own action and stay out."""
    from assistant.stories.criteria import MAX_CRITERIA, reported_condition

    out = list(keep.acceptance_criteria)
    for c in other.acceptance_criteria:
        if reported_condition(c) and len(out) < MAX_CRITERIA \
                and (c.given, c.then) not in {(x.given, x.then) for x in out}:
            out.append(c)
    return out


def merge_near_duplicates(stories: Sequence[Story], embed: Callable[[Sequence[str]], Any],
                          vectors: Mapping[str, Any]) -> tuple[list[Story], list[tuple[str, str]]]:
    """(stories with near-duplicates folded in, [(folded story id, kept story id)]).

    The story with more evidence keeps its goal; the other's items join it (the gate then checks
    that they support the kept goal). Stories to write and LLM stories pass through untouched.
    """
    cand = [st for st in stories if st.kind == "story" and st.provenance.engine == "offline" and st.goal]
    if len(cand) < 2:
        return list(stories), []
    cand.sort(key=lambda st: (-len(st.evidence), st.id))
    goals = np.asarray(embed([st.goal for st in cand]), dtype=np.float32)
    cents = [_centroid(st.evidence, vectors) for st in cand]
    verbs = np.asarray(embed([_verb(st.goal) for st in cand]), dtype=np.float32)
    kept: list[int] = []
    into: dict[int, int] = {}
    for j in range(len(cand)):
        # against the kept stories only: chaining through folded ones drifts ("report a damaged card" -> ...)
        home = next((k for k in kept if _same(j, k, goals, cents, verbs)), None)
        if home is None:
            kept.append(j)
        else:
            into[j] = home
    if not into:
        return list(stories), []
    merged = {cand[k].id: cand[k] for k in kept}
    for j, k in into.items():
        keep, other = merged[cand[k].id], cand[j]
        # its items only: its criteria speak of its own action ("When I report a damaged card"), not the kept goal
        # and the reason it states, when the kept story's items state none ("I can uninstall without a device reset")
        merged[keep.id] = keep.model_copy(update={"evidence": list(dict.fromkeys([*keep.evidence, *other.evidence])),
                                                  "acceptance_criteria": adopt_conditions(keep, other),
                                                  **adopt_benefit(keep, other)})
    folded = {cand[j].id for j in into}
    out = [merged.get(st.id, st) for st in stories if st.id not in folded]
    return out, [(cand[j].id, cand[k].id) for j, k in into.items()]
