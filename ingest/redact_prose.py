"""PII that people write in sentences: street addresses, passwords stated in prose, device ids, labelled names.

The typed-token rules in redact.py find values that look like what they are (an email, a Luhn-valid card). What
is here has no shape of its own — "hunter2" is a password only because the sentence says so, "John Smith" is a
person only after "Test customer:" — so every rule needs its cue words. Look-alikes that must survive (versions,
"3 Google Drive folders", "my password is not accepted", "Customer: Acme Corp") are in tests/ingest and in
evals/datasets/pii.yaml.
"""

from __future__ import annotations

import re

ADDRESS, IMEI, DEVICE_ID, SECRET, NAME = "[ADDRESS]", "[IMEI]", "[DEVICE_ID]", "[SECRET]", "[NAME]"

# --- street addresses -------------------------------------------------------------------------------------
_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Court|Ct|Place|Pl|Terrace|Close|"
           r"Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Trail|Gardens|Grove|Mews|Row|Walk)")
_CAP = r"[A-Z][a-z'’]+"
# "Apt 4B", "Suite 200", "Flat 3", "#12" after the street
_UNIT = r"(?:,?[ \t]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|#)\.?[ \t]*[A-Za-z0-9-]{1,6})"
# ", Springfield", ", Springfield, IL 62704", ", London SW1A 2AA", " 10115 Berlin"
_POSTCODE = r"(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2})"
_TAIL = rf"(?:,[ \t]*{_CAP}(?:[ \t]+{_CAP})?(?:,?[ \t]+[A-Z]{{2}}\b)?(?:,?[ \t]+{_POSTCODE})?|,?[ \t]+{_POSTCODE}(?:[ \t]+{_CAP})?)?"
_ADDRESS_RES = [
    # 42 Elm Street, Springfield — the street name is capitalised and the line ends (or a city follows) after the
    # suffix, so "3 Google Drive folders" is not an address.
    re.compile(rf"(?<![\w.,-])\d{{1,5}}[A-Za-z]?(?:[ \t]+(?:N|S|E|W|North|South|East|West)\.?)?"
               rf"(?:[ \t]+{_CAP}){{1,3}}[ \t]+{_SUFFIX}\.?{_UNIT}?{_TAIL}(?=[ \t]*(?:[,.;:!?)\n]|$))"),
    # Hauptstraße 5, 10115 Berlin / Musterstr. 12a
    re.compile(rf"\b[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm)[ \t]+\d{{1,4}}[a-z]?\b"
               rf"(?:,?[ \t]+\d{{4,5}}[ \t]+{_CAP})?"),
    # 12 rue de Rivoli, 12, avenue des Champs
    re.compile(rf"\b\d{{1,4}},?[ \t]+(?:rue|avenue|av\.|boulevard|bd|place|chemin|allée|impasse|quai)[ \t]+"
               rf"(?:(?:de|du|des|la|le|l['’])[ \t]*)?{_CAP}(?:[ \t]+{_CAP})?{_TAIL}"),
    # "address: ...", "ship to: ..." — a labelled value up to the end of the line, when it holds a number
    re.compile(r"(?P<keep>(?i:\b(?:home\s+|billing\s+|shipping\s+|postal\s+|street\s+)?address|\bship(?:ping)?\s+to|"
               r"\bdeliver(?:y)?\s+to|\blives?\s+at)[ \t]*(?::|is)[ \t]*)(?=[^\n]*\d)[^\n]{6,120}?(?=[ \t]*(?:\n|$|\.(?:\s|$)))"),
]


def sub_addresses(text: str) -> str:
    for pattern in _ADDRESS_RES:
        text = pattern.sub(lambda m: (m.groupdict().get("keep") or "") + ADDRESS, text)
    return text


# --- device ids -------------------------------------------------------------------------------------------
_IMEI_RE = re.compile(r"(?P<keep>\b(?i:imei(?:sv)?)(?:[ \t]+(?i:number|no\.?|#))?[ \t]*(?:[:#=]|is)?[ \t]*)"
                      r"(?:\d{2}[ -]?\d{6}[ -]?\d{6}[ -]?\d{1,2}|\d{14,16})(?!\d)")
