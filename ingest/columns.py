"""Column mapping: which field is the text, canonical metadata keys, and feedback vs stakeholder ask.

Kind rule (documented for the PO): an item is a `stakeholder_ask` when
  1. `--kind` says so for the whole source, or
  2. a kind/type column says so (stakeholder, stakeholder_ask, ask, internal request, ...), or
  3. the author's role / department / team is internal: sales, account management, customer success,
     support agents, leadership (CEO, CTO, VP, head of, director, founder, exec), or
  4. the channel is an internal one (sales call, internal, leadership, exec, QBR, stakeholder, slack-internal).
A channel of "support" alone is NOT a stakeholder ask: a support ticket is the customer's own voice.
Everything else is `feedback`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.textclean import clean_text
from ingest.encoding import bad_bytes
from ingest.records import BadRow, Parsed

TEXT_COLUMNS = (
    "text", "review", "review_text", "content", "comment", "comments", "feedback", "body", "message",
    "description", "details", "ask", "request", "verbatim", "response", "answer", "note", "notes", "summary",
)

# canonical key -> accepted column names (normalised: lower case, non-alphanumerics -> "_")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "review_id", "ticket_id", "item_id", "feedback_id", "uid", "key", "ticket", "issue_key", "message_id"),
    "author": ("author", "user", "username", "user_name", "name", "reviewer", "customer", "customer_name",
               "submitted_by", "reporter", "requester", "requested_by", "from", "contact", "email", "author_email"),
    "segment": ("segment", "plan", "tier", "subscription", "customer_segment", "account_type", "package", "pricing_plan"),
    "channel": ("channel", "source", "platform", "store", "origin", "via", "medium"),
    "date": ("date", "created", "created_at", "timestamp", "time", "submitted_at", "review_date", "datetime",
             "submitted", "received", "received_at", "updated_at"),
    "rating": ("rating", "stars", "score", "star_rating", "review_rating", "nps", "csat"),
    "kind": ("kind", "type", "item_type", "feedback_type", "record_type"),
    "role": ("role", "author_role", "requester_role", "department", "team", "function", "title_role"),
    "subject": ("subject", "title", "headline"),
    "account": ("account", "company", "client", "organisation", "organization", "org"),
}
_CANONICAL = {alias: key for key, aliases in SYNONYMS.items() for alias in aliases}

_STAKEHOLDER_KIND = re.compile(r"stakeholder|^ask$|internal[ _-]?request|sales[ _-]?request|exec[ _-]?request", re.I)
_INTERNAL_ROLE = re.compile(
    r"\b(sales|account (?:exec|executive|manager)|\bae\b|csm|customer success|success manager|support (?:agent|lead|"
    r"engineer|manager|team)|^support$|leadership|ceo|cto|cpo|coo|cfo|vp|vice president|head of|director|founder|"
    r"exec|executive|product marketing|solutions? (?:engineer|consultant))\b",
    re.I,
)
_INTERNAL_CHANNEL = re.compile(r"sales|internal|leadership|exec|qbr|stakeholder|board|slack[-_ ]internal", re.I)
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%b %d, %Y", "%d %b %Y", "%B %d, %Y")


@functools.lru_cache(maxsize=4096)
def normalise_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


def detect_text_column(parsed: Parsed) -> str | None:
    """The text field: a well-known name first, else the string column with the longest average length."""
    rows = [r for r in parsed.rows if not r.bare] or parsed.rows
    columns: list[str] = list(parsed.columns)
    for r in rows[:200]:
        columns.extend(k for k in r.fields if k not in columns)
    by_norm = {normalise_key(c): c for c in columns}
    for name in TEXT_COLUMNS:
        if name in by_norm:
            return by_norm[name]
    best, best_len = None, 0.0
    sample = rows[:500]
    for col in columns:
        values = [r.fields.get(col) for r in sample]
        strings = [v for v in values if isinstance(v, str) and v.strip()]
        if not strings or len(strings) < 0.5 * len(values):
            continue
        if sum(_number(v) is not None for v in strings) > 0.5 * len(strings):
            continue
        avg = sum(len(v) for v in strings) / len(strings)
        if avg > best_len:
            best, best_len = col, avg
    return best


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    s = value.strip()
    if s and set(s) <= {"★", "☆", " "}:
        return float(s.count("★"))
    m = re.fullmatch(r"(-?\d+(?:[.,]\d+)?)\s*(?:/\s*\d+|stars?|out of \d+)?", s, re.I)
    return float(m.group(1).replace(",", ".")) if m else None


def parse_rating(value: Any) -> float | int | None:
    """A rating as a number: 4, "4", "4.0", "4/5", "4 stars", "★★★★☆" -> 4."""
    n = _number(value)
    if n is None:
        return None
    return int(n) if n.is_integer() else n


def parse_date(value: Any) -> str | None:
    """An ISO date/datetime string for the usual formats; None when it does not look like a date."""
    if isinstance(value, datetime):
        return value.isoformat()
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    try:
        parsed = datetime.fromisoformat(s.replace("Z", "+00:00"))
        return parsed.date().isoformat() if len(s) <= 10 else parsed.isoformat()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass
class MappedItem:
    row: int
    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    source_id: str | None = None
    kind: str = "feedback"


def _metadata(fields: dict[str, Any], text_field: str) -> tuple[dict[str, Any], str | None]:
    meta: dict[str, Any] = {}
    source_id: str | None = None
    for raw_key, value in fields.items():
        if raw_key == text_field or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = clean_text(value).strip()
        canonical = _CANONICAL.get(normalise_key(raw_key))
        if canonical == "id" and source_id is None:
            source_id = str(value)
            continue
        if canonical and canonical not in meta:
            if canonical == "rating":
                number = parse_rating(value)
                meta["rating"] = number if number is not None else value
            elif canonical == "date":
                meta["date"] = parse_date(value) or value
            elif canonical in ("segment", "channel") and isinstance(value, str):
                meta[canonical] = value.lower()
            else:
                meta[canonical] = value
        else:
            meta[raw_key if raw_key not in meta else f"{raw_key}_2"] = value
    return meta, source_id


def item_kind(meta: dict[str, Any], forced: str | None = None) -> str:
    """feedback or stakeholder_ask, by the rule in this module's docstring."""
    if forced:
        return forced
    if _STAKEHOLDER_KIND.search(str(meta.get("kind", ""))):
        return "stakeholder_ask"
    if meta.get("role") and _INTERNAL_ROLE.search(str(meta["role"])):
        return "stakeholder_ask"
    if meta.get("channel") and _INTERNAL_CHANNEL.search(str(meta["channel"])):
        return "stakeholder_ask"
    return "feedback"


