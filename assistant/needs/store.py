"""write_needs: store a grouping — each need's name, statement, quotes, counts and centroid, the items' need links,
dissolved needs and the stories that followed them — in one short write transaction.

Everything that reads text or calls a model (phrases, quotes, the customer's own problem sentence, a model's
statements) is computed first, with no transaction open; edited names and statements are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, update

from assistant.models import FeedbackItem, NeedCounts
from assistant.needs import core, evidence, failure_names, naming, said, statements
from assistant.needs.asks import name_asks_only
from assistant.needs.cluster import normalise
from assistant.stories.asks import subject_noun
from assistant.tables import BacklogItemRow, FeedbackRow, NeedRow, StoryRow
from assistant.verify.gate import common_words


@dataclass(frozen=True)
class _Evidence:
    """What one need's members say, computed before the write: counts, centroid, quotes, a problem sentence."""

    counts: NeedCounts
    centroid: np.ndarray
    quotes: list[str]
    example: str  # the clause most of its problem items state (assistant.needs.said)
    reporting: int  # customer items that report a problem or ask (evidence.reports), whatever their type
    asked: tuple[str, str]  # (kind, phrase) of the action most of its items ask for, ("", "") when none is shared
    asking: int = 0  # customer items that report, ask, or put a question or request, however typed (the count shown)


def write_needs(ws, all_items, assign, dissolved, vec, provider, quotes: int,  # type: ignore[no-untyped-def]
                core_params: core.CoreParams, progress: Callable[[str, int, int], None] | None = None,
                loose=None, merge_names: bool = False, apart=(), checked=None, by_reason=None) -> None:
    """One transaction: need rows (names, statements, evidence), item links, dissolved needs, story links. Needs in
    `apart` were cut from a need on purpose (assistant/needs/actions.py): a name shared with it does not join them.
    `checked`: what the model said (assistant/needs/checked.py): members it set aside with its reason, and the need
    it judged each need's members against, which names the need (a model reads what the items share better than
    keyphrases do: "Device administrator" vs "Can't uninstall (device administrator won't deactivate)").
    `by_reason`: needs of serious reports no other need took, grouped by triage's urgency reason: two or more such
    reports are named by that reason ("Urgent reports: cannot use it at all"), which is what they share; keywords
    named one such group "Bloom county" after a word of one review of three unrelated ones."""
    by_id = {it.id: it for it in all_items}
    members: dict[str, list[str]] = {}
    for iid, nid in sorted(assign.items()):
        if nid:
            members.setdefault(nid, []).append(iid)
    mixed: dict[str, list[str]] = {}
    phrases = naming.phrases({nid: evidence.topic_texts([by_id[i] for i in ids], vec)
                              for nid, ids in members.items()}, mixed=mixed)
    name_asks_only(members, by_id, phrases, mixed)
    by_name = {n: [f"{p[0]} ({n})", *p[1:]] if n in apart and p else p for n, p in phrases.items()}
    if merge_names and (renamed := core.merge_same_names(members, by_name, by_id, assign, dissolved, loose, vec,
                                                         core_params)):
        for nid in renamed:
            mixed.pop(nid, None)
        phrases.update(naming.phrases({nid: evidence.topic_texts([by_id[i] for i in members[nid]], vec)
                                       for nid in renamed}, mixed=mixed))
    dupes_of: dict[str, list[FeedbackItem]] = {}
    for it in all_items:
        if it.duplicate_of:
            dupes_of.setdefault(it.duplicate_of, []).append(it)
    llm_statements = statements.by_model(ws, provider, members, by_id, vec, phrases, quotes) if provider is not None else {}
    topical = core.on_topic({nid: [i for i in ids if by_id[i].kind != "stakeholder_ask"] or ids
                             for nid, ids in members.items()}, {i: it.text for i, it in by_id.items()}, core_params)
    feedback = [it for it in all_items if it.kind == "feedback" and not it.duplicate_of]
    subject = subject_noun(feedback, common_words(feedback))  # the product a bare "it" stands for
    found = {nid: _evidence(ids, by_id, dupes_of, vec, quotes, topical.get(nid), ws.embedder, subject)
             for nid, ids in members.items()}
    with ws.transaction() as s:
        edited = {r.id: r.name for r in s.scalars(select(NeedRow).where(NeedRow.name_edited.is_(True)))}
    said = {nid: _model_name(text) for nid, text in (checked.stated if checked else {}).items()}
    for nid, reason in (by_reason or {}).items():
        customers = [i for i in members.get(nid, []) if by_id[i].kind != "stakeholder_ask"]
        if len(customers) >= 2 and reason and nid not in said:
            said[nid] = f"Urgent reports: {reason}"
    names = failure_names.distinct({nid: edited.get(nid) or said.get(nid) or _name(phrases.get(nid, []), mixed.get(nid, []), found[nid].counts,
                                                           [by_id[i].text for i in ids], found[nid].reporting, found[nid].asked)
                             for nid, ids in members.items()},
                            {nid: [by_id[i].text for i in ids] for nid, ids in members.items()}, frozenset(edited))
    with ws.transaction() as s:
        total = len(members)
        for done, (nid, ids) in enumerate(sorted(members.items()), start=1):
            ev = found[nid]
            texts = [by_id[i].text for i in ids]
            row = s.get(NeedRow, nid)
            if row is None:
                row = NeedRow(id=nid, name="", statement="", name_edited=False, statement_edited=False,
                              provenance={}, version=1)
                s.add(row)
            if not row.name_edited:
                row.name = names[nid]
            row.quotes = ev.quotes
            row.counts = ev.counts.model_dump()
            row.centroid = [round(float(x), 6) for x in ev.centroid]
            row.merged_into = None
            # Loosely related: near the need but not evidence of it (not counted, quoted or cited by stories).
            row.provenance = {**(row.provenance or {}), "loose": (loose or {}).get(nid, [])[:50],
                              "set_aside": dict(list((checked.aside if checked else {}).get(nid, {}).items())[:50])}
            if not row.statement_edited:
                row.statement = evidence.statement(_topic(phrases.get(nid), mixed.get(nid, []), ev.counts, texts),
                                                   ev.counts, ev.example, ev.reporting, ev.asked, ev.asking)
                if llm_statements.get(nid):
                    row.statement = llm_statements[nid]
                    row.provenance = {**(row.provenance or {}), "engine": str(getattr(provider, "model", "llm"))}
            if progress:
                progress("needs", done, total)
        s.flush()
        for nid, target in dissolved.items():
            s.execute(update(StoryRow).where(StoryRow.need_id == nid).values(need_id=target))
            s.execute(update(BacklogItemRow).where(BacklogItemRow.need_id == nid).values(need_id=target))
            row = s.get(NeedRow, nid)
            if row is not None:
                if target:
                    row.merged_into = target
                else:
                    s.delete(row)
        for row in s.scalars(select(FeedbackRow)):
            canonical = row.duplicate_of if row.duplicate_of in assign else row.id
            target = assign.get(canonical)
            if row.need_id != target:
                row.need_id = target


