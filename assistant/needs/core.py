"""A need's core, and the two repairs made on it after clustering: merge split needs, trim loose members.

Why: on one app's real reviews the embedding of a long, multi-topic review sits between topics, so clustering alone
(a) spread the app's main complaint ("out of memory") over six needs and cut praise into many small needs, and
(b) showed, as evidence of a need, reviews that mention its topic only in passing (1 in 4 quotes did not belong).

- A need's *core* is the mean vector of its founding items (problems and asks) when it is a problem need, else of
  all its items; its *key terms* are the words (plural folded) that at least `key_share` of its items use and that
  are `key_lift` times as common there as in the rest of the inbox (c-TF-IDF style, from the data, no word list).
- Merge (assistant/needs/merge.py): two problem needs whose cores are at least `merge_similarity` close and that share a key term their items
  use as a thing (not an action: "report" made a bank's fraud reports and lost cards one need), and whose main
  actions the other need's items share ("pay my bill" is not "how much is my bill"), are one problem split by
  wording; two praise needs whose cores are `praise_merge_similarity` close are one kind of praise, and a praise
  need of fewer than `small_praise` items joins the nearest praise need.
  Merging is greedy, closest pair first, and recomputes cores and key terms after every merge.
- Trim: a member of a problem need that is happy praise (positive, reporting and asking nothing: "so easy to read CBR
  files" is no evidence that CBR files fail), or that is far from the core (below `core_floor`) and uses none of the
  need's key terms, is "loosely related": listed with the need, not counted, quoted or cited by its stories; a far
  member close to another need whose key terms it uses moves there.
- Dissolve (on recluster, after trimming): a problem need whose members do not agree on a key term is no need
  (long multi-topic reviews gathered because their embeddings sit between topics); its members join a problem
  need whose core they are close to, else have no need. Quotes show the members that use a key term first.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.needs import evidence
from assistant.needs.asks import need_topics, topic_terms
from assistant.needs.clauses import Focus
from assistant.needs.cluster import normalise
from assistant.needs.naming import _stem, tokens


@dataclass(frozen=True)
class CoreParams:
    key_share: float = 0.3  # a key term is used by this share of the need's items ...
    key_lift: float = 3.0  # ... and is this many times as common in the need as in the rest of the inbox
    merge_similarity: float = 0.6  # problem needs with cores this close and a shared key term are one problem
    praise_merge_similarity: float = 0.55  # praise needs with cores this close are one kind of praise
    core_floor: float = 0.62  # members further than this from the core need a key term to stay evidence
    problem_share: float = 0.4  # a need is a problem need when this share of its items found needs
    # A merge must not make a looser need: its coherence (mean cosine to its centroid) may drop at most this much
    # below the looser of the two. Two of a bank's fine-grained requests ("lost card", "card declined") are each
    # tight and lose far more when merged; one complaint worded several ways loses almost nothing.
    merge_coherence_drop: float = 0.02
    # Two needs whose items mostly report a defect and name the same thing ("memory error" / "out of memory on my
    # Nexus") are one failure described in long, varied reviews (device, praise, what they were reading around it):
    # their embeddings spread more than two short requests do, so their merge may loosen the need this much.
    failure_coherence_drop: float = 0.06
    # Cores this close are one problem even when no key term is shared: the words that would tie them ("memory",
    # "error") are spread over all the pieces, so no piece has them as its own (comic-viewer: "About 2/3 of my books
    # did not work" beside "out of memory error about 3 pages in", cores 0.87 apart). A bank's closest two requests
    # are 0.73 apart.
    same_core: float = 0.8
    merge_max_share: float = 0.15  # and it stays below this share of the customer items
    small_praise: int = 6  # a praise need smaller than this joins the nearest praise need whatever its size
    min_agreement: float = 0.7  # a problem need is dissolved when fewer of its items agree (see agreement())


def _groups(assign: dict[str, str | None], keep: Callable[[str], bool]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid and keep(iid):
            out.setdefault(nid, []).append(iid)
    return out


def key_terms(groups: dict[str, list[str]], terms: dict[str, set[str]], p: CoreParams) -> dict[str, set[str]]:
    """Per need: the terms a good share of its items use and the rest of the inbox much less."""
    return need_topics(groups, {}, p.key_share, p.key_lift, terms=terms)


def core(ids: list[str], vec: dict[str, np.ndarray], founds: Callable[[str], bool],
         p: CoreParams) -> tuple[np.ndarray, bool]:
    """(core vector, is a problem need) of one need's customer items."""
    problems = [i for i in ids if founds(i)]
    is_problem = len(problems) >= 2 and len(problems) >= p.problem_share * len(ids)
    base = problems if is_problem else ids
    return normalise(np.mean([vec[i] for i in base], axis=0)[None, :])[0], is_problem


