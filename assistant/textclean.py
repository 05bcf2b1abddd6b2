"""Control characters out of untrusted text: one rule for ingested feedback, PO edits and tracker payloads."""

from __future__ import annotations

import re

# C0/C1 control characters except tab and newline (plus zero-width space and BOM): they carry no meaning in
# feedback, names or reasons, yet an ESC can restyle a terminal and a NUL breaks a tracker's title field.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")


def clean_text(text: str) -> str:
    """Normalise newlines (CRLF/CR -> LF) and drop control characters other than newline and tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return CONTROL.sub("", text)
