"""A need whose only story was folded into an equal story of another need (assistant.stories.dedupe) never vanishes
from the backlog. Its items the gate's support check accepts for the surviving goal are cited by that story; the rest
are listed on it ("N items of need 'Budget' ask what this story asks but it does not cite them"), the way urgent
reports a story leaves out are listed (assistant.stories.urgent).

Listed on the surviving row rather than a story to write of their own: the two stories were folded because they ask
the same, so a second row "Story to write: Budget" beside "see how much I spent" would be the duplicate the dedupe
removed (the PO audits count such pairs as overlap). The needs are not merged here: the fold is a similarity call,
and a merge is the PO's (`backlogsmith needs merge`, kept across reclusters), which the finding proposes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from assistant.models import FeedbackItem, Need, QualityFinding, Story
from assistant.stories.dedupe import merge_near_duplicates
from assistant.stories.urgent import listed, supports

FOLDED_NEED = "folded_need_not_cited"  # the finding's criterion: a warning, never hidden, never a citation
_NEED_ID = re.compile(r"\(`([^`]+)`\)")
IDS = "does not cite them: "  # the marker before the item ids a listing finding names


def fold_duplicates(ws: Any, drafted: list[Story], embed: Any,
                    messages: list[str]) -> tuple[list[Story], list[tuple[str, str, str]]]:
    """Near-duplicate offline stories become one; returns the stories and, for each fold across two needs,
    (folded story's need, kept story id, kept story's need)."""
    ids = list(dict.fromkeys(i for st in drafted if st.kind == "story" for i in st.evidence))
    try:
        vectors = ws.index.get_vectors(ids)
    except Exception:  # noqa: BLE001 - without the index the goals alone decide; only fewer merges
        vectors = {}
    need_of = {st.id: st.need_id for st in drafted}
    drafted, folded = merge_near_duplicates(drafted, embed, vectors)
    messages.extend(f"story {a} asked the same as {b}: its feedback is now evidence of {b}" for a, b in folded)
    return drafted, [(need_of[a], b, need_of[b]) for a, b in folded  # type: ignore[misc]
                     if need_of[a] and need_of[a] != need_of[b]]


def folded_needs(story: Story) -> list[tuple[str, list[str]]]:
    """[(need id, item ids)] the story's findings list as items of a folded need it does not cite."""
    out = []
    for f in story.quality:
        m = _NEED_ID.search(f.message)
        if f.criterion == FOLDED_NEED and m:
            out.append((m.group(1), ids_listed(f.message)))
    return out


def ids_listed(message: str) -> list[str]:
    """The item ids a listing finding's message names after "does not cite them: " (in order)."""
    if IDS not in message:
        return []
    return [i.strip() for i in message.rsplit(IDS, 1)[1].split("; read them")[0].split(",") if i.strip()]


def also_listed(story: Story) -> list[str]:
    """Every item id the story lists as a folded need's items it does not cite."""
    return [i for _, ids in folded_needs(story) for i in ids]


def _finding(need: Need, keep_need: str, left: Sequence[FeedbackItem]) -> QualityFinding:
    n = len(left)
    return QualityFinding(
        criterion=FOLDED_NEED, severity="warning",
        message=f"{n} item{'s' if n != 1 else ''} of need '{need.name}' (`{need.id}`), whose story asked the same as "
                f"this one, {'do' if n != 1 else 'does'} not support this goal and this story {IDS}"
                f"{', '.join(i.id for i in left)}; read them before the refinement meeting.",
        fix=f"If both needs are one, `backlogsmith needs merge {keep_need} {need.id}` keeps them together across "
            f"reclusters; otherwise write a story for '{need.name}' from these items.")


def keep_folded_visible(drafted: list[Story], folds: Sequence[tuple[str, str, str]], needs: Sequence[Need],
                        items: Mapping[str, FeedbackItem], *, embed: Any, common: frozenset[str],
                        asks: Mapping[str, Any] | None = None, backlog: Sequence[Story] = ()) -> list[Story]:
    """After the gate: each folded need left with no row of its own (among the drafts and the `backlog` of stories
    kept from before) has its items cited by the surviving story when they support its goal, and the rest listed on
    it (or on another row of the surviving story's need)."""
    out = list(drafted)
    by_id = {n.id: n for n in needs}
    for gone, kept_id, kept_need in dict.fromkeys(folds):
        if gone not in by_id or any(st.need_id == gone for st in [*out, *backlog]):
            continue  # the need kept a story (or a story to write) of its own
        rows = [k for k, st in enumerate(out) if st.id == kept_id] \
            or [k for k, st in enumerate(out) if st.need_id == kept_need]
        if not rows:
            continue  # nothing to show them on: the overview counts them as in a need with no row
        k = rows[0]
        shown = {e for st in out for e in [*st.evidence, *listed(st), *also_listed(st)]}
        members = [items[i] for i in by_id[gone].item_ids if i in items and items[i].kind == "feedback"
                   and items[i].duplicate_of is None and i not in shown]
        left = []
        for item in members:
            if out[k].kind == "story" and supports(out[k], item, items, embed=embed, common=common, asks=asks):
                out[k] = out[k].model_copy(update={"evidence": [*out[k].evidence, item.id]})
            else:
                left.append(item)
        if left:
            out[k] = out[k].model_copy(update={"quality": [*out[k].quality, _finding(by_id[gone], kept_need, left)]})
    return out
