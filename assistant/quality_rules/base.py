"""Shared helpers for the rule modules: building findings and re-assembling a story from its parts."""

from __future__ import annotations

import re

from assistant.models import QualityFinding, Severity
from assistant.storytext import StoryParts, article_for

_UNSET = object()


def means_prefix(parts: StoryParts) -> str:
    """The text the means is parsed after: one fixed frame, so the parser sees every story the same way."""
    return "I want to " if (parts.means_indicator or "").lower().endswith("to") else "I want "


def finding(criterion: str, severity: Severity, message: str, fix: str | None = None) -> QualityFinding:
    """One finding; the fix is a text the PO can paste (or None when no safe rewrite exists)."""
    return QualityFinding(criterion=criterion, severity=severity, message=message, fix=fix)


def tidy(text: str) -> str:
    """Collapse the whitespace and punctuation left behind when a phrase is cut out."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,+", ",", text)
    text = re.sub(r"\(\s*\)", "", text)
    return text.strip(" ,;")


def rebuild(parts: StoryParts, *, role: object = _UNSET, means: object = _UNSET, ends: object = _UNSET) -> str:
    """The story with some parts replaced, keeping the author's own indicator words ('I'd like to', 'so')."""
    role_v = parts.role if role is _UNSET else role
    means_v = parts.means if means is _UNSET else means
    ends_v = parts.ends if ends is _UNSET else ends
    out = ""
    if role_v:
        ind = parts.role_indicator or "As a"
        if ind.lower() in ("as a", "as an"):
            ind = f"{ind[:2]} {article_for(str(role_v))}"
        out = f"{ind} {role_v}, "
    out += f"{parts.means_indicator or 'I want to'} {means_v or ''}".rstrip()
    if ends_v:
        ends_ind = parts.ends_indicator or "so that"
        out += f", {ends_ind} {ends_v}"
    out = re.sub(r"\b([Aa]n?)\s+(?=([A-Za-z][\w-]*))",
                 lambda m: (article_for(m.group(2)) if m.group(1).islower() else article_for(m.group(2)).capitalize())
                 + " ", tidy(out))
    return out + "." if out and out[-1] not in ".!?" else out
