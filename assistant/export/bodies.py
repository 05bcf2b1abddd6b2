"""Issue bodies for the trackers: Atlassian Document Format (Jira) and Markdown (GitHub, Linear, Roundup).

Both carry the same content: the story sentence, the need, the acceptance criteria and links back to
the evidence. Text is passed as data (ADF text nodes) or escaped (Markdown), never as markup.
"""

from __future__ import annotations

from typing import Any

from assistant.export.bundle import Bundle, one_line, quote, source_label, step
from assistant.export.documents import md
from assistant.models import Story

MARKER = "backlogsmith:story:"


# --- Atlassian Document Format -------------------------------------------------------------------------
def _text(value: str, *marks: dict[str, Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": "text", "text": value or " "}  # ADF forbids empty text nodes
    if marks:
        node["marks"] = list(marks)
    return node


def _para(*inline: dict[str, Any]) -> dict[str, Any]:
    return {"type": "paragraph", "content": list(inline)}


def _heading(value: str, level: int = 3) -> dict[str, Any]:
    return {"type": "heading", "attrs": {"level": level}, "content": [_text(value)]}


def _list(kind: str, paragraphs: list[dict[str, Any]]) -> dict[str, Any]:
    node: dict[str, Any] = {"type": kind, "content": [{"type": "listItem", "content": [p]} for p in paragraphs]}
    if kind == "orderedList":
        node["attrs"] = {"order": 1}
    return node


STRONG = {"type": "strong"}


def criteria_blocks(story: Story) -> list[dict[str, Any]]:
    if not story.acceptance_criteria:
        return []
    items = [
        _para(_text("Given ", STRONG), _text(step(c.given) + " "), _text("When ", STRONG),
              _text(step(c.when) + " "), _text("Then ", STRONG), _text(step(c.then)))
        for c in story.acceptance_criteria
    ]
    return [_list("orderedList", items)]


def evidence_blocks(story: Story, bundle: Bundle) -> list[dict[str, Any]]:
    items = []
    for item in bundle.evidence(story):
        link = {"type": "link", "attrs": {"href": bundle.evidence_url(item, story)}}
        items.append(_para(_text(item.id, link), _text(f" ({source_label(item)}): \u201c{quote(item)}\u201d")))
    return [_heading("Evidence"), _list("bulletList", items)] if items else []


def adf_doc(blocks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"version": 1, "type": "doc", "content": blocks or [_para(_text(" "))]}


def story_adf(story: Story, bundle: Bundle, *, with_criteria: bool = True) -> dict[str, Any]:
    """The Jira description: story sentence, need, (criteria), evidence links."""
    blocks = [_para(_text(one_line(story.text)))]
    need = bundle.need(story)
    if need:
        blocks.append(_para(_text("Need: ", STRONG), _text(f"{one_line(need.name)}: {one_line(need.statement)}")))
    if with_criteria and story.acceptance_criteria:
        blocks += [_heading("Acceptance criteria"), *criteria_blocks(story)]
    blocks += evidence_blocks(story, bundle)
    blocks.append(_para(_text(f"{MARKER}{story.id}", {"type": "code"})))
    return adf_doc(blocks)


def criteria_adf(story: Story) -> dict[str, Any]:
    """Acceptance criteria alone, for a rich-text custom field."""
    return adf_doc(criteria_blocks(story))


def need_adf(statement: str) -> dict[str, Any]:
    return adf_doc([_para(_text(one_line(statement)))])


# --- Markdown ---------------------------------------------------------------------------------------------
def story_markdown(story: Story, bundle: Bundle, *, checklist: bool = True) -> str:
    """GitHub/Linear/Roundup body; a hidden marker ties the issue to the story id."""
    lines = [md(story.text), ""]
    need = bundle.need(story)
    if need:
        lines += [f"**Need:** {md(need.name)}: {md(need.statement)}", ""]
    if story.acceptance_criteria:
        lines += ["### Acceptance criteria", ""]
        bullet = "- [ ]" if checklist else "1."
        for c in story.acceptance_criteria:
            lines.append(f"{bullet} **Given** {md(step(c.given))} **When** {md(step(c.when))} **Then** {md(step(c.then))}")
        lines.append("")
    evidence = bundle.evidence(story)
    if evidence:
        lines += ["### Evidence", ""]
        for item in evidence:
            lines.append(f"- [{md(item.id)}]({bundle.evidence_url(item, story)}) ({md(source_label(item))}): "
                         f"\u201c{md(quote(item))}\u201d")
        lines.append("")
    facts = [f"points: {story.points}" if story.points is not None else "", f"story: `{story.id}`"]
    lines.append(" · ".join(f for f in facts if f))
    lines.append(f"<!-- {MARKER}{story.id} -->")
    return "\n".join(lines) + "\n"
