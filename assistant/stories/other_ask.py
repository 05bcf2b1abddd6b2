"""The other half of a need: its items ask a second action on the same thing ("see my reward points" / "redeem my
reward points", "see my credit score" / "raise my credit score") and only one action got a story. Those items are
listed on the need's story ("N items of this need ask with other verbs (to use, get or redeem) …"),
the way urgent reports a story leaves out are (assistant.stories.urgent), so the PO sees the missing story.

Measured, no word lists: an item's own parsed action (its ask's verb) far from every story verb of the need on the
local embedding model (dedupe.SAME_VERB), and the gate's support check refusing the item for each of those stories.
Only a real share of the need counts (split.MIN_SHARE, at least backing.MIN_SUPPORT items): one review's aside is
not a half.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from assistant.models import FeedbackItem, Need, QualityFinding, Story
from assistant.stories.backing import MIN_SUPPORT
from assistant.stories.dedupe import SAME_VERB, _verb
from assistant.stories.folded import IDS, ids_listed
from assistant.stories.lexicon import VERB_KEYS
from assistant.stories.split import MIN_SHARE
from assistant.stories.urgent import listed, supports

OTHER_ASK = "other_ask_not_covered"  # the finding's criterion: a warning, never a citation
# the centroid of the other items against the centroid of the story's evidence, from which they read as the same ask
# in other words ("get a visa card" beside "apply for a visa card" 0.87, "will i be charged to use my card in x" beside
# "transaction fees" 0.85) and not a second action ("redeem my points" beside "how many points" 0.78, "raise my
# credit score" beside "see my credit score" 0.80). Read off the bank inbox's four candidates: a first cut.
DISTINCT = 0.82


def other_asked(story: Story) -> list[str]:
    """The ids the story lists as items of its need asking another action."""
    return [i for f in story.quality if f.criterion == OTHER_ASK for i in ids_listed(f.message)]


def _finding(verbs: Sequence[str], left: Sequence[FeedbackItem]) -> QualityFinding:
    n, said = len(left), (", ".join(verbs[:-1]) + " or " + verbs[-1]) if len(verbs) > 1 else verbs[0]
    return QualityFinding(
        criterion=OTHER_ASK, severity="warning",
        message=f"{n} items of this need ask with other verbs (to {said}), which the citation check does not accept "
                f"for this goal, and this story {IDS}"
                f"{', '.join(i.id for i in left)}; read them before the refinement meeting.",
        fix="If they ask a second action, write a story for it; if they ask this one, widen the story or cite them.")


def _centroid(ids: Sequence[str], items: Mapping[str, FeedbackItem], embed: Any) -> np.ndarray:
    vecs = np.asarray(embed([items[i].text for i in ids if i in items]), dtype=np.float32)
    vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    mean = vecs.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def shown_ids(story: Story) -> list[str]:
    """Every item id a story shows: cited, or listed as an urgent report, a folded need's item or another ask."""
    from assistant.stories.folded import also_listed

    return [*story.evidence, *listed(story), *also_listed(story), *other_asked(story)]


def list_other_asks(drafted: list[Story], needs: Sequence[Need], items: Mapping[str, FeedbackItem],
                    asks: Mapping[str, Any], *, embed: Any, common: frozenset[str]) -> list[Story]:
    """After the gate: each need with written offline stories and no story to write, whose uncited items ask
    another action in a real share, gets them listed on its best-backed story."""
    out = list(drafted)
    shown = {e for st in out for e in shown_ids(st)}
    for need in needs:
        own = [k for k, st in enumerate(out) if st.need_id == need.id]
        written = [k for k in own if out[k].kind == "story" and out[k].provenance.engine == "offline" and out[k].goal]
        if not written or len(written) < len(own):
            continue  # a story to write already hands the PO the whole need
        members = [items[i] for i in need.item_ids if i in items and items[i].kind == "feedback"
                   and items[i].duplicate_of is None]
        cand = [(m, VERB_KEYS.get(asks[m.id].verb, asks[m.id].verb)) for m in members
                if m.id not in shown and asks.get(m.id) is not None and not asks[m.id].implied]
        need_n = max(MIN_SUPPORT, MIN_SHARE * len(members))
        if len(cand) < need_n:
            continue
        theirs = np.asarray(embed(sorted({_verb(out[k].goal) for k in written})), dtype=np.float32)
        mine = np.asarray(embed([v for _, v in cand]), dtype=np.float32)
        far = [c for c, v in zip(cand, mine) if float(np.max(theirs @ v)) < SAME_VERB]
        other = [(m, v) for m, v in far if not any(supports(out[k], m, items, embed=embed, common=common, asks=asks)
                                                    for k in written)]
        if len(other) < need_n:
            continue
        theirs_c = _centroid([m.id for m, _ in other], items, embed)
        if any(_centroid(out[j].evidence, items, embed) @ theirs_c >= DISTINCT for j in written if out[j].evidence):
            continue  # the same ask in other words: the gate's refusal is about wording, not a second story
        k = max(written, key=lambda k: (len(out[k].evidence), -k))
        if 2 * len(other) < len(out[k].evidence):
            continue  # a half is comparable to the story: a few refused items beside a big story are its edge
        verbs = [v for v, _ in Counter(asks[m.id].verb for m, _ in other).most_common(3)]  # the writers' verbs
        out[k] = out[k].model_copy(update={"quality": [*out[k].quality, _finding(verbs, [m for m, _ in other])]})
    return out
