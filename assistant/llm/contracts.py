"""What the LLM may answer: small pydantic models (sent as strict JSON schemas) plus checks against the input.

The schema stops extra fields and unknown labels; `check_against_input` stops what a schema cannot: evidence
ids that were not given, links (none are allowed by default), items labelled twice or not at all. Together they
are why an injected "add a story / approve this / link to evil.example" cannot get through.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from assistant.llm.links import inert, links_in
from assistant.models import ItemType, SentimentLabel, UrgencyLabel


def _inert(value: str) -> str:
    """Markup in model text is removed before anything sees it; text that was only markup is no answer."""
    clean = inert(value)
    if value.strip() and not clean:
        raise ValueError("only markup, no text")
    return clean


Inert = AfterValidator(_inert)
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), Inert]
Clause = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=400), Inert]
Prose = Annotated[str, Inert]
ItemId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]

MAX_STORIES_PER_NEED = 3
REPORTING_FIELDS = frozenset({"given", "when", "then", "whys"})
MAX_CRITERIA = 6


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TriageLabel(Out):
    """Labels for one feedback block, copied id first."""

    id: ItemId = Field(description="The id attribute of the <feedback> block being labelled.")
    type: ItemType = Field(description="What kind of feedback this is.")
    sentiment: SentimentLabel
    sentiment_score: float = Field(ge=-1.0, le=1.0, description="-1 very negative .. +1 very positive.")
    urgency: UrgencyLabel
    urgency_reason: Prose = Field(max_length=160, description="Few words, e.g. 'data loss', 'payment', '' if low.")


class TriageBatch(Out):
    """One label set per feedback block, each id exactly once."""

    items: list[TriageLabel] = Field(max_length=200)


class NeedStatementOut(Out):
    """A problem statement reached by asking 'why' from the literal asks to the need behind them."""

    whys: list[Short] = Field(min_length=1, max_length=5, description="The '5 whys' chain, ask first, need last.")
    statement: Prose = Field(min_length=10, max_length=300, description="One sentence naming the problem, not a solution.")
    evidence: list[ItemId] = Field(min_length=1, max_length=8, description="Ids of the blocks that show it best.")


class MemberVerdict(Out):
    """Whether one block is evidence of the need, id first."""

    id: ItemId = Field(description="The id attribute of the <feedback> block being judged.")
    belongs: bool = Field(description="True when the block is evidence of the need.")
    reason: Short = Field(max_length=160, description="A few words: why it belongs or what it reports instead.")


class NeedMembersOut(Out):
    """The one need most blocks are evidence of, and a verdict for every block."""

    need: Short = Field(max_length=160, description="The need most blocks share, in the feedback's own terms.")
    verdicts: list[MemberVerdict] = Field(max_length=60)


class Placement(Out):
    """The need one block is evidence of, id first."""

    id: ItemId = Field(description="The id attribute of the <feedback> block being placed.")
    need: str = Field(pattern=r"^(N\d{1,3}|none)$", description="The key of the need it is evidence of, or 'none'.")
    reason: Short = Field(max_length=160, description="A few words: what it reports.")


class NeedPlacementOut(Out):
    """One placement for every block."""

    placements: list[Placement] = Field(max_length=60)


class NeedMergeOut(Out):
    """Groups of need keys that are one need."""

    groups: list[list[Annotated[str, StringConstraints(pattern=r"^N\d{1,3}$")]]] = Field(
        max_length=40, description="Each group: the keys of needs one fix or feature answers, two or more.")


class CriterionDraft(Out):
    """One Given/When/Then acceptance criterion."""

    given: Clause
    when: Clause
    then: Clause = Field(description="An observable, testable outcome.")
    evidence: list[ItemId] = Field(min_length=1, max_length=8, description="Ids of the blocks it rests on.")


class StoryDraft(Out):
    """A user story: As a <role>, I want <goal>, so that <benefit>."""

    role: Short = Field(description="Who benefits, taken from the evidence, e.g. 'finance admin'.")
    goal: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=300, pattern=r"^[Tt]o\s.+$"), Inert] = Field(
        description="Starts with 'to ', e.g. 'to save my card for later purchases'."
    )
    benefit: Short = Field(description="Why: the need behind it.")
    acceptance_criteria: list[CriterionDraft] = Field(min_length=1, max_length=MAX_CRITERIA)
    evidence: list[ItemId] = Field(min_length=1, max_length=12, description="Ids of the blocks this story rests on.")


class StoryDraftBatch(Out):
    """The stories for one need (small, independent, each with its own criteria)."""

    stories: list[StoryDraft] = Field(min_length=1, max_length=MAX_STORIES_PER_NEED)


class CriteriaOut(Out):
    """Acceptance criteria for one story."""

    criteria: list[CriterionDraft] = Field(min_length=1, max_length=MAX_CRITERIA)


class RepairOut(Out):
    """The story rewritten so the listed findings no longer apply."""

    story: StoryDraft
    changes: list[Short] = Field(max_length=10, description="One line per finding addressed.")


class StoryJudgement(Out):
    """Rubric scores (1 poor .. 5 excellent) for one story."""

    well_formed: int = Field(ge=1, le=5)
    problem_oriented: int = Field(ge=1, le=5)
    independent: int = Field(ge=1, le=5)
    small: int = Field(ge=1, le=5)
    valuable: int = Field(ge=1, le=5)
    rationale: Prose = Field(max_length=600)


class CriteriaJudgement(Out):
    """Rubric scores (1 poor .. 5 excellent) for a story's acceptance criteria."""

    testable: int = Field(ge=1, le=5)
    unambiguous: int = Field(ge=1, le=5)
    covers_goal: int = Field(ge=1, le=5)
    vague_terms: list[Short] = Field(max_length=10)
    rationale: Prose = Field(max_length=600)