_MAC_RE = re.compile(r"(?<![\w:-])[0-9A-Fa-f]{2}([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}(?![\w:-])")
# A labelled device id: the value must hold a digit and be at least 6 long ("device id field is empty" stays).
_DEVICE_RE = re.compile(
    r"(?P<keep>\b(?i:device[ \t]*id|udid|android[ \t]*id|advertising[ \t]*id|idfa|idfv|gaid|aaid|meid|esn|imsi|iccid|"
    r"serial(?:[ \t]+(?:number|no\.?|#))?|s/n|hardware[ \t]*id|install(?:ation)?[ \t]*id|mac[ \t]*address)"
    r"[ \t]*(?:[:#=]|is)?[ \t]*)(?=[A-Za-z0-9-]*\d)[A-Za-z0-9][A-Za-z0-9:-]{5,63}(?![\w-])"
)


def sub_device_ids(text: str) -> str:
    text = _IMEI_RE.sub(lambda m: m.group("keep") + IMEI, text)
    text = _DEVICE_RE.sub(lambda m: m.group("keep") + DEVICE_ID, text)
    return _MAC_RE.sub(DEVICE_ID, text)


def card_or_imei(digits: str) -> str:
    """A Luhn-valid 15-digit run is an IMEI unless it starts like an American Express card (34, 37)."""
    return IMEI if len(digits) == 15 and digits[:2] not in ("34", "37") else "[CARD]"


# --- passwords and PINs stated in prose -------------------------------------------------------------------
_PW_LABEL = r"(?:password|passwort|passwd|passcode|passphrase|pass[ \t]?word|pwd|pw|pin(?:[ \t]+(?:code|number))?)"
# "my password is hunter2", "the wifi password was: x", "PIN = 4821", 'password "sunshine"'
_PW_STATED = re.compile(
    rf"(?P<keep>(?i:\b{_PW_LABEL}\b)(?:[ \t]+(?i:is|was|would[ \t]+be|reads|of|to|set[ \t]+to|changed[ \t]+to))?"
    rf"(?:[ \t]*[:=][ \t]*|[ \t]+))(?P<value>[\"'“‘][^\"'”’\n]{{1,64}}[\"'”’]|[^\s\"'“‘,;/\[]{{3,64}}?)(?=[.,;:!?)]*(?:\s|$))"
)
# Words that follow "password is" in a sentence about the password, not its value.
_PREDICATE = frozenset("""
not no never wrong right correct incorrect invalid valid rejected accepted expired reset changed too very so still
being been always now the a an fine ok okay weak strong long short saved stored required needed case same different
empty blank visible shown hidden lost forgotten gone missing locked blocked broken useless ignored cleared deleted
working also just only definitely actually really probably field box manager reset-link link page screen form prompt
dialog rules policy requirements requirement hint hints change changes update updates recovery protected for and or
but in on at with without into from by of to that which it this is was are were be will would should could can
cannot can't isn't wasn't doesn't didn't won't there here every each any all my your our their his her its mine
same-as""".split())
_PW_CUE = re.compile(rf"(?i:\b{_PW_LABEL}\b)")
_UNIT_AFTER = re.compile(r"[ \t]+(?i:times|characters|chars|digits|letters|attempts|tries|days|hours|minutes|seconds|"
                         r"weeks|months|years)\b")


def _looks_secret(value: str, stated: bool) -> bool:
    if value[0] in "\"'“‘":
        return True
    word = value.rstrip(".,;:!?)").lower()
    # "(???)", "feature...I": punctuation runs and ellipses are prose, not a value
    if word in _PREDICATE or sum(c.isalnum() for c in word) < 3 or ".." in word or word.startswith("["):
        return False
    shaped = any(c.isdigit() for c in value) or any(not c.isalnum() for c in value) or any(c.isupper() for c in value[1:])
    if shaped:
        return not (value.isdigit() and len(value) < 4)
    # a plain lower-case word is a value only after "is" / ":" — and not an adjective or participle
    return stated and not re.search(r"(?:ed|ing|ly|ble|ful|ous|ive|less)$", word)


# A strong-password shape (letters with digits and a symbol, or mixed case with digits) shortly after the label:
# "my password, it is: Tr0ub4dor&3".
_STRONG = re.compile(r"(?<![\w\[])(?=\S*\d)(?=\S*[A-Za-z])(?=\S*(?:[^\w\s]|[A-Z]\S*[a-z]|[a-z]\S*[A-Z]))"
                     r"[^\s\[\]]{6,64}?(?=[.,;:!?)]*(?:\s|$))")


