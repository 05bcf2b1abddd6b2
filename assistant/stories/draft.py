"""Draft stories for needs: offline engine (extractive: the customers' own asks, reasons and facts) or an LLM,
then lint, suggest points, check Definition of Ready and store with history. Stories the PO touched are never
overwritten. What the offline engine cannot write cleanly becomes a story to write (the need brief).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from assistant.errors import ConflictError, NotFoundError
from assistant.models import FeedbackItem, Need, Provenance, Story
from assistant.repository import load_items, load_needs, load_stories, save_story
from assistant.stories.asks import Ask, clean_for_parse, read_asks, subject_noun
from assistant.stories.backing import MIN_SUPPORT, first_backed
from assistant.stories.brief import MAX_QUOTES, need_brief, settle
from assistant.stories.consensus import asks_nothing, choose
from assistant.stories.criteria import Member, write_criteria
from assistant.stories.evidence import check_citations, drop_invented
from assistant.stories.facts import Facts, extract_facts
from assistant.stories.folded import fold_duplicates, keep_folded_visible
from assistant.stories.goal import goal_for, names_failure, problem
from assistant.stories.other_ask import list_other_asks
from assistant.stories.reasons import benefit_for, stated_reason
from assistant.stories.roles import derive_role, inbox_people
from assistant.stories.split import split_need
from assistant.stories.stakeholder import ask_stories, from_ask
from assistant.stories.urgent import fold_urgent, reasons, uncovered_urgent
from assistant.tables import BacklogItemRow, StoryHistoryRow, StoryRow
from assistant.verify import CachedEmbed, garbled_reason
from assistant.verify.gate import common_words

SYSTEM_ACTOR = "backlogsmith"
PRAISE_ONLY = 0.8  # share of praise from which a need is praise, not a problem (triage is not perfect)


@dataclass
class DraftReport:
    """What a draft run did, in words the CLI can print."""

    stories: list[Story] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (story id, why it was not re-drafted)
    covered: list[tuple[str, str]] = field(default_factory=list)  # (need id, backlog key)
    removed: list[str] = field(default_factory=list)  # untouched drafts a re-draft no longer produces
    no_ask: list[str] = field(default_factory=list)  # needs whose items state no action to draft from
    messages: list[str] = field(default_factory=list)


def story_id(need_id: str, key: str) -> str:
    """Stable id: the same need and ask always give the same story id."""
    return "st_" + hashlib.sha1(f"{need_id}|{key}".encode()).hexdigest()[:12]


def analyse(items: Sequence[FeedbackItem], subject: str = "") -> tuple[dict[str, Ask | None], dict[str, Facts]]:
    """Parse every item once (batched): its ask, its reported conditions and the reason it states. `subject`: the
    inbox's product (assistant.stories.asks.subject_noun), which a bare "it" stands for."""
    texts = [clean_for_parse(i.text) for i in items]
    asks = read_asks(items, subject)
    facts = {i.id: extract_facts(i.text, i.metadata) for i in items}
    for item, text in zip(items, texts):
        facts[item.id].reason = stated_reason(text, asks[item.id])
    return asks, facts


def praise_only(items: Sequence[FeedbackItem]) -> bool:
    """Feedback that only praises (no stakeholder ask, at least PRAISE_ONLY of it asking nothing) needs no story."""
    if not items or any(i.kind == "stakeholder_ask" for i in items):
        return False
    return sum(1 for i in items if asks_nothing(i)) >= PRAISE_ONLY * len(items)


def urgent_to_write(need: Need, urgent: Sequence[FeedbackItem], asks: Sequence[Ask],
                    plan_names: Sequence[str] = (), people: Sequence[str] = ()) -> Story:
    """A story to write for urgent items the need's stories leave out: a serious report is never buried in a
    need that is mostly praise or has no story (assistant.stories.urgent lists them on a story of the need)."""
    story = story_to_write(need, urgent, asks, plan_names, people)
    brief = story.brief.model_copy(update={
        # the need's own statement counts all its items ("9 of 9"): beside 3 urgent reports it misread as theirs
        "statement": f"{len(urgent)} urgent report{'s' if len(urgent) != 1 else ''} "
                     f"({reasons(urgent)}) in need '{need.name}' that no drafted story cites; "
                     "read them first.",
        "quotes": [u.id for u in urgent][:MAX_QUOTES]})  # the urgent reports, not the need's usual quotes
    return story.model_copy(update={"id": story_id(need.id, "to_write:urgent"), "brief": brief,
                                    "evidence": [u.id for u in urgent]})


