"""hold_one_problem: a problem need holds one problem; members that state another one leave it.

Why: after clustering, fitting and trimming, independent PO audits of one app's reviews still read a fifth of some
problem needs as other problems under the same topic: "Notification does not show" (13) held a wish for a clear-all
button, a clock transition request, wrong icons and a crop animation; "Home button" (10) held lag, an S5 freeze and a
black screen; "Drains battery" a RAM complaint and "That's a horrible app". Each member is near the topic in meaning
(they all speak of notifications or the lock screen), so the spread test of fit.py keeps them.

What defines a problem need is what its own members state (the parse, not a word list): its defect, the failure or
defect (failure_names._defects: "Notification does not show", "Drains battery", "Crashes") that most of its members
state, by at least `defined` of them. Those members are the need's *definers*. Another member stays when what it
reports (its problem clauses, clauses.py, embedded; the whole text when it has none) is about as close to the
definers as they are to each other (within `margin`, twice that when it uses one of the need's key terms); else it
leaves: to the problem need whose defect it states, when it is as close to that need's definers as they are to each
other, else to no need (backlog.md lists it; serious items are placed again afterwards by serious.py). A member that
is pure praise (typed praise, positive, no problem clause, no question, no defect or request cue) never stays in a problem need.
Guards: a need whose members mostly (`mostly`) state its defect loses nothing; a need whose defect too few state is
left alone, as is a large one (fit.py's spread test judges those); a need never drops below `min_size`; members
placed by an earlier build stay.
Measured on four real inboxes: "Notification does not show" loses the crop-animation and clock-transition requests,
the uninstall need (12 of 17 say "uninstall") keeps its "cannot deactivate device administrator" reports. A
coherent-core rule for small needs no defect defines (members' mean closeness by problem clause) was tried and
dropped: in "Drains battery" the RAM complaint was the closest member, in "Pocket" the on-topic long reviews the
furthest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.needs import core
from assistant.needs.clauses import Focus


@dataclass(frozen=True)
class OneParams:
    margin: float = 0.05  # a member this much less close to the definers than they are to each other leaves (twice
    # this when it uses a key term of the need)
    mostly: float = 0.6  # a need whose members state its problem this much loses nothing
    large: int = 40  # a need this large is left alone: its outer members are judged by fit.py's spread test
    defined: float = 0.35  # the defect must be stated by this share of the members (and two) to define the need


def _defect_support(texts: list[str]) -> list[set[str]]:
    """Per text, the defect keys it states (failure_names' parse of defects and negated actions)."""
    from assistant.needs.failure_names import _defects, _support
    from assistant.needs.naming import parsed

    docs = parsed(texts)
    nouns: set[str] = set()
    keys: set[str] = set()
    for d in docs:
        keys |= set(_defects(d, nouns))
    return [{k for k in keys if _support([d], [k], frozenset(nouns))[k]} for d in docs]


def _definers(ids: list[str], stated: list[set[str]], p: OneParams) -> tuple[set[str], str]:
    """The members that state the defect most of them state, and that defect; none when it is too rare."""
    counts: dict[str, int] = {}
    for ks in stated:
        for k in ks:
            counts[k] = counts.get(k, 0) + 1
    if counts:
        best = min(counts, key=lambda k: (-counts[k], -len(k.split()), k))
        if counts[best] >= p.defined * len(ids) and counts[best] >= 2:
            return {i for i, ks in zip(ids, stated) if best in ks}, best
    return set(), ""


def hold_one_problem(assign: dict[str, str | None], vec: dict[str, np.ndarray], texts: dict[str, str],
                     founds: Callable[[str], bool], customer: Callable[[str], bool], praise: Callable[[str], bool],
                     focus: Focus, min_size: int, keep: Callable[[str], bool] = lambda i: False,
                     p: OneParams = OneParams(), cp: core.CoreParams = core.CoreParams()
                     ) -> dict[str, tuple[str, str | None]]:
    """Move members of problem needs that state another problem (module docstring); returns {item: (from, to)}."""
    groups = core._groups(assign, customer)
    problem = {n: ids for n, ids in groups.items() if core.core(ids, vec, founds, cp)[1]}
    if not problem:
        return {}
    terms = core.lemma_terms({i: texts[i] for ids in groups.values() for i in ids})
    keys = core.key_terms(groups, terms, cp)
    said = focus([i for ids in problem.values() for i in ids])

    def f(i: str) -> np.ndarray:
        return said[i][0] if i in said else vec[i]

    defined: dict[str, tuple[set[str], np.ndarray, float]] = {}
    defect: dict[str, str] = {}
    states: dict[str, set[str]] = {}
    for nid, ids in problem.items():
        if len(ids) >= p.large:
            continue
        stated = _defect_support([texts[i] for i in ids])
        states |= dict(zip(ids, stated))
        d, what = _definers(ids, stated, p)
        if len(d) < 2:
            continue
        defect[nid] = what
        mat = np.stack([f(i) for i in sorted(d)])
        sims = mat @ mat.T
        # how close the definers are to each other, on average
        inner = float(((sims.sum(axis=1) - np.diag(sims)) / (len(d) - 1)).mean())
        defined[nid] = (d, mat, inner)
    moved: dict[str, tuple[str, str | None]] = {}
    for nid, ids in sorted(problem.items()):
        d, mat, inner = defined.get(nid, (set(), None, 0.0))
        if len(ids) >= p.large:
            continue
        free = [i for i in ids if not keep(i)]
        out: list[tuple[float, str]] = [(-9.0, i) for i in free if praise(i) and i not in d]
        if mat is not None and len(d) < p.mostly * len(ids):
            for i in free:
                if i in d or praise(i):
                    continue
                close = float((mat @ f(i)).mean())
                if close < inner - p.margin * (2 if terms[i] & keys[nid] else 1):
                    out.append((close, i))
        for _, iid in sorted(out)[:max(0, len(ids) - min_size)]:
            target = None
            if not praise(iid):
                # it joins a need whose defect it states, when it is as close to its definers as they are
                best = max(((float((m @ f(iid)).mean()) - inn, o) for o, (dd, m, inn) in defined.items()
                            if o != nid and defect[o] in states.get(iid, set())), default=None)
                target = best[1] if best and best[0] >= -p.margin else None
            assign[iid] = target
            moved[iid] = (nid, target)
    return moved


def hold_items(canon, vec, assign, founds, min_size: int, embed,  # type: ignore[no-untyped-def]
               keep=frozenset()) -> dict[str, tuple[str, str | None]]:
    """hold_one_problem over feedback items: pure praise founds no need (triage's praise, a happy usage story), is
    positive, and has no problem clause, no question, no defect or request cue (evidence.reports). Without the first
    test, a bank's "which is the best way to improve the credit score" and "what exactly is my pin" (positive, no
    question mark) left their needs as praise."""
    from assistant.needs import clauses, evidence

    if embed is None:
        return {}
    by_id = {it.id: it for it in canon}
    texts = {it.id: it.text for it in canon}
    # a problem clause alone is not enough to tell: "Please add a password or pin option please, otherwise great
    # work!" has none, and asks
    pure = {it.id for it in canon if assign.get(it.id) and not founds(it) and it.triage is not None
            and it.triage.sentiment.label == "positive" and not evidence.reports(it) and "?" not in it.text}
    return hold_one_problem(assign, vec, texts, lambda i: founds(by_id[i]),
                            lambda i: by_id[i].kind != "stakeholder_ask", lambda i: i in pure,
                            clauses.focus(texts, embed), min_size, keep=lambda i: i in keep)
