"""Links and markup in untrusted text (model output above all): found in every form, compared in one normal form.

A model (or feedback that steers it) can smuggle a link in many shapes: any scheme (`https:`, `hxxps:`,
`javascript:`, `data:`), protocol-relative `//host`, a bare `host.tld/path` with any top-level domain, an IP
with a port, defanged `evil[.]com`, an internationalised (or punycode) host. There is no list of top-level
domains here on purpose: any dotted token whose last label is a word is treated as a host. File names such as
`report.pdf` look the same; they are only accepted when the cited feedback says them too, which is the rule for
every link (see `contracts.check_against_input`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

# Dots written another way: defanged forms and the Unicode full stops some hosts accept.
_DEFANGED_DOT = re.compile(r"\s?(?:\[\s*(?:\.|dot)\s*\]|\(\s*(?:\.|dot)\s*\)|\{\s*(?:\.|dot)\s*\})\s?", re.I)
_UNICODE_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})
_DEFANGED_SCHEME = re.compile(r"\bh(?:xx|\*\*|XX)p(s?)(\[?:\]?)", re.I)
_DEFANGED_COLON = re.compile(r"\[:\]")
_LABEL = r"[^\W_](?:[\w-]{0,62}[^\W_])?"  # a DNS label, Unicode letters allowed (IDN)
_TOP = r"(?:xn--[a-z0-9-]{2,59}|[^\W\d_]{2,63})"  # the last label is a word (or punycode), never digits
_PATH = r"(?::\d{1,5})?(?:[/?#][^\s<>\"'`]*)?"
LINK_RE = re.compile(
    "|".join((
        r"(?<![\w.-])[a-z][a-z0-9+.-]{1,20}://[^\s<>\"'`]+",  # any scheme with an authority
        r"(?<![\w:/])//" + _LABEL + r"(?:\." + _LABEL + r")*" + _PATH,  # protocol-relative
        r"(?<![\w-])(?:javascript|vbscript|data|file|blob|mailto|tel|sms|intent|about)\s*:[^\s<>\"'`]*",  # no authority
        r"(?<![\w.-])(?:\d{1,3}\.){3}\d{1,3}" + _PATH,  # IPv4, with port and path
        r"(?<![\w.-])(?:" + _LABEL + r"\.)+" + _TOP + r"\.?(?![\w-])" + _PATH,  # host.tld, any TLD, IDN
        r"(?<![\w.-])[a-z][a-z0-9-]*:\d{2,5}(?:/[^\s<>\"'`]*)?",  # bare host:port (localhost:8080/x)
    )),
    re.I,
)
_TRAILING = ".,;:!?)]}'\""

_TAG = re.compile(r"<\s*/?\s*[a-z!?][^<>]*>", re.I)
_SCRIPTISH = re.compile(r"<\s*(script|style|iframe|object|embed|svg|math|template)\b.*?(?:<\s*/\s*\1\s*>|$)", re.I | re.S)
_MD_LINK = re.compile(r"!?\[([^\]\n]{0,300})\]\([^)\n]*\)")
_TAG_START = re.compile(r"<(?=\s*[a-z/!?])", re.I)  # a "<" that could open a tag; "< 100" and "->" stay


def defang_normal(text: str) -> str:
    """Text with defanged and look-alike forms turned back into what they stand for (hxxp -> http, [.] -> .)."""
    text = unicodedata.normalize("NFKC", text or "").translate(_UNICODE_DOTS)
    text = _DEFANGED_DOT.sub(".", text)
    text = _DEFANGED_SCHEME.sub(lambda m: f"http{m.group(1)}:", text)
    return _DEFANGED_COLON.sub(":", text)


def _normal(link: str) -> str:
    link = link.strip().rstrip(_TRAILING).lower()
    link = re.sub(r"^[a-z][a-z0-9+.-]*://", "", link)  # the same place over any scheme is the same link
    link = link.lstrip("/")
    return link[4:] if link.startswith("www.") else link


def links_in(texts: Iterable[str]) -> set[str]:
    """Every link-like token in the texts, in one normal form (lower case, no scheme, no trailing punctuation)."""
    found: set[str] = set()
    for text in texts:
        for match in LINK_RE.finditer(defang_normal(html.unescape(text or ""))):
            norm = _normal(match.group(0))
            if norm:
                found.add(norm)
    return found


def inert(text: str) -> str:
    """Model text with markup removed: HTML tags (and script/style bodies), markdown links/images, a "<" that
    could still open a tag. Comparisons such as "< 100 rows" keep their meaning.

    Entity-encoded markup (&lt;script&gt;) is decoded first so it cannot come back to life in a later render."""
    out = text or ""
    for _ in range(3):  # nested or entity-encoded markup: repeat until nothing changes
        before = out
        out = html.unescape(out)
        out = _SCRIPTISH.sub(" ", out)
        out = _TAG.sub(" ", out)
        out = _MD_LINK.sub(r"\1", out)
        if out == before:
            break
    out = _TAG_START.sub(" ", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()