def sub_passwords(text: str) -> str:
    if not _PW_CUE.search(text):
        return text
    for cue in reversed(list(_PW_CUE.finditer(text))):
        gap = re.search(r"\s", text[cue.end() + 40 :])  # never cut a token in two at the window's end
        window_end = cue.end() + 40 + gap.start() if gap else len(text)
        text = text[: cue.end()] + _STRONG.sub(SECRET, text[cue.end() : window_end]) + text[window_end:]

    def repl(m: re.Match[str]) -> str:
        keep, value = m.group("keep"), m.group("value")
        stated = bool(re.search(r"(?i:\b(?:is|was|be|reads)\b|[:=])[ \t]*$", keep))
        if _UNIT_AFTER.match(text, m.end()) or not _looks_secret(value, stated):
            return m.group(0)
        return keep + SECRET

    return _PW_STATED.sub(repl, text)


# --- names after a label ("Test customer: John Smith") and signatures ---------------------------------------
# A capitalised name token (Jean-Luc, O'Neil, McAllister, DeVries; not Tom's) or an initial ("A. Dalton").
NAME_TOKEN = _NAME_TOKEN = r"(?:[A-Z](?:['’][A-Z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Z]?[a-z]+)?|[A-Z]\.)"
_ONE_TO_THREE = rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{0,2}})"
_TWO_TO_THREE = rf"(?P<name>{_NAME_TOKEN}(?:[ \t]+{_NAME_TOKEN}){{1,2}})"
_COMPANY = re.compile(r"\b(?:Inc|Ltd|LLC|GmbH|Corp|Co|AG|SA|SAS|BV|plc|Group|Bank|Labs|Systems|Technologies|Solutions|"
                      r"Software|Team|Support|Services|Partners|Holdings|Industries|Plan|Edition|Pro|Premium)\b\.?$")
_LABELLED_NAME_RES = [
    re.compile(rf"(?i:\b(?:test[ \t]+|end[ \t]+)?(?:customer|client|contact|user|reporter|caller|patient|tenant|"
               rf"account[ \t]+holder|card[ \t]?holder|(?:full[ \t]+|customer[ \t]+|contact[ \t]+)?name|"
               rf"(?:reported|submitted|requested|raised|signed|written|sent)[ \t]+by))[ \t]*[:=\-–][ \t]*{_ONE_TO_THREE}"),
    # "our customer John Smith", "written by Jane Doe" without a colon: a first and last name ("a Customer Portal
    # User Account" in a user story is not one: the label must be lower case and follow a determiner)
    re.compile(rf"(?:\b(?:[Oo]ur|[Tt]he|[Aa]|[Mm]y|[Yy]our|[Tt]his|[Oo]ne)[ \t]+(?:customer|client|contact|user|caller|tenant)|"
               rf"\b(?:reported|submitted|requested|raised|signed|written|sent)[ \t]+by)[ \t]+{_TWO_TO_THREE}"),
    # a signature closing the text: "-- \nJohn Smith", "— Jane Doe", "Best regards John Smith"
    re.compile(rf"(?:^|\n)[ \t]*(?:--|—|–|-)[ \t]*\n?[ \t]*{_ONE_TO_THREE}[ \t]*$"),
    re.compile(rf"(?i:\b(?:regards|sincerely|cheers|best[ \t]+wishes))[ \t]+{_TWO_TO_THREE}[ \t]*\.?[ \t]*$"),
]


_LABEL_CUE = re.compile(r"(?i:customer|client|contact|user|reporter|caller|patient|tenant|holder|name|by|signed|regards|"
                        r"sincerely|cheers|wishes)|(?:^|\n)[ \t]*(?:--|—|–|-)")


def sub_labelled_names(text: str, not_names: frozenset[str]) -> str:
    if not _LABEL_CUE.search(text):
        return text

    def repl(m: re.Match[str]) -> str:
        span = m.group("name")
        words = list(re.finditer(r"\S+", span))
        # "Customer: Acme Corp", "user: Support Team", "Contact: Monday" are not people
        if _COMPANY.search(span) or (len(words) == 1 and span.endswith(".")):
            return m.group(0)
        end = None
        for w in words:  # the name ends at the first word that is not one
            if w.group().lower() in not_names:
                break
            end = w.end()
        if end is None:
            return m.group(0)
        return m.string[m.start():m.start("name")] + NAME + span[end:] + m.string[m.end("name"):m.end()]

    for pattern in _LABELLED_NAME_RES:
        text = pattern.sub(repl, text)
    return text