def offline_stories(
    need: Need,
    items: dict[str, FeedbackItem],
    asks: dict[str, Ask | None],
    facts: dict[str, Facts],
    *,
    embed: Callable[[Sequence[str]], Any] | None = None,
    plan_names: Sequence[str] = (),
    common: frozenset[str] = frozenset(),
    subject: str = "",
    people: Sequence[str] = (),
) -> list[Story]:
    """The stories the evidence supports, deterministic for the same input.

    One story per ask group whose goal most of its items share (assistant.stories.consensus) and reads cleanly,
    citing the items about that goal (assistant.stories.backing: the first candidate enough items back); a need with none gets
    one story to write (the need brief, goal left to the PO); a praise-only need gets nothing. `common`: the
    inbox's everyday words; `subject`: its product (assistant.stories.asks.subject_noun); `people`: what its
    stakeholders call the writers (assistant.stories.roles.inbox_people).
    """
    member_ids = [i for i in need.item_ids if i in items]
    members_all = [items[i] for i in member_ids]
    member_asks = [a for a in (asks.get(i) for i in member_ids) if a]
    if praise_only(members_all):
        urgent = uncovered_urgent(members_all, [])
        return [urgent_to_write(need, urgent, member_asks, plan_names, people)] if urgent else []
    stories = []
    for group in split_need(member_ids, asks, embed):
        chosen, scored = choose(group.asks, [items[i] for i in group.item_ids], asks, embed, _clean, members_all,
                                common, subject)
        if chosen is None:
            continue  # no phrasing most of the group's items share: the PO writes it from the brief
        backed = first_backed(chosen, scored, group.item_ids, items, asks, len(member_ids), common)
        if backed is None:
            continue  # one or two customers' words in a big need, or one customer's action, are not its story
        chosen, cited = backed
        rep = chosen.ask
        group_items = [items[i] for i in cited]
        members = [Member(items[i], asks.get(i), facts[i]) for i in cited]
        goal = goal_for(rep, named=names_failure([items[i] for i in cited]))
        benefit, source = benefit_for([facts[i].reason for i in cited], goal)
        stories.append(Story(
            id=story_id(need.id, group.key), need_id=need.id, role=derive_role(group_items, group.asks, plan_names, people),
            goal=goal, benefit=benefit, acceptance_criteria=write_criteria(rep, members),
            evidence=cited, provenance=Provenance(engine="offline", prompt=f"benefit:{source}"),
        ))
    customers = [m for m in members_all if m.kind != "stakeholder_ask"]
    # A stakeholder's ask inside a customer need is a proposed solution to the customers' problem ("add a bigger
    # memory cache" beside 22 out-of-memory reports): the need's story or brief serves it, and the ask's decision
    # note says so. Drafted as the need's story it stood in for the customers (comic-viewer audit). Only a need
    # the asks opened themselves is drafted from them.
    from_asks = [] if customers else ask_stories(need, members_all, asks, facts, stories, clean=_clean, story_id=story_id, embed=embed,
                            fallback_role=lambda: _ask_fallback_role(customers, member_asks, plan_names, people))
    if stories:
        return stories + from_asks  # urgent items they leave out: assistant.stories.urgent, after the gate
    if from_asks and not customers and len(from_asks) == len(members_all):
        return from_asks  # only stakeholder asks, each drafted: nothing is left for the PO to write
    return [*from_asks, story_to_write(need, members_all, member_asks, plan_names, people)]


def _ask_fallback_role(customers: Sequence[FeedbackItem], asks: Sequence[Ask], plan_names: Sequence[str],
                       people: Sequence[str] = ()) -> str:
    """For an ask that names no one it serves: the need's customers' role, else 'user' (never an assumed
    'customer'); the gate says when the ask's words do not support it."""
    role = derive_role(customers, asks, plan_names, people) if customers else "user"
    return "user" if role == "customer" else role


