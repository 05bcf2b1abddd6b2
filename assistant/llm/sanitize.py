"""Untrusted text on its way into a prompt: redact PII again, then neutralise anything that looks like markup.

Feedback is data, never instructions. Every piece of it is wrapped in a tag the system prompt names
(`<feedback id="...">`). Escaping `&`, `<` and `>` means no data can open or close a tag of ours (or a chat
template's `<|im_start|>`), so a fake `</feedback>` in a review stays inside its own block.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from assistant.errors import LLMError
from assistant.llm.links import links_in
from assistant.models import FeedbackItem

# Cap per item so one giant paste cannot blow the context window or the bill.
MAX_ITEM_CHARS = 1200


def redact(text: str) -> str:
    """PII redaction from ingest, applied again right before a request (idempotent there)."""
    try:
        from ingest.redact import redact_text
    except ImportError:  # fail closed: without redaction nothing leaves the machine
        raise LLMError("PII redaction (ingest.redact) is not available, so no text is sent to the LLM.") from None
    return redact_text(text)


def escape(text: str) -> str:
    """Make data unable to open or close a tag: & < > become entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def untrusted(text: str, *, limit: int = MAX_ITEM_CHARS) -> str:
    """Redacted, escaped and length-capped text, safe to place between data delimiters."""
    clean = redact(text or "")
    if len(clean) > limit:
        clean = clean[:limit].rstrip() + " [...]"
    return escape(clean)


def _attr(value: str) -> str:
    return escape(value).replace('"', "&quot;")


def feedback_block(
    items: Sequence[FeedbackItem], *, ids: Sequence[str] | None = None, limit: int = MAX_ITEM_CHARS
) -> str:
    """Items as `<feedback id="...">text</feedback>` blocks in the given order (ids: short aliases to show)."""
    parts = []
    for n, item in enumerate(items):
        meta = item.metadata or {}
        attrs = f'id="{_attr(ids[n] if ids else item.id)}" kind="{_attr(item.kind)}"'
        for key in ("segment", "channel", "rating"):
            if meta.get(key) not in (None, ""):
                attrs += f' {key}="{_attr(str(redact(str(meta[key]))))}"'
        parts.append(f"<feedback {attrs}>\n{untrusted(item.text, limit=limit)}\n</feedback>")
    return "\n".join(parts)


def data_block(tag: str, text: str, *, limit: int = 4000) -> str:
    """Any other untrusted text (a need statement, a story under repair) inside its own tag."""
    return f"<{tag}>\n{untrusted(text, limit=limit)}\n</{tag}>"


def urls_in(texts: Iterable[str]) -> set[str]:
    """Every link-like token in the texts, in the normal form of `links.links_in` (any scheme, host or TLD)."""
    return links_in(texts)
