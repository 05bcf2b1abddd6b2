"""fit_members: after clustering, an item stays in its need only if it fits it; a misfit moves to the need it fits
best, else it has no need (backlog.md lists it under "Feedback in no need", urgent first).

Why: clustering places every item somewhere near in meaning, and trimming (assistant/needs/core.py) only judges
members against an absolute floor. Independent PO audits of four real inboxes still read 11-22% of need members as
not belonging: a payment failure in an app's "Memory error" need (cosine 0.41 to its centre where the members
average 0.67, sd 0.08), a request for PDF support in "Cbr files", a bank's "please block my discover account
immediately" inside "Limit on my discover card", and "this charge is bs" inside "Bills".

A member *fits* a need when
- it lies within the need's own spread: its cosine to the need's centre is no more than `far` standard deviations
  below the members' mean. Relative, because needs differ in spread: a bank need of short requests has sd 0.03-0.10,
  a need of long app reviews 0.08-0.17, so one absolute floor either cuts the long reviews or keeps the strays.
  A member that states one of the need's key terms (the words most of its items use and the rest of the inbox much
  less, as lemmas) may lie further out, down to `very_far` sd: long reviews about the need's subject sit between
  the several topics they cover;
- a review of two sentences or more fits only within `aside` sd of the mean unless it states one of the need's own
  key terms (key terms of no other need): long reviews sit between the topics they cover;
- a serious report in a need of serious reports fits it whenever it states one of its key terms, however far;
- and its kind agrees: a serious report (triage's high urgency: fraud, loss, a blocked account, a crash) in a
  routine need (fewer than `routine_share` of its members serious) stays only when the need's key terms include
  its own subject: a verb of it, or a noun that is the subject or object of one (not a modifier such as the card's
  brand), from the parse. "please block my discover account immediately" (block, account) is not about the limit
  of a discover card; "opens the file and scrolls a couple pages then crashes" (open, file, page, crash) is about
  pages.
A misfit moves to the need it fits by the same test, the one whose centre it is closest to relative to that need's
spread; praise needs hold praise (core.praise_holds_praise moves problem reports out of them first), so a praise
need's far member only moves when another need fits it, and nothing moves into a praise need. Needs smaller than
`min_size` are left alone (too few members to measure a spread), and a need never drops below `min_size`.
Statistics are measured once, before anything moves, so the result does not depend on the order of the needs.

Then, given what each member reports (its problem clauses, assistant/needs/clauses.py, embedded), two checks the
spread test cannot make (mixed_small): a small problem need whose members sit, on average, closer to the members of
other needs than to each other loses the members that do (one app's "Screen" held a tip about CBR errors and a wish
for thumbnails beside two screen-rotation reports), and a long review in the outer half of a larger need moves to the
need its problem clause is much closer to, when it fits there ("Great app, love it, but X" is judged by X). A
member of a small mixed need that fits no other need has no need; a long review that fits none stays.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.needs import core, evidence
from assistant.needs.clauses import Focus
from assistant.needs.cluster import normalise


@dataclass(frozen=True)
class FitParams:
    # Measured on the four audit inboxes (comic-viewer, acdisplay, bank, maalej): below -2.2 sd sit the payment
    # failure in "Memory error" (-3.2), "Not good Switching to another reader." in "Cbr files" (-2.5), "i don't
    # remember buying this" in "Spent money" (-2.5); members a PO reads as belonging reach -2.1 ("i inadvertently
    # split my card almost in half" in "Damaged card"; "Good for the price ... memory issues" at -1.8).
    far: float = 2.2
    # A member stating a key term is held down to here: the request for PDF support in "Cbr files" (it says
    # "files") is at -3.3; on-topic long reviews reach -2.5.
    very_far: float = 3.0
    # A need is routine when fewer than this share of its members are serious: the bank's "Bills" (2 of 15),
    # "Limit on my discover card" (1 of 14); an app's crash needs hold a third or more.
    routine_share: float = 0.25
    # A review of two sentences or more that lies this many sd below the mean and states none of the need's own key
    # terms (key terms of no other need) is a misfit: its embedding sits between the topics it covers. acdisplay's
    # "Home button" (own term "button") held "Killed by alarm ... this locker stops working" (-1.9), "i cannot add
    # widgets" (-1.3), "App continues to forget user settings" (-1.3); one-sentence requests are left to the spread
    # test (on a bank's short paraphrases, "how much moola is in my bank accounts" at -1.9 belongs).
    aside: float = 1.0
    # The spread is taken as at least this: a need of near-identical requests (sd 0.01-0.03) would otherwise cast
    # out a member worded a little differently ("change the name on my account" in a need of "change my name").
    min_spread: float = 0.05
    # A problem need smaller than this is judged as a whole (see mixed_small): on one app's reviews "Comics" (6)
    # held a crash, a freeze, an SD card and two "won't open"; such needs are too small for the spread test.
    small: int = 8
    # ... and is dissolved when its members are on average this much closer, by what they report, to the members of
    # another problem need than to each other (a silhouette): "Comics" -0.14 and "Screen" -0.14 (a landscape wish, a
    # file-format tip, a large-image note) on one app's reviews; needs a PO reads as one problem sit at -0.03 and up
    # ("wake on pick-up like Moto display" -0.03, "Cannot read sd card" +0.30).
    apart: float = 0.05
    # A long review in the outer half of a larger need whose problem clauses are this much closer to another need's
    # members than to its own moves there when it fits it (see mixed_small).
    aside_apart: float = 0.1


@dataclass
class _Need:
    centre: np.ndarray
    mean: float
    spread: float
    keys: set[str]
    own: set[str]
    routine: bool
    problem: bool
    size: int

    def z(self, v: np.ndarray) -> float:
        return (float(v @ self.centre) - self.mean) / self.spread


_CORE = core.CoreParams()  # key terms as the need's core judges them (key_share, key_lift)
_MODIFIER_DEPS = {"compound", "amod", "nummod", "poss", "npadvmod", "nmod"}


def subject_terms(texts: dict[str, str]) -> dict[str, set[str]]:
    """Each text's own subject, as lemmas folded like key terms: its verbs, and the nouns that are a subject or
    object (not a modifier: the "discover" of "my discover account")."""
    from assistant.stories.nlp import parse

    ids = sorted(texts)
    out: dict[str, set[str]] = {}
    for iid, doc in zip(ids, parse([texts[i] for i in ids])):
        out[iid] = {core.lemma(t.text.lower()) for t in doc
                    if t.pos_ in ("VERB", "NOUN", "PROPN") and t.dep_ not in _MODIFIER_DEPS and t.is_alpha}
    return out


def _fits(v: np.ndarray, item_terms: set[str], subject: set[str] | None, long: bool, need: _Need,
          p: FitParams) -> float | None:
    """The member's z in the need when it fits it (see the module docstring), else None."""
    z = need.z(v)
    shares = bool(item_terms & need.keys)
    if long and need.own and z < -p.aside and not item_terms & need.own:
        return None
    if subject is not None and not need.routine and shares:
        return z  # a serious report in a need of serious reports that states its key term: "put a block on bank of
        # amerian immediately" (-3.1 sd) is a request to freeze the account, worded apart from the others
    if z < -p.very_far or (z < -p.far and not shares):
        return None
    if subject is not None and need.routine and not subject & need.keys:
        return None
    return z


