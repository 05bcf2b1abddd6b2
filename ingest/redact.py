"""PII redaction: typed placeholders for emails, phones, cards, IBANs, IPs, secrets, names, addresses and device ids.

Applied to every text and metadata value before it is embedded, stored, shown, sent to an LLM or exported.
Idempotent: placeholders contain no digits or '@', so a second pass finds nothing new.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import phonenumbers

from ingest.redact_prose import NAME_TOKEN, card_or_imei, sub_addresses, sub_device_ids, sub_labelled_names, sub_passwords

EMAIL, PHONE, CARD, IBAN, IP, SECRET, NAME = "[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]", "[IP]", "[SECRET]", "[NAME]"

# Regions tried for numbers written without a country code; a number written with +CC matches in any of them.
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN")

_EMAIL_RE = re.compile(r"(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# Secrets: ordered from most to least specific. Groups named `keep` survive (the label, not the value).
_SECRET_RES = [
    # token-like URL query parameters: ?token=..., &api_key=..., &sig=...
    re.compile(
        r"(?P<keep>[?&#](?:access_token|refresh_token|id_token|token|api_key|apikey|key|secret|client_secret|"
        r"password|passwd|pwd|auth|sig|signature|code|session|sessionid|session_id|X-Amz-Signature)=)[^&\s#\"'<>]+",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<keep>\bbearer\s+)[A-Za-z0-9\-._~+/]{12,}=*", re.IGNORECASE),
    re.compile(r"\b(?:sk|pk|rk)[-_](?:proj[-_]|live[-_]|test[-_]|ant[-_])?[A-Za-z0-9_\-]{16,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
    re.compile(r"\bgithub_pat_[A-Za-z0-9_]{20,}\b"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    re.compile(r"\bAIza[0-9A-Za-z\-_]{35}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
    re.compile(
        r"(?P<keep>\b(?:password|passwd|pwd|api[_-]?key|secret|access[_-]?token|auth[_-]?token|token)\s*[:=]\s*)"
        # the value must look like a secret (a digit or symbol, or long), so "token: expired" stays prose
        r"(?!\[SECRET\])(?:(?=[^\s,;\"']*[\d!@#$%^&*+/_-])[^\s,;\"']{4,}|[^\s,;\"']{12,})",
        re.IGNORECASE,
    ),
    re.compile(r"(?<![A-Za-z0-9])[0-9a-fA-F]{32,}(?![A-Za-z0-9])"),  # long hex (API keys, session ids)
]
# Long base64-ish strings count as secrets only when they mix upper case, lower case and digits.
_B64_RE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{32,}={0,2}(?![A-Za-z0-9+/_-])")

_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b")
# Cards are written contiguous or in the usual groups (4-4-4-4, 4-6-5); dates and order ids are not.
_CARD_RE = re.compile(
    r"(?<![\d-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,4}(?:\1\d{1,3})?|\d{4}([ -])\d{6}\2\d{4,5})(?![\d-])"
)
_IPV4_RE = re.compile(r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\w.])")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_VERSION_BEFORE = re.compile(r"\b(?:v|version|release|build|ver\.?)\s*$", re.IGNORECASE)  # not "server"
# A dotted quad is a version, not an address, when the clause before it talks about versions and nothing right
# before it talks about networks: "Upgrade Jackson databind in branch-2.10 to 2.9.10.8".
_VERSION_CLAUSE = re.compile(r"(?i:\b(?:versions?|ver|release[ds]?|build|patch(?:ed)?|update[ds]?|updating|upgrade[ds]?|"
                             r"upgrading|downgrade[ds]?|bump(?:ed)?|firmware|sdk|librar(?:y|ies)|package|dependency|"
                             r"branch|jar|maven|gradle|npm|pip|changelog)\b)")
_NETWORK_BEFORE = re.compile(r"(?i:\b(?:ip|ips|address|addr|host|server|from|login|logged|connect(?:ed|ing)?|ping|proxy|"
                             r"vpn|dns|gateway|network|firewall|blocked|allowlist|whitelist|subnet|router)\b)[^.!?\n]{0,12}$")
# Words that make a digit run an identifier rather than a phone number.
_NOT_PHONE_BEFORE = re.compile(
    r"(?:order|invoice|ticket|ref|reference|case|account|acct|id|no\.?|number|#|po|receipt|txn|transaction)"
    r"\s*[:#]?\s*$",
    re.IGNORECASE,
)
_PHONE_CONTEXT = re.compile(r"(?:phone|tel|call|mobile|cell|whatsapp|text me|sms|fax|reach me|contact)", re.IGNORECASE)
_DIGITS = re.compile(r"\d")
# Cheap pre-check: a run of 7+ digits with phone separators; the (slow) matcher runs only when one exists.
_PHONE_CANDIDATE = re.compile(r"\d(?:[\s().-]{0,3}\d){6,}")
_DATE_LIKE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")


# Person names. A named-entity model was tried and rejected: on app reviews it tags "Evernote", "Dropbox" and
# "Great App" as people, and redacting those would destroy the evidence. Names are redacted where the words around
# them say a person is meant: greetings and sign-offs, self-introductions, "my accountant Maria", "spoke to Tom",
# "Mike from support". A capitalised name token, or an initial ("A. Dalton"); up to three of them.
_NAME_TOKEN = NAME_TOKEN  # Jean-Luc, O'Neil, McAllister; not Tom's
_FULL_NAME = rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,2}})"
_NAME_RES = [
    # "Hi Maria," "Dear Tom:" at the start of a line or sentence — a greeting names whom it greets
    re.compile(rf"(?:^|(?<=[\n.!?])[ \t]*)(?i:hi|hello|hey|dear|good\s+morning)[ \t]+{_FULL_NAME}(?=[ \t]*(?:[,!:]|\n))"),
    # a sign-off then a name that ends the line: "Regards,\nTom Baker", "Thanks, Hannah". Not "Thanks Dropbox!":
    # reviews thank the product by name far more often than a person, and the two look the same.
    re.compile(rf"(?i:\b(?:thanks|thank\s+you|thx|cheers|many\s+thanks|regards|best|sincerely|yours|br))"
               rf"[ \t]*(?:,[ \t]*\n?|\n)[ \t]*{_FULL_NAME}(?=[ \t]*\.?[ \t]*(?:\n|$))"),
    re.compile(rf"(?i:\bmy\s+name(?:\s+is|'s)|\bi\s+am\s+called|\bcall\s+me)[ \t]+{_FULL_NAME}"),
    # "I'm Jane from Acme", "this is Tom at Northwind": an introduction, not "this is Awesome"
    re.compile(rf"(?i:\b(?:i\s+am|i'm|i’m|this\s+is))[ \t]+{_FULL_NAME}(?=,?[ \t]+(?:from|at|with|here)\b)"),
    # someone named by relation or role, in running (lower-case) prose: "my accountant Maria", "the agent Smith"
    re.compile(rf"\b(?:[Mm]y|[Oo]ur|[Yy]our|[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir)[ \t]+(?:agent|rep|representative|"
               rf"colleague|co-?worker|manager|boss|supervisor|technician|advisor|adviser|consultant|assistant|"
               rf"accountant|bookkeeper|wife|husband|son|daughter|friend|partner|mother|father|mom|dad|mum|sister|"
               rf"brother)(?:[ \t]+(?:named|called))?,?[ \t]+{_FULL_NAME}"),
    re.compile(rf"\b(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?[ \t]+{_FULL_NAME}"),
    re.compile(rf"(?i:\b(?:spoke|spoken|speaking|talked|talking|chatted|chatting)[ \t]+(?:to|with)|\bcc:?|"
               rf"\b(?:assigned|escalated)[ \t]+to)[ \t]+{_FULL_NAME}"),
    # "Mike from support said ..."
    re.compile(rf"{_FULL_NAME}(?=[ \t]+from[ \t]+(?:(?:your|the)[ \t]+)?(?:support|sales|customer\s+"
               rf"(?:service|success|care)|billing|help\s*desk|your\s+team|the\s+team|account\s+management)\b)"),
]
# Capitalised words that follow those cues without being anybody's name.
_NOT_NAMES = frozenset([
    "team", "all", "there", "everyone", "everybody", "guys", "folks", "support", "sales", "customer", "customers",
    "service", "devs", "dev", "developer", "developers", "again", "so", "for", "very", "much", "you", "the", "a",
    "an", "in", "to", "and", "or", "of", "sir", "madam", "maam", "friends", "people", "someone", "somebody",
    "nobody", "anyone", "guy", "lady", "person", "agent", "agents", "great", "good", "awesome", "amazing", "please",
    "love", "app", "apps", "thanks", "thank", "hope", "ok", "okay", "yes", "no", "not", "your", "this", "it", "that",
    "we", "our", "my", "admin", "admins", "billing", "hello", "hi", "staff", "crew", "again", "keep", "what", "how",
    "why", "when", "where", "which", "who", "is", "was", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "today", "tomorrow", "yesterday", "now", "here", "everything", "nothing",
    "something", "just", "also", "but", "if", "as", "she", "he", "they", "her", "his", "him", "them", "i", "it",
    "us", "me",
])


# One cheap search decides whether the name patterns run at all (most feedback names nobody).
_NAME_CUE = re.compile(r"\b(?:hi|hello|hey|dear|morning|thanks|thank|thx|cheers|regards|best|sincerely|yours|br|"
                       r"name|called|call|i\s+am|i'm|i’m|this\s+is|agent|rep|representative|colleague|co-?worker|"
                       r"manager|boss|supervisor|technician|advis[eo]r|consultant|assistant|accountant|bookkeeper|"
                       r"wife|husband|son|daughter|friend|partner|mother|father|mom|dad|mum|sister|brother|mr|mrs|ms|"
                       r"miss|dr|prof|spoke|spoken|speaking|talked|talking|chatted|chatting|cc|assigned|escalated|"
                       r"from)\b", re.IGNORECASE)


def _sub_names(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        name_end = None
        for word in re.finditer(r"\S+", m.group("name")):  # a name ends at the first word that is not one
            if not word.group().endswith(".") and word.group().lower() in _NOT_NAMES:
                break
            name_end = m.start("name") + word.end()
        lone_initial = name_end is not None and m.string[m.start("name"):name_end].count(" ") == 0 and \
            m.string[name_end - 1] == "."
        if name_end is None or lone_initial:
            return m.group(0)
        return m.string[m.start():m.start("name")] + NAME + m.string[name_end:m.end()]

    for pattern in _NAME_RES:
        text = pattern.sub(repl, text)
    return text


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _iban_ok(candidate: str) -> bool:
    s = re.sub(r"[ -]", "", candidate)
    if not 15 <= len(s) <= 34:
        return False
    rearranged = s[4:] + s[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return number % 97 == 1


def _sub_secrets(text: str) -> str:
    for pattern in _SECRET_RES:
        text = pattern.sub(lambda m: (m.groupdict().get("keep") or "") + SECRET, text)

    def b64(m: re.Match[str]) -> str:
        s = m.group(0)
        mixed = any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s)
        return SECRET if mixed else s

    return _B64_RE.sub(b64, text)


def _sub_iban(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        cand = m.group(0)
        # The greedy match may swallow a following upper-case word; shrink until the checksum holds.
        while len(re.sub(r"[ -]", "", cand)) >= 15:
            if _iban_ok(cand):
                return IBAN + m.group(0)[len(cand):]
            cand = cand[:-1].rstrip(" -")
        return m.group(0)

    return _IBAN_RE.sub(repl, text)


def _sub_cards(text: str) -> str:
    def repl(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return card_or_imei(digits) if 13 <= len(digits) <= 19 and _luhn_ok(digits) else m.group(0)

    return _CARD_RE.sub(repl, text)


def _sub_ips(text: str) -> str:
    def v4(m: re.Match[str]) -> str:
        if _VERSION_BEFORE.search(text[max(0, m.start() - 12) : m.start()]):
            return m.group(0)
        before = text[max(0, m.start() - 80) : m.start()]
        clause = re.split(r"[.!?\n]\s", before)[-1]
        if _VERSION_CLAUSE.search(clause) and not _NETWORK_BEFORE.search(before):
            return m.group(0)
        return IP

    text = _IPV4_RE.sub(v4, text)
    if text.count(":") >= 2:

        def v6(m: re.Match[str]) -> str:
            s = m.group(0)
            if sum(c.isalnum() for c in s) < 3:
                return s
            try:
                ipaddress.IPv6Address(s)
            except ValueError:
                return s
            return IP

        text = _IPV6_RE.sub(v6, text)
    return text


def _sub_phones(text: str) -> str:
    if not any(not _DATE_LIKE.fullmatch(m.group(0)) for m in _PHONE_CANDIDATE.finditer(text)):
        return text
    spans: list[tuple[int, int]] = []
    for region in PHONE_REGIONS:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
            raw = match.raw_string
            before = text[max(0, match.start - 30) : match.start]
            if _NOT_PHONE_BEFORE.search(before):
                continue
            # A bare digit run (no +, no separators) is only a phone when the words around say so.
            formatted = raw.startswith("+") or re.search(r"[\s().-]", raw.strip())
            if not formatted and not _PHONE_CONTEXT.search(before):
                continue
            spans.append((match.start, match.end))
    # Regions disagree on where a number starts or ends; merge overlapping spans into one placeholder.
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + PHONE + text[end:]
    return text


def redact_text(text: str) -> str:
    """Replace PII in a text with typed placeholders ([EMAIL], [PHONE], [CARD], [IBAN], [IP], [SECRET], [NAME],
    [ADDRESS], [IMEI], [DEVICE_ID])."""
    if not text:
        return text
    has_digit = _DIGITS.search(text) is not None
    if has_digit:  # before names and secrets: a street name is capitalised, a UDID is long hex
        text = sub_addresses(text)
        text = sub_device_ids(text)
    text = sub_passwords(text)
    text = sub_labelled_names(text, _NOT_NAMES)
    if _NAME_CUE.search(text):
        text = _sub_names(text)
    # Fast path for short plain values (plans, channels, names): every pattern needs a digit, '@', ':' or
    # '=' unless the string is long enough to be a bare token.
    if not has_digit and len(text) < 32 and not any(c in text for c in "@:="):
        return text
    text = _sub_secrets(text)
    if "@" in text:
        text = _EMAIL_RE.sub(EMAIL, text)
    if has_digit:
        text = _sub_iban(text)
        text = _sub_cards(text)
        text = _sub_ips(text)
        text = _sub_phones(text)
    return text


def redact_value(obj: Any) -> Any:
    """Redact every string inside a value (dicts, lists, tuples), leaving keys and numbers alone."""
    if isinstance(obj, str):
        return redact_text(obj)
    if isinstance(obj, dict):
        return {k: redact_value(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(redact_value(v) for v in obj)
    return obj
