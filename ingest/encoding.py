"""Bytes -> text: BOMs first, then strict UTF-8, then charset-normalizer; binary files are refused.

Stored text never carries a BOM or mojibake, and control characters (other than tab and newline) are dropped.
Bytes that are not text — invalid UTF-8 inside a UTF-8 file, a NUL byte past the first 8 KB that `is_binary`
samples — are never guessed at or dropped: they decode to marker characters (lone surrogates, which no real
text contains) and `bad_bytes` turns the row that holds them into a bad row naming that row.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from assistant.errors import IngestError
from assistant.textclean import clean_text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# Characters cp1252 produces for real Western text: Latin-1 letters and signs plus the 0x80-0x9f punctuation.
_WESTERN = set(chr(c) for c in range(0xA0, 0x100)) | set("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ")


def _looks_utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zeros = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zeros > 0.3 and even_zeros < 0.05:
        return "utf-16-le"
    if even_zeros > 0.3 and odd_zeros < 0.05:
        return "utf-16-be"
    return None


def is_binary(data: bytes) -> bool:
    """True for files that are not text in any encoding we read (images, zips, spreadsheets, executables)."""
    sample = data[:8192]
    if any(sample.startswith(bom) for bom, _ in _BOMS) or _looks_utf16_without_bom(data):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls > max(2, len(sample) // 100)


NUL_MARK = "\udc00"  # a NUL byte; surrogateescape gives \udc80-\udcff for invalid bytes
_MARKS = re.compile("[\udc00-\udcff]")
# A lead byte followed by a continuation byte that still failed to decode: damaged UTF-8, not cp1252 prose.
_BROKEN_UTF8 = re.compile(rb"[\xc2-\xf4][\x80-\xbf]|[\xfe\xff]|[\x81\x8d\x8f\x90\x9d]")


def bad_bytes(value: str) -> str | None:
    """Why a decoded value cannot be stored as text (None when it can)."""
    found = _MARKS.search(value)
    if not found:
        return None
    if found.group() == NUL_MARK:
        return "holds a NUL byte (binary data inside a text file?)"
    return "holds bytes that are not valid UTF-8 (a damaged file, or text pasted in another encoding)"


def _finish(text: str) -> str:
    return clean_text(text.replace("\x00", NUL_MARK) if "\x00" in text else text)


def _text(data: bytes, encoding: str) -> str:
    return _finish(data.decode(encoding))


def decode_bytes(data: bytes, path: str) -> tuple[str, str]:
    """Decode a file's bytes; returns (text, encoding name). Raises IngestError naming the file."""
    if not data.strip():
        raise IngestError("the file is empty; there is nothing to ingest.", path=path)
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return _finish(data.decode(name)), name
            except UnicodeDecodeError:
                raise IngestError(f"the file starts with a {name} byte-order mark but is not valid {name}.", path=path) from None
    utf16 = _looks_utf16_without_bom(data)
    if utf16:
        try:
            return _finish(data.decode(utf16)), utf16
        except UnicodeDecodeError:
            pass
    if is_binary(data):
        raise IngestError("this looks like a binary file, not text; export it as CSV, JSON or plain text first.", path=path)
    try:
        data.decode("utf-8")
        return _text(data, "utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    ascii_share = sum(1 for b in data if b < 0x80) / len(data)
    if ascii_share > 0.5 and _UTF8_MULTIBYTE.search(data):
        # Valid UTF-8 sequences next to invalid bytes: files glued together from several sources
        # (UTF-8 lines next to cp1252 lines) are decoded line by line; damaged UTF-8 is marked, never guessed.
        return _mixed_decode(data)
    western = _western_single_byte(data)
    if western is not None:
        return _finish(western), "cp1252"
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError("cannot detect the text encoding; save the file as UTF-8 and try again.", path=path)
    try:
        return _finish(data.decode(best.encoding)), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise IngestError("cannot detect the text encoding; save the file as UTF-8 and try again.", path=path) from None


def _western_single_byte(data: bytes) -> str | None:
    """cp1252 text when the bytes read as mostly-ASCII Western text (statistical detectors guess wildly on
    short files with a handful of curly quotes, e.g. big5 for a cp1252 apostrophe)."""
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    non_ascii = [c for c in text if ord(c) > 127]
    if len(non_ascii) > 0.3 * len(text) or not all(c in _WESTERN for c in non_ascii):
        return None
    return text


def _mixed_decode(data: bytes) -> tuple[str, str]:
    lines, cp1252 = [], False
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        western = None if _BROKEN_UTF8.search(line) else line.decode("cp1252", errors="replace")
        if western is not None and all(c in _WESTERN for c in western if ord(c) > 127):
            lines.append(western)
            cp1252 = True
        else:
            lines.append(line.decode("utf-8", errors="surrogateescape"))
    text = "\n".join(lines)
    return _finish(text), "utf-8+cp1252" if cp1252 else "utf-8"
