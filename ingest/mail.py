"""Email readers (.eml, .mbox): body text is the item; From -> author, Subject and Date kept as metadata."""

from __future__ import annotations

import email
import email.policy
import html
import mailbox
import re
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path
from typing import Any

from assistant.errors import IngestError
from assistant.textclean import clean_text
from ingest.records import BadRow, Parsed, RawRow

_TAG = re.compile(r"<[^>]+>")
_QUOTE_HEADER = re.compile(r"^On .{5,200} wrote:\s*$", re.MULTILINE)


def _html_to_text(markup: str) -> str:
    markup = re.sub(r"(?is)<(script|style).*?</\1>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", markup)
    return html.unescape(_TAG.sub("", markup))


def _body(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace")
    if part.get_content_type() == "text/html":
        content = _html_to_text(content)
    return content


def _strip_reply(body: str) -> str:
    """Keep what the sender wrote: drop the quoted thread and the signature (after '-- ')."""
    body = clean_text(body)
    m = _QUOTE_HEADER.search(body)
    if m:
        body = body[: m.start()]
    body = body.split("\n-- \n", 1)[0]
    lines = [ln.rstrip() for ln in body.split("\n") if not ln.startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def message_fields(msg: EmailMessage) -> dict[str, Any]:
    """Fields of one message: text, author, author_email, subject, date, id, channel."""
    fields: dict[str, Any] = {"text": _strip_reply(_body(msg)), "channel": "email"}
    addresses = getaddresses([str(msg.get("From", ""))])
    if addresses:
        name, addr = addresses[0]
        fields["author"] = name or addr
        if addr:
            fields["author_email"] = addr
    if msg.get("Subject"):
        fields["subject"] = clean_text(str(msg["Subject"])).strip()
    if msg.get("Date"):
        try:
            fields["date"] = parsedate_to_datetime(str(msg["Date"])).isoformat()
        except (TypeError, ValueError):
            fields["date"] = str(msg["Date"])
    if msg.get("Message-ID"):
        fields["id"] = str(msg["Message-ID"]).strip().strip("<>")
    return fields


def read_eml(data: bytes, *, path: str) -> Parsed:
    """One .eml file = one item (row 1)."""
    if not data.strip():
        raise IngestError("the file is empty; there is nothing to ingest.", path=path)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.keys():
        raise IngestError("this is not an email message (no headers found).", path=path)
    parsed = Parsed(reader="eml", encoding=msg.get_content_charset() or "utf-8", text_field="text")
    parsed.rows.append(RawRow(1, message_fields(msg)))  # type: ignore[arg-type]
    return parsed


def read_mbox(file: Path, *, path: str) -> Parsed:
    """An mbox mailbox: one item per message, rows numbered from 1 in mailbox order."""
    parsed = Parsed(reader="mbox", encoding=None, text_field="text")
    box = mailbox.mbox(str(file), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default))
    try:
        for n, msg in enumerate(box, start=1):
            if msg is None or not msg.keys():
                parsed.bad.append(BadRow(n, "not an email message"))
                continue
            parsed.rows.append(RawRow(n, message_fields(msg)))  # type: ignore[arg-type]
    finally:
        box.close()
    if not parsed.rows and not parsed.bad:
        raise IngestError("the mailbox holds no messages.", path=path)
    return parsed
