"""Generic benefits and criteria: words that would fit any story, so they tell the team nothing.

A benefit is generic when it restates the goal, when none of its words come from the feedback it rests on
(a stock phrase), or when the same benefit stands on more than two stories of the backlog. A criterion is
generic when, apart from the goal pasted in, it adds no fact from its evidence, or when its wording with the
goal masked out is the same on more than two stories (a stock Given/Then).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from assistant.models import BENEFIT_TO_WRITE, Criterion, Story
from assistant.verify.garble import _PLACEHOLDER
from assistant.verify.terms import Terms, terms

MAX_SAME = 2  # the same benefit or criterion wording may stand on at most this many stories
RESTATE_SHARE = 0.6
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def normal(text: str) -> str:
    """Lower-case words only: 'I can X.' and 'i can x' are the same benefit."""
    return " ".join(_WORD.findall((text or "").lower()))


def _masked(text: str, story: Story) -> str:
    """The text with the story's goal and role words masked out: what a template keeps from story to story."""
    masked = {*_WORD.findall(story.goal.lower()), *_WORD.findall(story.role.lower())} - {"to", "a", "an", "the", "i"}
    words = _WORD.findall(text.lower())
    return re.sub(r"(_ )+", "_ ", " ".join("_" if w in masked else w for w in words) + " ").strip()


def skeleton(criterion: Criterion, story: Story) -> str:
    """The criterion's wording with the story's goal and role words masked out."""
    return _masked(f"given {criterion.given} when {criterion.when} then {criterion.then}", story)


def benefit_key(story: Story) -> str:
    """The benefit with the goal's words masked: 'I can use _ outside the app' is one stock benefit."""
    return _masked(story.benefit, story)


def backlog_counts(stories: Iterable[Story]) -> tuple[Counter[str], Counter[str]]:
    """How many stories carry each benefit and each criterion skeleton (once per story)."""
    benefits: Counter[str] = Counter()
    skeletons: Counter[str] = Counter()
    for st in stories:
        if st.status == "rejected":
            continue
        benefits[benefit_key(st)] += 1
        skeletons.update({skeleton(c, st) for c in st.acceptance_criteria})
    return benefits, skeletons


def _lemmas(text: str) -> frozenset[str]:
    return terms(text).lemmas


def benefit_reason(story: Story, *, same: int = 1, evidence: Terms | None = None) -> str | None:
    """Why the benefit is generic, or None. `same`: stories carrying this benefit; `evidence`: the cited words."""
    benefit = story.benefit.strip()
    if benefit.startswith(BENEFIT_TO_WRITE):
        return None  # the drafter's visible placeholder carries its own finding (benefit_missing)
    if not benefit or _PLACEHOLDER.search(benefit):
        return "the benefit is still a placeholder: the feedback does not say why the customers want this"
    mine = _lemmas(benefit)
    if not mine:
        return f"the benefit '{benefit}' names nothing the customer gains"
    goal = _lemmas(story.goal)
    if len(mine & goal) / len(mine) >= RESTATE_SHARE:
        return f"the benefit '{benefit}' restates the goal instead of saying why"
    if same > MAX_SAME:
        return f"the same benefit '{benefit}' (only the goal's words changed) stands on {same} stories of the backlog"
    if evidence is not None and not (mine & (evidence.lemmas | evidence.named)):
        return f"no word of the benefit '{benefit}' comes from the cited feedback: it is a stock phrase"
    return None


def criterion_reason(criterion: Criterion, story: Story, *, same: int = 1, evidence: Terms | None = None,
                     common: frozenset[str] = frozenset()) -> str | None:
    """Why a criterion would fit any story, or None. `evidence`: the words of the items this criterion cites;
    `common`: the inbox's everyday words ('app'), which make no criterion specific."""
    if same > MAX_SAME:
        return f"the same Given/When/Then wording stands on {same} stories with only the goal changed"
    if evidence is None:
        return None
    claim = terms(f"{criterion.given}. {criterion.when}. {criterion.then}")
    pasted = _lemmas(story.goal) | _lemmas(story.role) | common
    own = (claim.lemmas - pasted) & (evidence.lemmas | evidence.named)
    own |= claim.numbers & evidence.numbers
    own |= claim.named & (evidence.named | evidence.lemmas)
    own -= pasted
    if not own:
        return "apart from the goal pasted in, it states no fact from the feedback it cites"
    return None


def generic_counts(backlog: Sequence[Story], story: Story) -> tuple[int, dict[int, int]]:
    """(stories with this benefit, {criterion index: stories with its skeleton}), counting this story once."""
    others = [s for s in backlog if s.id != story.id]
    benefits, skeletons = backlog_counts([*others, story])
    per = {i: skeletons[skeleton(c, story)] for i, c in enumerate(story.acceptance_criteria)}
    return benefits[benefit_key(story)], per