def _clean(goal: str, product: str = "") -> bool:
    """A goal a person would write: it parses as a clean verb phrase and the gate finds it not garbled.
    `product`: the inbox's product, a fine object here (goal.problem)."""
    return problem(goal, product) is None and garbled_reason(goal) is None


def story_to_write(need: Need, members: Sequence[FeedbackItem], asks: Sequence[Ask],
                   plan_names: Sequence[str] = (), people: Sequence[str] = ()) -> Story:
    """The need brief handed to the PO: role from the evidence, goal and benefit left empty, not Ready."""
    brief = need_brief(need, members)
    return Story(
        id=story_id(need.id, "to_write"), need_id=need.id, kind="to_write", brief=brief,
        role=derive_role(members, asks, plan_names, people), goal="", benefit="",
        evidence=list(dict.fromkeys([*brief.quotes, *(m.id for m in members)])),
        provenance=Provenance(engine="offline", prompt="to_write"),
    )


def _llm_stories(provider: Any, need: Need, items: list[FeedbackItem], report: DraftReport, *,
                 embed: Callable[[Sequence[str]], Any] | None = None, people: Sequence[str] = ()) -> list[Story] | None:
    """LLM drafts for one need, each through the verification gate with critique-repair (see llm_review);
    None (and the reason in the report) when the offline draft should be used instead."""
    from assistant.errors import LLMError
    from assistant.llm.steps import llm_draft_stories  # only when an LLM is configured
    from assistant.stories.llm_review import review_llm_story

    try:
        drafted = llm_draft_stories(provider, need, items)
    except LLMError as exc:
        return _llm_unusable(provider, need, report, str(exc))
    out: list[Story] = []
    for st in drafted:
        st, dropped = drop_invented(st, need.item_ids)
        if dropped:
            report.messages.append(f"need {need.id}: dropped invented citations {', '.join(dropped[:5])}")
        reviewed = review_llm_story(provider, st, items, backlog=out, embed=embed, people=people)
        report.messages.extend(f"need {need.id}: {note}" for note in reviewed.notes)
        if reviewed.story is None:
            continue
        st = reviewed.story
        sid = story_id(need.id, "llm:" + st.goal.lower())
        if any(o.id == sid for o in out):
            continue  # the same goal twice: one story
        out.append(st.model_copy(update={"id": sid, "need_id": need.id, "status": "draft"}))
    if not out:
        return _llm_unusable(provider, need, report, "no drafted story is supported by the need's feedback")
    return out


def _llm_unusable(provider: Any, need: Need, report: DraftReport, reason: str) -> None:
    report.messages.append(f"need {need.id}: the LLM draft was unusable ({reason}); used the offline draft instead")
    ledger = getattr(provider, "ledger", None)
    if ledger is not None:
        ledger.fallback("draft", reason)
    return None


def _touched(session: Any, ids: Sequence[str]) -> set[str]:
    """Stories someone other than the drafter changed (edited, approved, rejected)."""
    rows = session.execute(
        select(StoryHistoryRow.story_id).where(StoryHistoryRow.story_id.in_(list(ids)), StoryHistoryRow.actor != SYSTEM_ACTOR)
    )
    return {r[0] for r in rows}


def _content(story: Story) -> tuple[Any, ...]:
    return (story.role, story.goal, story.benefit, tuple(story.evidence),
            tuple((c.given, c.when, c.then, tuple(c.evidence)) for c in story.acceptance_criteria))