class Ping(Out):
    """Connection test answer."""

    ok: bool


OUTPUT_MODELS: dict[str, type[Out]] = {
    m.__name__: m
    for m in (TriageBatch, NeedStatementOut, NeedMembersOut, NeedMergeOut, NeedPlacementOut, StoryDraftBatch, CriteriaOut, RepairOut, StoryJudgement, CriteriaJudgement, Ping)
}


class InputContext(BaseModel):
    """What the request contained, so the answer can be checked against it."""

    item_ids: list[str] = Field(default_factory=list)
    texts: list[str] = Field(default_factory=list, description="Every text sent, as sent.")
    id_texts: dict[str, str] = Field(default_factory=dict, description="Each given id's own feedback text.")
    exact_ids: bool = Field(False, description="Every given id must be answered exactly once (triage).")
    # Off by default: an injected link *is* in the input, so "any link from the input" would let it through.
    allow_input_urls: bool = Field(False, description="Allow links that appear anywhere in the input texts.")


def _walk(value: Any, path: str = "", cited: frozenset[str] = frozenset()) -> Iterable[tuple[str, Any, frozenset[str]]]:
    """(path, leaf, ids the leaf rests on): a leaf rests on the evidence (or the labelled id) of every model above it."""
    if isinstance(value, BaseModel):
        own = set(cited)
        for key in ("evidence", "id"):
            got = getattr(value, key, None)
            if isinstance(got, list):
                own.update(x for x in got if isinstance(x, str))
            elif isinstance(got, str):
                own.add(got)
        frozen = frozenset(own)
        for name in type(value).model_fields:
            yield from _walk(getattr(value, name), f"{path}.{name}" if path else name, frozen)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]", cited)
    else:
        yield path, value, cited


def check_against_input(value: Out, ctx: InputContext) -> list[str]:
    """Problems a schema cannot see: ids not given, ids missing or repeated, links the cited feedback does not hold.

    A link in an answer is refused unless the very same link (any scheme, defanged or not) appears in the
    feedback the answer cites for that text, and only in text that reports what the feedback says (criteria,
    the 'why' chain): a model cannot add a destination nobody wrote, and a link an injected item carries
    cannot become a story's role, goal or benefit, a need statement or a triage reason."""
    problems: list[str] = []
    given = set(ctx.item_ids)
    anywhere = links_in(ctx.texts) if ctx.allow_input_urls else set()
    allowed: dict[frozenset[str], set[str]] = {}
    seen: dict[str, int] = {}
    for path, leaf, cited in _walk(value):
        if not isinstance(leaf, str):
            continue
        is_id = path.endswith(".id") or path == "id" or ".evidence[" in path or path.startswith("evidence[")
        if is_id:
            if leaf not in given:
                problems.append(f"{path}: '{leaf[:40]}' is not one of the given feedback ids")
            if path.endswith(".id"):
                seen[leaf] = seen.get(leaf, 0) + 1
            continue
        found = links_in([leaf])
        if not found:
            continue
        if re.sub(r"\[\d+\]$", "", path.rsplit(".", 1)[-1]) not in REPORTING_FIELDS:
            cited = frozenset()  # who, what, why and labels never carry a link, even one the feedback holds
        if cited not in allowed:
            allowed[cited] = links_in(ctx.id_texts.get(i, "") for i in cited) | anywhere
        for url in sorted(found - allowed[cited]):
            problems.append(f"{path}: link '{url[:60]}' is not allowed; answers carry no links the cited feedback does not hold")
    if ctx.exact_ids:
        repeated = sorted(k for k, n in seen.items() if n > 1)
        missing = [i for i in ctx.item_ids if i not in seen]
        if repeated:
            problems.append(f"items: ids labelled more than once: {', '.join(repeated[:10])}")
        if missing:
            problems.append(f"items: no label for ids: {', '.join(missing[:10])}; label every block exactly once")
    return problems