def _evidence(ids, by_id, dupes_of, vec, quotes, on_topic, embedder, subject="") -> _Evidence:  # type: ignore[no-untyped-def]
    # Duplicates are counted as evidence (each is a person asking), but quotes come from canonicals.
    group = [by_id[i] for i in ids] + [d for i in ids for d in dupes_of.get(i, [])]
    mat = np.stack([vec[i] for i in ids])
    cent = normalise(mat.mean(axis=0)[None, :])[0]
    counts = evidence.counts(group)
    quoted = evidence.quotes(ids, mat, cent, quotes, on_topic)
    reporting = sum(1 for it in group if it.kind != "stakeholder_ask" and evidence.reports(it))
    others = sum(v for k, v in counts.by_kind.items() if k != "stakeholder_ask")
    example, asked = "", ("", "")
    if others and (evidence.is_problem_need(counts) or reporting * 2 >= others
                   or counts.by_sentiment.get("positive", 0) * 2 < sum(counts.by_sentiment.values())):
        # what the statement says: the customers' own clause and shared action (praise is stated as praise)
        chosen = [it for it in evidence.topic_items([by_id[i] for i in ids]) if it.kind != "stakeholder_ask"]
        sims = {it.id: float(vec[it.id] @ cent) for it in chosen}
        chosen.sort(key=lambda it: (-round(sims[it.id], 6), it.text))
        example, asked = said.clause(chosen, vec, embedder), said.shared_ask(chosen, subject)
    asking = sum(1 for it in group if it.kind != "stakeholder_ask" and evidence.asks_or_reports(it))
    return _Evidence(counts, cent, quoted, example, reporting, asked, asking)


def _topic(phrases, mixed, counts, texts) -> list[str]:  # type: ignore[no-untyped-def]
    """What a statement names: the shared phrase; for a problem need without one, the two phrases its items use most,
    else the word most of them use; praise without a topic is stated as praise of the product."""
    if phrases:
        return list(phrases)
    if not evidence.is_problem_need(counts):
        return []
    word = naming.shared_word(texts)
    return list(mixed) or ([word] if word else [])


def _name(phrases, mixed, counts, texts, reporting=0, asked=("", "")) -> str:  # type: ignore[no-untyped-def]
    """Needs by their shared phrase (or as mixed, with the phrases used most); praise by what is praised. A need of
    neutral questions ("are there fees in Cuba") is not a problem need, but it is not praise either."""
    sentiment = counts.by_sentiment
    customers = sum(v for k, v in counts.by_kind.items() if k != "stakeholder_ask")
    if not evidence.is_problem_need(counts) and sentiment.get("positive", 0) * 2 >= sum(sentiment.values()) \
            and reporting * 2 < max(customers, 1):
        return naming.praise_name(phrases, texts)  # praise only where most items are positive
    name = naming.name_from(phrases) if phrases else naming.mixed_name(mixed, texts)
    unsaid = not failure_names.says_pair(name, texts)
    if unsaid or " " not in name:
        # Two keywords side by side, or one bare word ("Evo and phone", "File"), do not say what the items report:
        # the failure most of them state does; else the first phrase alone.
        name = failure_names.failure_name(texts) or (
            failure_names.joined_words(name, texts) or failure_names.most_said(name, texts) if unsaid else name)
    asking = max(evidence.PROBLEM_TYPES, key=lambda t: counts.by_type.get(t, 0)) == "feature_request"
    return failure_names.readable(name, texts, asked, asking)


MODEL_NAME_CHARS = 80  # a longer phrase is a sentence, not a name: the offline name is kept


def _model_name(text: str) -> str:
    """The model's phrase for a need as its name (first letter capitalised), or "" when it is too long to be one."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:] if 0 < len(text) <= MODEL_NAME_CHARS else ""
