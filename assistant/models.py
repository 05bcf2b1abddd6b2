"""Domain contracts shared by every step. Field descriptions double as the schema text an LLM sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ItemKind = Literal["feedback", "stakeholder_ask"]
ItemType = Literal["bug", "feature_request", "question", "praise", "complaint", "experience", "other"]
SentimentLabel = Literal["negative", "neutral", "positive"]
UrgencyLabel = Literal["low", "medium", "high"]
StoryStatus = Literal["draft", "approved", "rejected", "exported"]
StoryKind = Literal["story", "to_write"]
# How a benefit placeholder starts ("[benefit to write: the feedback states no reason; why ...?]"): shown where the
# evidence states no reason; a story carrying it is never Ready (the PO writes the why).
BENEFIT_TO_WRITE = "[benefit to write: the feedback states no reason"
Severity = Literal["info", "warning", "error"]


class Contract(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SourceRef(Contract):
    """Where an item came from, so every story can point back to the exact row."""

    path: str = Field(description="File name (or 'paste') the item was read from.")
    row: int = Field(ge=1, description="1-based data row (header excluded), line or paragraph number.")
    id: str | None = Field(None, description="The source file's own id for the row, when it has one.")


class Sentiment(Contract):
    label: SentimentLabel
    score: float = Field(ge=-1.0, le=1.0, description="-1 very negative .. +1 very positive.")


class Urgency(Contract):
    label: UrgencyLabel
    reason: str = Field("", description="Why, e.g. 'data loss', 'payment', 'security', 'churn threat'.")


class Triage(Contract):
    """Labels for one feedback item."""

    type: ItemType
    sentiment: Sentiment
    urgency: Urgency
    engine: str = Field("offline", description="Which engine produced the labels (offline or a model name).")
    flag: str | None = Field(None, description="Why a model's label was not kept (its own words contradict it).")


class FeedbackItem(Contract):
    """One piece of raw feedback or stakeholder ask, stored losslessly (text redacted unless configured)."""

    id: str
    text: str = Field(description="The feedback text, PII-redacted.")
    kind: ItemKind = "feedback"
    source: SourceRef
    metadata: dict[str, Any] = Field(default_factory=dict, description="author, segment, channel, date, rating, ...")
    duplicate_of: str | None = None
    triage: Triage | None = None
    need_id: str | None = None
    created_at: datetime | None = None


class NeedCounts(Contract):
    total: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    by_segment: dict[str, int] = Field(default_factory=dict)
    by_channel: dict[str, int] = Field(default_factory=dict)
    by_sentiment: dict[str, int] = Field(default_factory=dict)
    by_kind: dict[str, int] = Field(default_factory=dict)
    first_date: str | None = None
    last_date: str | None = None


class Need(Contract):
    """The underlying problem a group of items share. The id is stable across re-clustering."""

    id: str
    name: str = Field(description="Short keyphrase name.")
    statement: str = Field(description="One problem-oriented sentence: the why, not the requested solution.")
    item_ids: list[str] = Field(default_factory=list)
    quotes: list[str] = Field(default_factory=list, description="Ids of the most representative items.")
    counts: NeedCounts = Field(default_factory=NeedCounts)
    name_edited: bool = False
    loose: list[str] = Field(default_factory=list, description="Ids of items near the need that are not evidence of "
                             "it (not counted, quoted or cited), closest first.")
    set_aside: dict[str, str] = Field(default_factory=dict, description="Of the loosely related, those the model "
                                      "judged not to be evidence of the need, with its reason (LLM path).")


class Provenance(Contract):
    """Which prompt (name, version) and model produced an artifact."""

    engine: str = "offline"
    prompt: str | None = None
    prompt_version: str | None = None
    model: str | None = None


class Criterion(Contract):
    """One Given/When/Then acceptance criterion, citing the feedback it rests on."""

    given: str
    when: str
    then: str
    evidence: list[str] = Field(default_factory=list, description="Feedback item ids this criterion rests on.")


class QualityFinding(Contract):
    """A Quality User Story (or testability) defect with a fix the PO can apply."""

    criterion: str
    severity: Severity
    message: str
    fix: str | None = None


class StoryValue(Contract):
    """Value and priority inputs, always shown so the PO can defend the order."""

    score: float = 0.0
    inputs: dict[str, Any] = Field(default_factory=dict)
    moscow: Literal["must", "should", "could", "wont"] | None = None
    rice: float | None = None
    wsjf: float | None = None
    value_per_point: float | None = None


class NeedBrief(Contract):
    """What the PO needs to write a story the engine could not: the need in the customers' words."""

    statement: str = ""
    quotes: list[str] = Field(default_factory=list, description="Ids of the most representative items.")
    counts: dict[str, Any] = Field(default_factory=dict, description="items, by type, by segment, ...")
    asked_by: list[str] = Field(default_factory=list, description="Who asked: roles, segments, stakeholders.")


class Story(Contract):
    """A user story: 'As a <role>, I want <goal>, so that <benefit>'.

    kind "to_write": the engine found no clean goal in the evidence; the goal is empty, `brief` holds the need
    brief, and the PO writes the story. Such a story is never Ready and never exported as a story.
    """

    id: str
    need_id: str | None = None
    kind: StoryKind = "story"
    brief: NeedBrief | None = None
    role: str = Field(description="Who benefits, from the evidence (segment, persona), e.g. 'finance admin'.")
    goal: str = Field(description="What they want to do, starting with 'to', e.g. 'to save my card for later purchases'.")
    benefit: str = Field(description="Why: the need behind it, e.g. 'I can check out in one step'.")
    acceptance_criteria: list[Criterion] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    status: StoryStatus = "draft"
    points: int | None = Field(None, description="The team's estimate; only a PO or the team sets it.")
    points_suggested: int | None = Field(None, description="The engine's suggestion, shown as such, never an estimate.")
    priority: str | None = None
    value: StoryValue = Field(default_factory=StoryValue)
    quality: list[QualityFinding] = Field(default_factory=list)
    ready: bool = False
    version: int = 1
    provenance: Provenance = Field(default_factory=Provenance)

    @property
    def text(self) -> str:
        if self.kind == "to_write":
            return f"Story to write: {self.brief.statement if self.brief and self.brief.statement else self.need_id}"
        from assistant.storytext import article_for  # by sound: "a user", "an admin"

        return f"As {article_for(self.role)} {self.role}, I want {self.goal}, so that {self.benefit}."