def draft(
    ws: Any,
    *,
    need_ids: Sequence[str] | None = None,
    provider: Any = None,
    progress: Callable[[int], None] | None = None,
    actor: str = SYSTEM_ACTOR,
) -> DraftReport:
    """Draft (or re-draft) stories for the given needs, or all needs; see DraftReport for what happened."""
    from assistant.stories.finish import finish_stories

    report = DraftReport()
    with ws.transaction() as s:
        needs = load_needs(s)
        if need_ids:
            unknown = sorted(set(need_ids) - {n.id for n in needs})
            if unknown:
                raise NotFoundError(f"No need with id {unknown[0]!r}; `backlogsmith needs list` shows the ids.")
            needs = [n for n in needs if n.id in set(need_ids)]
        covered = {r.need_id: r.key for r in s.scalars(select(BacklogItemRow).where(BacklogItemRow.need_id.is_not(None)))}
        items = {i.id: i for i in load_items(s, [i for n in needs for i in n.item_ids])}
        # what the inbox's stakeholders call the writers ("customers who lose their card"): the plain role, not an
        # assumed "customer"; read from every ask of the inbox, since a need's own items rarely include one
        people = inbox_people(load_items(s, kind="stakeholder_ask"))
        existing = {st.id: st for st in load_stories(s)}
        touched = _touched(s, list(existing))
    todo = []
    for need in needs:
        if need.id in covered:
            report.covered.append((need.id, covered[need.id]))
        else:
            todo.append(need)
    feedback = [i for i in items.values() if i.kind == "feedback"]
    common = common_words(feedback)
    subject = subject_noun(feedback, common)
    asks, facts = analyse([items[i] for n in todo for i in n.item_ids if i in items], subject)
    embed = CachedEmbed(ws.embedder)  # one vector cache for the drafting and the gate
    try:  # the index holds every item's vector already: the goal's closeness to its items costs no embedding
        embed.seed({items[i].text: v for i, v in ws.index.get_vectors(list(items)).items() if i in items})
    except Exception:  # noqa: BLE001 - without the index the items are embedded when needed
        pass
    plan_names = list((ws.get_setting("segment_weights") or {}).keys())
    drafted: list[Story] = []
    for need in todo:
        stories = None
        if provider is not None:
            stories = _llm_stories(provider, need, [items[i] for i in need.item_ids if i in items], report,
                                   embed=embed, people=people)
        if stories is None:
            stories = offline_stories(need, items, asks, facts, embed=embed, plan_names=plan_names, common=common,
                                     subject=subject, people=people)
        if not stories:
            report.no_ask.append(need.id)
        drafted.extend(stories)
        if progress:
            progress(1)
    drafted, folds = fold_duplicates(ws, drafted, embed, report.messages)
    # drafts whose need was removed by re-clustering are stale too (only when drafting every need)
    orphans = set() if need_ids else {sid for sid, st in existing.items() if st.need_id is None}
    # the drafts this run replaces are no backlog to check against: a new story was flagged "the same story as
    # st_…", a story _store then deleted (needs joined on a rebuild left their old draft beside the new one)
    going = _replaced(existing, touched, {n.id for n in todo}, orphans)
    others = [st for sid, st in existing.items()
              if sid not in {d.id for d in drafted} and st.status != "rejected" and sid not in going]
    dor = ws.get_setting("definition_of_ready")
    drafted = finish_stories(ws, drafted, backlog=others, embed=embed)
    drafted = _thin_to_write(ws, drafted, todo, items, asks, plan_names, others, embed, report, people)
    drafted = _urgent(ws, drafted, todo, items, asks, common, plan_names, others, embed, people)
    # a need whose story was folded into another need's keeps its items in sight (assistant.stories.folded)
    drafted = keep_folded_visible(drafted, folds, todo, items, embed=embed, common=common, asks=asks,
                                  backlog=others)
    drafted = list_other_asks(drafted, todo, items, asks, embed=embed, common=common)  # the need's other half
    drafted = [settle(st, dor) for st in drafted]
    _store(ws, drafted, existing, touched, {n.id for n in todo}, report, actor, orphans)
    return report


def _urgent(ws: Any, drafted: list[Story], needs: Sequence[Need], items: dict[str, FeedbackItem],
            asks: dict[str, Ask | None], common: frozenset[str], plan_names: Sequence[str], backlog: Sequence[Story],
            embed: Any, people: Sequence[str] = ()) -> list[Story]:
    """Urgent items no story cites, once the gate has settled the citations: cited by a story they support, listed on
    the need's story, or (a need with no story) a story to write of their own."""
    from assistant.stories.finish import finish_stories

    def to_write(need: Need, urgent: list[FeedbackItem]) -> Story:
        return urgent_to_write(need, urgent, [a for a in (asks.get(i) for i in need.item_ids) if a], plan_names, people)

    before = {st.id for st in drafted}
    drafted = fold_urgent(drafted, needs, items, embed=embed, common=common, asks=asks, to_write=to_write)
    fresh = [st for st in drafted if st.id not in before]
    if not fresh:
        return drafted
    return [st for st in drafted if st.id in before] + finish_stories(ws, fresh, backlog=[*backlog, *drafted], embed=embed)