def trim_loose(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
               founds: Callable[[str], bool], customer: Callable[[str], bool], min_size: int,
               p: CoreParams = CoreParams(), happy: Callable[[str], bool] = lambda i: False,
               serious: Callable[[str], bool] = lambda i: False) -> dict[str, list[str]]:
    """Set aside members of problem needs that are not evidence of them (see the module docstring); returns
    {need id: loosely related item ids, closest first}. `happy` marks praise that reports nothing and asks
    nothing. A member far from its need that is close to another need's core (`core_floor` with one of its key
    terms, 0.05 more without) moves there instead ("someone used my card without my authorization" belongs with
    fraud, not with blocked accounts). A need never
    drops below min_size evidence items."""
    groups = _groups(assign, customer)
    keys = key_terms(groups, terms, p)
    nids = sorted(groups)
    cores = {nid: core(groups[nid], vec, founds, p) for nid in nids}
    # a far member moves only to another problem need: a problem report is no evidence of praise
    targets = [n for n in nids if cores[n][1]]
    mat = np.stack([cores[n][0] for n in targets]) if targets else np.zeros((0, 1))
    loose: dict[str, list[str]] = {}
    for nid in nids:
        ids = groups[nid]
        centre, is_problem = cores[nid]
        if not is_problem:
            continue
        sims = {i: float(vec[i] @ centre) for i in ids}
        # A serious report (high urgency) is never set aside: the PO must see it in a need, and stories cite it.
        out = [i for i in ids if not serious(i) and (happy(i) or (sims[i] < p.core_floor and not terms[i] & keys[nid]))]
        if len(ids) - len(out) < min_size:
            continue
        out.sort(key=lambda i: (-sims[i], i))
        kept = []
        for i in out:
            assign[i] = None if happy(i) else _closest_other(vec[i], terms[i], nid, targets, mat, keys, p)
            if assign[i] is None:
                kept.append(i)
        if kept:
            loose[nid] = kept
    return loose


def praise_holds_praise(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
                        founds: Callable[[str], bool], customer: Callable[[str], bool],
                        reports: Callable[[str], bool], p: CoreParams = CoreParams(),
                        focus: Focus | None = None,
                        ) -> dict[str, list[str]]:
    """A praise need holds only praise: a member that reports a problem or asks for something (`reports`: typed as
    a problem or ask, or a sentence of it does: "Love the design. But since marshmallow it's stopped working") moves
    to the problem need whose core it is close to (the rule trim_loose moves members by), else has no need. Under a
    "33 of 33 praise it" statement, such an item is an outage nobody sees. `focus` gives (vector, terms) of what a
    moved item reports, when known: "Awesome app. Just one hiccup, make the recent list bigger" is judged by its
    hiccup. Returns {praise need: items moved out}."""
    groups = _groups(assign, customer)
    keys = key_terms(groups, terms, p)
    cores = {n: core(ids, vec, founds, p) for n, ids in groups.items()}
    problems = sorted(n for n in groups if cores[n][1])
    mat = np.stack([cores[n][0] for n in problems]) if problems else np.zeros((0, 1))
    out = {nid: [iid for iid in groups[nid] if reports(iid)] for nid in sorted(n for n in groups if not cores[n][1])}
    # judged by what it reports, not by the praise around it (assistant/needs/clauses.py: its problem clauses)
    said = focus([i for ids in out.values() for i in ids]) if focus else {}
    for nid, ids in out.items():
        for iid in ids:
            v, t = said.get(iid, (vec[iid], terms[iid]))
            assign[iid] = _closest_other(v, t, None, problems, mat, keys, p)
    return {nid: ids for nid, ids in out.items() if ids}


