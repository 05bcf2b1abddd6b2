"""What the engine could not write, handed to the PO: the need brief (a story to write) and the benefit placeholder.

Both keep a story out of Ready with a finding in plain words, whatever the lint says, because the engine
would otherwise have to invent the missing part.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assistant.models import BENEFIT_TO_WRITE, FeedbackItem, Need, NeedBrief, QualityFinding, Story

MAX_QUOTES = 3
_WHO_KEYS = ("persona", "role", "author_role", "segment", "plan", "tier", "customer_segment", "account_type",
             "stakeholder", "requester", "team", "department", "channel")

TO_WRITE = QualityFinding(
    criterion="story_to_write", severity="error",
    message="The feedback of this need states no goal the engine could write cleanly; the brief holds what it says.",
    fix="Write the role, goal and benefit from the need brief, then add criteria from the quoted feedback.",
)
BENEFIT_MISSING = QualityFinding(
    criterion="benefit_missing", severity="error",
    message="None of the cited feedback says why; the benefit is a placeholder, not a reason.",
    fix="Write the benefit (the reason customers would give), or ask them why.",
)


def need_brief(need: Need, items: Sequence[FeedbackItem]) -> NeedBrief:
    """Statement, the need's quotes, counts and who asked (metadata values and stakeholder asks), from the data."""
    member = {i.id for i in items}
    quotes = [q for q in need.quotes if q in member][:MAX_QUOTES] or sorted(member)[:MAX_QUOTES]
    who: Counter[str] = Counter()
    for item in items:
        for key in _WHO_KEYS:
            value = item.metadata.get(key)
            if isinstance(value, str) and 1 < len(value.strip()) <= 40:
                who[f"{key}: {value.strip()}"] += 1
                break
    types = Counter(i.triage.type for i in items if i.triage)
    counts = {"items": len(items), "by_type": dict(types.most_common()),
              "stakeholder_asks": sum(1 for i in items if i.kind == "stakeholder_ask")}
    asked_by = [f"{w} ({n})" for w, n in sorted(who.items(), key=lambda kv: (-kv[1], kv[0]))[:5]]
    return NeedBrief(statement=need.statement or need.name, quotes=quotes, counts=counts, asked_by=asked_by)


def settle(story: Story, dor: Sequence[str] | None, team_points: int | None = None) -> Story:
    """After lint: the engine's points become a suggestion (`points` is the team's estimate), Ready is evaluated
    again, and what the engine could not write holds the story out of Ready."""
    from assistant.readiness import evaluate_ready
    from assistant.value import estimate_points

    suggested = story.points_suggested
    if story.kind == "to_write":
        suggested = None
    elif suggested is None:
        suggested = story.points if story.points and story.points != team_points else estimate_points(story)[0]
    story = story.model_copy(update={"points": team_points, "points_suggested": suggested})
    story = story.model_copy(update={"ready": evaluate_ready(story, dor)[0]})
    return hold_unwritten(story)


def hold_unwritten(story: Story) -> Story:
    """Add the finding for a story to write or a placeholder benefit, and keep it out of Ready."""
    finding = TO_WRITE if story.kind == "to_write" else BENEFIT_MISSING if story.benefit.startswith(BENEFIT_TO_WRITE) else None
    if finding is None:
        return story
    # A story to write has no goal yet: lint findings on its placeholder text ("As a <role>, I want to story to
    # write: …") would hand the PO a garbled fix; the one finding says what to do.
    kept = [] if story.kind == "to_write" else [f for f in story.quality if f.criterion != finding.criterion]
    quality = kept + [finding]
    return story.model_copy(update={"quality": quality, "ready": False})


def points_label(story: Story) -> str:
    """The team's estimate, or the engine's suggestion marked as such ('3 (suggested)')."""
    if story.points:
        return str(story.points)
    return f"{story.points_suggested} (suggested)" if story.points_suggested else ""


def brief_line(story: Story) -> str:
    """One line of the need brief of a story to write: counts, who asked, quoted item ids."""
    b = story.brief
    if b is None:
        return ""
    types = ", ".join(f"{k} {v}" for k, v in b.counts.get("by_type", {}).items())
    asked = f"; asked by {', '.join(b.asked_by)}" if b.asked_by else ""
    return f"{b.counts.get('items', 0)} items ({types}){asked}; quotes: {', '.join(b.quotes)}"


def display_text(story: Story) -> str:
    """The story as a list shows it; a story to write says so and carries its brief."""
    if story.kind == "to_write":
        return f"{story.text} (goal left for the PO) — {brief_line(story)}"
    return story.text