def fit_members(assign: dict[str, str | None], vec: dict[str, np.ndarray], texts: dict[str, str],
                founds: Callable[[str], bool], customer: Callable[[str], bool], serious: Callable[[str], bool],
                min_size: int, p: FitParams = FitParams(), cp: core.CoreParams = _CORE,
                keep: Callable[[str], bool] = lambda i: False, focus: Focus | None = None,
                ) -> dict[str, tuple[str, str | None]]:
    """Move members that do not fit their need (see the module docstring); items for which `keep` holds stay where
    they are; then dissolve small needs whose members do not share a problem (mixed_small, given `focus`). Returns
    {item: (need it left, need it joined or None)}."""
    groups = core._groups(assign, customer)
    terms = core.lemma_terms({i: texts[i] for ids in groups.values() for i in ids})
    keys = core.key_terms(groups, terms, cp)
    owned = Counter(t for k in keys.values() for t in k)
    long = {i for ids in groups.values() for i in ids if len(evidence.sentences(texts[i])) >= 2}
    needs: dict[str, _Need] = {}
    for nid, ids in groups.items():
        if len(ids) < min_size:
            continue
        centre = normalise(np.mean([vec[i] for i in ids], axis=0)[None, :])[0]
        sims = np.array([float(vec[i] @ centre) for i in ids])
        needs[nid] = _Need(centre, float(sims.mean()), max(float(sims.std()), p.min_spread), keys[nid],
                           {t for t in keys[nid] if owned[t] == 1},
                           sum(1 for i in ids if serious(i)) < p.routine_share * len(ids),
                           core.core(ids, vec, founds, cp)[1], len(ids))
    hard = [i for nid in needs for i in groups[nid] if serious(i) and not keep(i)]
    subjects = subject_terms({i: texts[i] for i in hard}) if hard else {}
    moved: dict[str, tuple[str, str | None]] = {}
    for nid in sorted(needs):
        need = needs[nid]
        out = [i for i in groups[nid] if not keep(i)
               and _fits(vec[i], terms[i], subjects.get(i), i in long, need, p) is None]
        out = sorted(out, key=lambda i: (need.z(vec[i]), i))[:max(0, need.size - min_size)]
        for iid in out:
            best = max(((z, other) for other, n in sorted(needs.items()) if other != nid and n.problem
                        and (z := _fits(vec[iid], terms[iid], subjects.get(iid), iid in long, n, p)) is not None),
                       default=None)
            if best is None and not need.problem:
                continue  # a praise need's far member leaves only for a need that fits it
            assign[iid] = best[1] if best else None
            moved[iid] = (nid, assign[iid])
    if focus is None:
        return moved
    # a long review in the outer half of its need is judged by what it reports ("Great app, love it, but X" by X)
    outer = {i for nid, need in needs.items() for i in groups[nid] if i in long and need.z(vec[i]) < 0}
    for iid, (nid, t, whole, said) in mixed_small(assign, vec, founds, customer, focus, p, cp, keep,
                                                  lambda i: i in outer).items():
        # it fits the other need as a whole review or by what it reports; a review moved out of a need that holds
        # it must also name one of the other need's key terms (a game's crash report is not evidence about pictures)
        if not whole and t in needs and not terms.get(iid, set()) & needs[t].keys:
            continue
        target = t if t in needs and any(_fits(v, terms.get(iid, set()), subjects.get(iid), iid in long, needs[t], p)
                                         is not None for v in (vec[iid], said)) else None
        if target is None and not whole:
            continue  # what it reports fits no other need: it stays where its whole review was placed
        assign[iid] = target
        moved[iid] = (nid, target)
    return moved