def _closest_other(v: np.ndarray, item_terms: set[str], nid: str | None, nids: list[str], mat: np.ndarray,
                   keys: dict[str, set[str]], p: CoreParams) -> str | None:
    """The other need whose core the item is close to (`core_floor` with one of its key terms, 0.05 more
    without), the closest such; None when there is none."""
    near = mat @ v if len(nids) else np.zeros(0)
    fits = [(float(near[k]), other) for k, other in enumerate(nids)
            if other != nid
            and (near[k] >= p.core_floor + 0.05 or near[k] >= p.core_floor and item_terms & keys[other])]
    return max(fits)[1] if fits else None


def agreement(ids: list[str], terms: dict[str, set[str]], keys: set[str], sims: dict[str, float],
              short: Callable[[str], bool], floor: float) -> float:
    """The share of a need's items that agree on what it is about: they use one of its key terms, or they are
    one sentence close to its core ("my card got rejected" in a need keyed on "decline"). A long review close to
    the core does not count by closeness: its embedding sits between the several topics it covers."""
    return sum(1 for i in ids if terms[i] & keys or short(i) and sims[i] >= floor) / max(len(ids), 1)


def dissolve_disagreeing(assign: dict[str, str | None], vec: dict[str, np.ndarray], terms: dict[str, set[str]],
                         founds: Callable[[str], bool], customer: Callable[[str], bool],
                         short: Callable[[str], bool], p: CoreParams = CoreParams(),
                         loose: dict[str, list[str]] | None = None) -> set[str]:
    """Dissolve problem needs whose members do not agree on what they are about: fewer than `min_agreement` of
    them agree (see agreement(); key terms as lemmas), or no word is its own (no key term: three short complaints
    about an uninstall button, battery percentage and donations). On one app's reviews such a need gathered long
    multi-topic reviews whose embeddings sit between topics ("Perfect viewer and comics": 3 of its 10 closest quotes
    were about one thing).
    Each member joins another need whose core it is close to (the rule trim_loose moves members by), else it is
    left without a need; stakeholder asks in it are routed again. A need that trimming left with fewer members
    than it set aside as loosely related (`loose`) goes too: it was gathered around what it is not about (six
    happy reviews of a notes app around four problems of different kinds). Returns the dissolved needs."""
    groups = _groups(assign, customer)
    keys = key_terms(groups, terms, p)
    cores = {n: core(ids, vec, founds, p) for n, ids in groups.items()}
    sims = {i: float(vec[i] @ cores[n][0]) for n, ids in groups.items() for i in ids}
    weak = {n for n, ids in groups.items()
            if cores[n][1] and (not keys[n]
                                or agreement(ids, terms, keys[n], sims, short, p.core_floor) < p.min_agreement
                                or len((loose or {}).get(n, [])) > len(ids))}
    if not weak:
        return set()
    others = sorted(n for n in set(groups) - weak if cores[n][1])  # a problem report is no evidence of praise
    mat = np.stack([cores[n][0] for n in others]) if others else np.zeros((0, 1))
    for iid, nid in list(assign.items()):
        if nid in weak:
            assign[iid] = _closest_other(vec[iid], terms[iid], None, others, mat, keys, p) if customer(iid) else None
    return weak


def on_topic(groups: dict[str, list[str]], texts: dict[str, str], p: CoreParams = CoreParams()) -> dict[str, set[str]]:
    """Per need, its members that use one of its key terms (lemmas): the ones quoted first as its evidence, so a
    review that mentions the topic only through a nearby embedding is not shown as what the need is about."""
    terms = lemma_terms({i: texts[i] for ids in groups.values() for i in ids})
    keys = key_terms(groups, terms, p)
    return {n: {i for i in ids if terms[i] & keys[n]} for n, ids in groups.items()}