def _thin_to_write(ws: Any, drafted: list[Story], needs: Sequence[Need], items: dict[str, FeedbackItem],
                   asks: dict[str, Ask | None], plan_names: Sequence[str], backlog: Sequence[Story], embed: Any,
                   report: DraftReport, people: Sequence[str] = ()) -> list[Story]:
    """A story the gate left with fewer than MIN_SUPPORT supporting items is one review's words, not a need's: the
    need gets a story to write instead (or nothing more, when another story of it stands). A need with fewer
    items than that keeps its story."""
    from assistant.stories.finish import finish_stories

    by_need = {n.id: n for n in needs}
    thin = [st for st in drafted if st.kind == "story" and st.provenance.engine == "offline"
            and len(st.evidence) < (1 if from_ask(st) else MIN_SUPPORT) and st.need_id in by_need
            and len([i for i in by_need[st.need_id].item_ids if i in items]) >= MIN_SUPPORT]
    if not thin:
        return drafted
    gone = {st.id for st in thin}
    kept = [st for st in drafted if st.id not in gone]
    standing = {st.need_id for st in kept if not from_ask(st)}  # a stakeholder's story does not speak for customers
    fresh = []
    for need_id in dict.fromkeys(st.need_id for st in thin):
        need = by_need[need_id]  # type: ignore[index]
        if need_id not in standing:
            members = [items[i] for i in need.item_ids if i in items]
            fresh.append(story_to_write(need, members, [a for a in (asks.get(i) for i in need.item_ids) if a],
                                        plan_names, people))
    report.messages.extend(f"story {st.id} ('{st.goal}') kept fewer than {MIN_SUPPORT} supporting items after the "
                           "citation check; its need is left for the PO to write" for st in thin)
    return kept + (finish_stories(ws, fresh, backlog=[*backlog, *kept], embed=embed) if fresh else [])


def _store(ws: Any, drafted: list[Story], existing: dict[str, Story], touched: set[str], need_ids: set[str],
           report: DraftReport, actor: str, orphans: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    new_ids = {st.id for st in drafted}
    with ws.transaction() as s:
        for story in drafted:
            prior = existing.get(story.id)
            if prior is not None and (prior.status != "draft" or story.id in touched):
                why = f"{prior.status}" if prior.status != "draft" else "edited by the PO"
                report.kept.append((story.id, why))
                report.stories.append(prior)
                continue
            if prior is not None and _content(prior) == _content(story):
                report.unchanged.append(story.id)
                report.stories.append(prior)
                continue
            check_citations(s, story)
            if prior is not None:
                story = story.model_copy(update={"priority": prior.priority, "value": prior.value})
            try:
                saved = save_story(s, story, actor=actor, action="redraft" if prior else "draft",
                                   expected_version=prior.version if prior else None)
            except ConflictError:  # the PO saved an edit while we were drafting: theirs wins
                report.kept.append((story.id, "changed by the PO during drafting"))
                continue
            (report.updated if prior else report.created).append(saved.id)
            report.stories.append(saved)
        stale = sorted(_replaced(existing, touched, need_ids, orphans) - new_ids)
        if stale:
            s.execute(delete(StoryRow).where(StoryRow.id.in_(stale)))
            report.removed.extend(sorted(stale))


def _replaced(existing: dict[str, Story], touched: set[str], need_ids: set[str], orphans: set[str]) -> set[str]:
    """Stories a re-draft of `need_ids` replaces (unless drafted again under the same id): drafts of those needs, and
    orphans, that the PO has not touched."""
    return {sid for sid, st in existing.items()
            if (st.need_id in need_ids or sid in orphans) and st.status == "draft" and sid not in touched}


def draft_stories(ws: Any, *, need_ids: Sequence[str] | None = None, provider: Any = None,
                  progress: Callable[[int], None] | None = None) -> list[Story]:
    """Draft 1..n stories per need (see `draft` for the full report)."""
    return draft(ws, need_ids=need_ids, provider=provider, progress=progress).stories