def mixed_small(assign: dict[str, str | None], vec: dict[str, np.ndarray], founds: Callable[[str], bool],
                customer: Callable[[str], bool], focus: Focus, p: FitParams = FitParams(),
                cp: core.CoreParams = _CORE, keep: Callable[[str], bool] = lambda i: False,
                outer: Callable[[str], bool] = lambda i: False,
                ) -> dict[str, tuple[str, str | None, bool, np.ndarray]]:
    """Small problem needs whose members do not share a problem: by what they report (`focus`: the vector of their
    problem clauses, assistant/needs/clauses.py), the members are on average `apart` closer to the members of
    another problem need than to each other. Measured on the data, not on words (see FitParams.apart). Returns
    {member: (its need, the other problem need it is closest to or None, True, what it reports as a vector)} for
    every customer member of such a need that is itself `apart` closer to another need and that `keep` does not
    hold; the caller places it there only when it fits, else it has no need. Members of the other needs for which
    `outer` holds are returned as (need, closer need, False, vector) when what they report is
    `aside_apart` closer to the members of that need than to their own ("reads .cbr files just fine, but the
    zooming is really tedious" in a need about CBR files: 0.16 to its members, 0.51 to those of "Cannot zoom in")."""
    groups = core._groups(assign, customer)
    problem = sorted(n for n, ids in groups.items() if len(ids) >= 2 and core.core(ids, vec, founds, cp)[1])
    small = [n for n in problem if len(groups[n]) < p.small]
    if len(problem) < 2:
        return {}
    said = focus([i for n in problem for i in groups[n] if n in small or outer(i)])
    mats = {n: np.stack([vec[i] for i in groups[n]]) for n in problem}
    weak: dict[str, dict[str, str]] = {}
    aside: dict[str, tuple[str, str]] = {}
    for nid in problem:
        ids = groups[nid]
        gaps, nearest = {}, {}
        for k, iid in enumerate(ids):
            if nid not in small and iid not in said:
                continue  # a member of a larger need is judged alone, and only by a problem clause
            f = said[iid][0] if iid in said else vec[iid]
            other, nearest[iid] = max((float((mats[m] @ f).mean()), m) for m in problem if m != nid)
            gaps[iid] = float(np.delete(mats[nid] @ f, k).mean()) - other
        if nid in small and float(np.mean(list(gaps.values()))) < -p.apart:
            # its members that share the problem of another need leave; the ones that share theirs stay (in
            # "Screen" a tip about CBR errors and a wish for thumbnails leave, the two screen-rotation reports stay)
            weak[nid] = {i: t for i, t in nearest.items() if gaps[i] < -p.apart}
        else:
            aside |= {i: (nid, nearest[i]) for i, gap in gaps.items()
                      if gap < -p.aside_apart and outer(i) and i in said}
    def vector(iid: str) -> np.ndarray:
        return said[iid][0] if iid in said else vec[iid]

    out = {iid: (nid, t if t not in weak else None, True, vector(iid)) for nid, nearest in weak.items()
           for iid, t in nearest.items() if not keep(iid)}
    return out | {iid: (nid, t, False, vector(iid)) for iid, (nid, t) in aside.items()
                  if t not in weak and not keep(iid)}


def fit_items(canon, vec, assign, founds, min_size: int,  # type: ignore[no-untyped-def]
              keep=frozenset(), embed=None) -> dict[str, tuple[str, str | None]]:
    """fit_members over feedback items: serious is triage's high urgency; items in `keep` (placed by an earlier
    build) stay; with `embed`, small needs whose members do not share a problem are dissolved."""
    from assistant.needs import clauses

    by_id = {it.id: it for it in canon}
    return fit_members(assign, vec, {it.id: it.text for it in canon}, lambda i: founds(by_id[i]),
                       lambda i: by_id[i].kind != "stakeholder_ask",
                       lambda i: by_id[i].triage is not None and by_id[i].triage.urgency.label == "high",
                       min_size, keep=lambda i: i in keep,
                       focus=clauses.focus({it.id: it.text for it in canon}, embed) if embed else None)