def merge_same_names(members, phrases, by_id, assign, dissolved, loose, vec=None,  # type: ignore[no-untyped-def]
                     p: CoreParams = CoreParams()) -> set[str]:
    """Two needs a PO would see under the same name ("Memory error", "Memory error and comics") are one need: the
    smaller joins the larger (problem needs with problem needs, praise with praise) when their centroids are also
    `merge_similarity` close (given `vec`): a generic name ("Credit card") shared by declined cards and APR questions
    is a naming problem, not one need. Returns the needs that grew."""
    first: dict[tuple[str, bool], list[str]] = {}
    grown: set[str] = set()
    customer = {n: [i for i in ids if by_id[i].kind != "stakeholder_ask"] for n, ids in members.items()}
    lemmas: dict[str, set[str]] = {}  # filled when a merge is first considered

    def centre(nid: str) -> np.ndarray:
        return normalise(np.mean([vec[i] for i in members[nid]], axis=0)[None, :])[0]

    def agrees(a: str, b: str) -> bool:
        """The two as one need still agree on what it is about (see agreement()): "Comics and memory" and "Comics"
        share a name, but in a comics app "comics" is no topic, and together they were 26 assorted complaints."""
        union = customer[a] + customer[b]
        if vec is None or not union:
            return True
        if not lemmas:
            lemmas.update(lemma_terms({i: by_id[i].text for ids in customer.values() for i in ids}))
        groups = {n: ids for n, ids in customer.items() if n not in (a, b) and ids} | {"": union}
        keys = key_terms(groups, lemmas, p)[""]
        mid = normalise(np.mean([vec[i] for i in union], axis=0)[None, :])[0]
        sims = {i: float(vec[i] @ mid) for i in union}
        short = lambda i: len(evidence.sentences(by_id[i].text)) <= 1  # noqa: E731
        return agreement(union, lemmas, keys, sims, short, p.core_floor) >= p.min_agreement

    for nid in sorted(members, key=lambda n: (-len(members[n]), n)):
        problem = evidence.is_problem_need(evidence.counts([by_id[i] for i in members[nid]]))
        if not phrases.get(nid):
            if problem:
                continue
            # praise that names no thing praised ("Great!", "Love it", "Good app") is one need, "General praise",
            # however its adjectives clustered: four "General praise" needs split by good/great/love tell a PO nothing
            named = first.setdefault(("", False), [])
            keep = named[0] if named else None
        else:
            # "Page" and "Pages" are one name to a PO (plural folded as naming does)
            named = first.setdefault((_stem(" ".join(phrases[nid][0].lower().split())), problem), [])
            keep = next((k for k in named if vec is None or float(centre(k) @ centre(nid)) >= p.merge_similarity
                         and (not problem or agrees(k, nid))), None)
        if keep is None:
            named.append(nid)
            continue
        for iid in members.pop(nid):
            assign[iid] = keep
            members[keep].append(iid)
        members[keep].sort()
        customer[keep] = sorted(customer[keep] + customer.pop(nid))
        for old, target in list(dissolved.items()):
            if target == nid:
                dissolved[old] = keep
        dissolved[nid] = keep
        if loose is not None:
            loose[keep] = [*loose.get(keep, []), *loose.pop(nid, [])]
        grown.add(keep)
    return grown


@functools.lru_cache(maxsize=65536)
def lemma(word: str) -> str:
    """A word's dictionary lemma (verb first: 'crashing', 'crashes' -> 'crash'; 'loading' -> 'load'), so reviews
    saying the same thing in another inflection agree on a key term; unknown words stay as they are."""
    from lemminflect import getAllLemmas

    found = getAllLemmas(word)
    for upos in ("VERB", "NOUN", "ADJ"):
        if found.get(upos):
            return found[upos][0]
    return word


def item_terms(texts: dict[str, str]) -> dict[str, set[str]]:
    return {iid: topic_terms(t) for iid, t in texts.items()}


def lemma_terms(texts: dict[str, str]) -> dict[str, set[str]]:
    """Each item's content words folded to their lemma: whether a need's members agree is judged on these."""
    return {iid: {lemma(w) for w in tokens(t)} for iid, t in texts.items()}