def map_rows(
    parsed: Parsed, *, text_column: str | None, max_chars: int, kind: str | None
) -> tuple[list[MappedItem], list[BadRow], int, str | None]:
    """Rows -> items. Returns (items, bad rows, rows skipped for having no text, text field used)."""
    text_field = parsed.text_field
    damaged_header = next((bad_bytes(c) for c in parsed.columns if bad_bytes(c)), None)
    if damaged_header:
        return [], [BadRow(0, f"the header row {damaged_header}")], 0, None
    if text_column:
        available = set(parsed.columns) | {k for r in parsed.rows[:200] for k in r.fields}
        if text_column not in available:
            matches = [c for c in available if normalise_key(c) == normalise_key(text_column)]
            if not matches:
                return [], [BadRow(0, f"has no column {text_column!r} (columns: {', '.join(sorted(available))})")], 0, None
            text_column = matches[0]
        text_field = text_column
    elif text_field is None:
        text_field = detect_text_column(parsed)
        if text_field is None:
            return [], [BadRow(0, "no text column found; name it with --text-column")], 0, None
    items: list[MappedItem] = []
    bad: list[BadRow] = []
    empty = 0
    for raw in parsed.rows:
        damaged = next((why for k, v in raw.fields.items() for why in (bad_bytes(f"{k}{v}"),) if why), None)
        if damaged:
            bad.append(BadRow(raw.row, damaged))
            continue
        too_long = [k for k, v in raw.fields.items() if isinstance(v, str) and len(v) > max_chars]
        if too_long:
            bad.append(BadRow(raw.row, f"field {too_long[0]!r} is longer than {max_chars} characters"))
            continue
        value = raw.fields["text"] if raw.bare else raw.fields.get(text_field)
        text = clean_text(value if isinstance(value, str) else "" if value is None else str(value)).strip()
        if not text:
            empty += 1
            continue
        meta, source_id = _metadata({} if raw.bare else raw.fields, text_field)
        items.append(MappedItem(raw.row, text, meta, source_id, item_kind(meta, kind)))
    return items, bad, empty, text_field
