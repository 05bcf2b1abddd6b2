"""Set-level Quality User Story checks across a backlog: unique, uniform, conflict-free.

Each function takes the parsed stories (and display labels such as 'line 3') and returns one findings list per
story, in the same order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from assistant.models import QualityFinding
from assistant.quality_rules.base import finding, rebuild
from assistant.quality_rules.vocab import OPPOSITES
from assistant.storytext import StoryParts

_STOP = frozenset("""
a an the to of for in on at by with and or i me my we our us you your it its be able want would like need can so
that this these those as from into is are am will should could all any some their them they he she his her
""".split())
NEAR_DUPLICATE = 0.85  # Jaccard of content words at which two stories say the same thing
_MAX_PAIRWISE = 3000  # above this, compare only stories with the same role (keeps a huge file linear-ish)


def _key(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s", "ed"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _content(text: str | None) -> frozenset[str]:
    return frozenset(_stem(w) for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if w not in _STOP)


def _role(parts: StoryParts) -> str:
    return _key(parts.role or "")


def _verb(parts: StoryParts) -> str:
    words = [w for w in re.findall(r"[a-z']+", (parts.means or "").lower()) if w not in _STOP]
    return words[0] if words else ""


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _pairs(parts_list: Sequence[StoryParts]):
    n = len(parts_list)
    if n <= _MAX_PAIRWISE:
        for i in range(n):
            for j in range(i):
                yield j, i
        return
    by_role: dict[str, list[int]] = {}
    for i, p in enumerate(parts_list):
        by_role.setdefault(_role(p), []).append(i)
    for members in by_role.values():
        for a, i in enumerate(members):
            for j in members[:a]:
                yield j, i


def unique(parts_list: Sequence[StoryParts], labels: Sequence[str]) -> list[list[QualityFinding]]:
    """Flag exact duplicates (error) and near duplicates or same means (warning) on the later story."""
    out: list[list[QualityFinding]] = [[] for _ in parts_list]
    first_seen: dict[str, int] = {}
    for i, p in enumerate(parts_list):
        key = _key(p.story_sentence)
        if key and key in first_seen:
            out[i].append(finding("unique", "error", f"Duplicate: the same story as {labels[first_seen[key]]}.",
                                  f"Delete this story; keep {labels[first_seen[key]]}."))
        elif key:
            first_seen[key] = i
    content = [_content(p.story_sentence) for p in parts_list]
    means = [_content(p.means) for p in parts_list]
    flagged = {i for i, f in enumerate(out) if f}
    for j, i in _pairs(parts_list):
        if i in flagged or not parts_list[i].means:
            continue
        if _key(parts_list[i].story_sentence) == _key(parts_list[j].story_sentence):
            continue
        same_means = len(means[i]) >= 2 and means[i] == means[j]
        # Near-identical wording with a different action ("link" vs "record" publications) is two features.
        similar = _jaccard(content[i], content[j]) >= NEAR_DUPLICATE and _verb(parts_list[i]) == _verb(parts_list[j])
        if same_means or similar:
            same_role = _role(parts_list[i]) == _role(parts_list[j])
            what = ("almost the same words" if not same_means else
                    "the same role and means" if same_role else "the same means for another role")
            out[i].append(finding(
                "unique", "warning",
                f"Near duplicate of {labels[j]} ({what}): merge them, or make the difference explicit.",
                f"Merge into {labels[j]}: {parts_list[j].story_sentence}",
            ))
            flagged.add(i)
    return out


def _means_family(indicator: str | None) -> str:
    ind = re.sub(r"\s+", " ", (indicator or "").lower().replace("’", "'"))
    # "I want to be able to" and "I want to" are one template; "I can" or "I'm able to" are not.
    return re.sub(r"(?:\s+to)?(?:\s+be\s+able)?(?:\s+to)?$", "", ind)


def uniform(parts_list: Sequence[StoryParts]) -> list[list[QualityFinding]]:
    """Flag stories whose template differs from the one most of the backlog uses (needs 3+ stories)."""
    out: list[list[QualityFinding]] = [[] for _ in parts_list]
    formed = [p for p in parts_list if p.role and p.means]
    if len(formed) < 3:
        return out
    means_counts = Counter(_means_family(p.means_indicator) for p in formed)
    ends_counts = Counter(p.ends_indicator for p in formed if p.ends_indicator)
    top_means, n_means = means_counts.most_common(1)[0]
    top_ends, n_ends = ends_counts.most_common(1)[0] if ends_counts else (None, 0)
    surface = Counter(p.means_indicator for p in formed if _means_family(p.means_indicator) == top_means)
    for i, p in enumerate(parts_list):
        if not (p.role and p.means):
            continue
        diffs: list[str] = []
        fixed = p
        if _means_family(p.means_indicator) != top_means and n_means * 2 > len(formed):
            diffs.append(f"'{p.means_indicator}' where most stories say '{surface.most_common(1)[0][0]}'")
            with_to = [s for s in surface if s.lower().endswith(" to")]
            rep = with_to[0] if with_to and (p.means_indicator or "").lower().endswith("to") else \
                surface.most_common(1)[0][0]
            fixed = fixed.model_copy(update={"means_indicator": rep})
        if p.ends_indicator and top_ends and p.ends_indicator != top_ends and n_ends * 2 > ends_counts.total():
            diffs.append(f"'{p.ends_indicator}' where most stories say '{top_ends}'")
            fixed = fixed.model_copy(update={"ends_indicator": top_ends})
        if diffs:
            out[i].append(finding("uniform", "info",
                                  f"Not uniform with the rest of the backlog: {'; '.join(diffs)}.", rebuild(fixed)))
    return out


_NEGATION = re.compile(r"\b(?:not|never|no longer|don't|do not|cannot|can't|without)\b", re.I)
_OPPOSITE_OF = {a: b for a, b in OPPOSITES} | {b: a for a, b in OPPOSITES}


def _signature(parts: StoryParts) -> tuple[str, frozenset[str], bool, bool]:
    means = (parts.means or "").lower()
    words = [w for w in re.findall(r"[a-z']+", means) if w not in _STOP]
    negated = bool(_NEGATION.search(means))
    only = bool(re.search(r"\bonly\b", means))
    words = [w for w in words if w not in {"not", "never", "don't", "cannot", "can't", "only", "without", "longer"}]
    verb = words[0] if words else ""
    return verb, frozenset(_stem(w) for w in words[1:]), negated, only


def conflict_free(parts_list: Sequence[StoryParts], labels: Sequence[str]) -> list[list[QualityFinding]]:
    """Flag pairs where the same role asks for opposite things on the same object."""
    out: list[list[QualityFinding]] = [[] for _ in parts_list]
    sigs = [_signature(p) for p in parts_list]
    for j, i in _pairs(parts_list):
        a, b = parts_list[j], parts_list[i]
        if not (a.means and b.means) or _role(a) != _role(b):
            continue
        (va, oa, na, qa), (vb, ob, nb, qb) = sigs[j], sigs[i]
        flipped = {x for x in oa - ob if _OPPOSITE_OF.get(x) in ob - oa}
        if flipped:  # "make datasets public" / "make datasets private"
            oa = oa - flipped
            ob = ob - {_OPPOSITE_OF[x] for x in flipped}
        if not oa or not ob or _jaccard(oa, ob) < 0.5:
            continue
        why = None
        if flipped and va == vb:
            why = " against ".join(f"'{w}'" for w in (sorted(flipped)[0], _OPPOSITE_OF[sorted(flipped)[0]]))
        elif _OPPOSITE_OF.get(va) == vb:
            why = f"'{va}' against '{vb}'"
        elif va == vb and na != nb:
            why = "one asks for it, the other asks for it not to happen"
        elif va == vb and qa != qb and oa != ob:
            why = "one allows it in general, the other only in some cases"
        if why:
            for me, other in ((j, i), (i, j)):
                out[me].append(finding(
                    "conflict_free", "warning",
                    f"Conflicts with {labels[other]} ({why}) for the same role and object: decide which rule holds.",
                    f"Keep one of: {parts_list[me].story_sentence} / {parts_list[other].story_sentence}",
                ))
    return out
