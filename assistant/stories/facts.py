"""Reported conditions and mentions in one feedback item (device, OS, version, file type, size, timing...).

Acceptance criteria may only use conditions a customer actually reported; these are the extracted ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.triage.sentiment import LEXICON

_DEVICE = re.compile(
    r"\b(iPhone\s?(?:\d{1,2}|SE|X[RS]?)(?:\s?(?:Pro|Max|Plus|mini))*|iPad(?:\s?(?:Pro|Air|mini|\d{1,2}))?|Pixel\s?\d+a?"
    r"|(?:Samsung\s)?Galaxy\s?(?:(?:Note|Tab)\s?\d+|[A-Z]?\d+)|Nexus\s?\d+|OnePlus\s?\d+|Chromebook"
    r"|MacBook(?:\s?(?:Pro|Air))?)\b",
    re.I,
)
_MODEL = re.compile(r"\b((?:[A-Z][a-z]{2,}\s)?[A-Z][a-z]{2,}\s?[A-Z]?\d{1,3}[a-z]?)\b(?!\s*(?:%|mb|gb|kb|pages?|stars?|"
                    r"minutes?|seconds?|days?|hours?|times|files?|comics?|items?))", re.I)
# a short model name the writer runs the app on: "on my S4", "not working properly on s7", "on a G3"
_ON_MODEL = re.compile(r"\bon (?:my |a |an |the )?([A-UW-Za-uw-z]{1,2}\d{1,2}(?:\s?(?:plus|pro|max|mini|edge|note))?)\b"
                       r"(?!\s*(?:%|mb|gb|kb|px|dpi))", re.I)
_NOT_MODELS = {"page", "chapter", "version", "android", "ios", "windows", "step", "level", "season", "episode", "part",
               "volume", "top", "day", "week", "year", "issue", "book", "number", "only", "about", "over", "under",
               "after", "before", "around", "than", "and", "with", "for", "from", "the", "every", "last", "first"}
_OS = re.compile(r"\b(iOS|iPadOS|Android|macOS|Windows)\s?(\d+(?:\.\d+){0,2})\b", re.I)
_APP_VERSION = re.compile(r"\b(?:app\s+)?(?:version|ver\.?|v)\s?(\d+\.\d+(?:\.\d+)?)\b", re.I)
_BROWSER = re.compile(r"\b(Safari|Chrome|Firefox|Edge)(?:\s(\d+))?\b")
# a known format anywhere, or any short upper-case name / .ext followed by "file(s)" ("CBR files", ".epub files")
_FILE_TYPE = re.compile(r"(?<![\w.])\.?(HEIC|PDF|PNG|JPE?G|CSV|XLSX?|GIF|TIFF?|OFX|QIF)\b"
                        r"|(?<![\w.])(?:\.([a-z0-9]{2,5})|(?![KMG]B\b)([A-Z][A-Z0-9]{1,4}))(?=\s+files?\b)", re.I)
_SIZE = re.compile(r"\b(\d+(?:\.\d+)?)\s?(KB|MB|GB)\b", re.I)
# what a size is of: the device's memory ("2gb of RAM", "500 MB of memory free") or a file ("a 30 MB file",
# "Image files > 2MB"); a size with neither word near it ("60mb is not enough") is no test condition
_OF_MEMORY = re.compile(r"^\W{0,3}(?:of\s+)?(?:ram|memory|free|storage)\b", re.I)
_OF_FILE = re.compile(r"^\W{0,3}(?:\w+\s+)?(?:files?|comics?|archives?|images?|documents?)\b", re.I)
_FILE_BEFORE = re.compile(r"\b(?:files?|comics?|archives?|images?)\s*(?:over|above|>|&gt;|bigger than|larger than|of)\s*$",
                          re.I)
_OR_SIZE = re.compile(r"\W{0,3}or\s+(\d+(?:\.\d+)?)\s?(KB|MB|GB)\b", re.I)
_REINSTALLED = re.compile(r"\b(?:re-?install\w*|delete[ds]? and re-?install\w*|uninstall\w* and re-?install\w*)\b", re.I)
# a volume, 100 or more: "500 comics", "1,200 bank transactions"
_COUNT = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d{3,})\s+(?:(?!this\b|was\b|has\b|is\b)[a-z]+\s)?"
                    r"(?!this\b|its\b|was\b|has\b|his\b|does\b|plus\b|less\b|yes\b|always\b|perhaps\b)([a-z]{3,}s)\b", re.I)  # "500 comics", "1,200 bank transactions"
NOT_COUNTED = {"seconds", "secs", "minutes", "mins", "hours", "days", "weeks", "months", "years", "times", "stars",
                "dollars", "euros", "pounds", "cents", "percent", "bucks", "yes"}
# An error the writer names: "an out of memory error", "the 'oops' error", 'error: "Connection reset"'
_NAMED_ERROR = re.compile(r"\b(?:an?|the|this|that|same|get|getting|got|shows?|showing)\s+((?:[\"“'‘]?[\w-]+[\"”'’]?\s+){1,4}"
                          r"(?:error|exception))\b|\berror(?: message)?\s*(?:says|saying|:)\s*[\"“']([^\"”']{4,60})[\"”']?",
                          re.I)
# The same named in other words: "an error about being out of memory", "error message stating no memory left",
# "'out of memory' errors", "a pop up that goes 'lack of memory'" -> the message itself.
_ERROR_SAYING = re.compile(r"\b(?:error|exception|pop[- ]?up|message)s?(?: message)?\s+(?:about|stating|saying|that says|"
                           r"that goes|telling me)\s+(?:that\s+)?(?:being\s+|i'?m\s+|it'?s\s+)?[\"“'‘]?"
                           r"((?:[a-z]+\s+){0,3}?(?:of|on|no|not|out|low|lack)\b(?:\s+[a-z]+){1,3}?)"
                           r"(?=[\"”'’]|\s+(?:to|when|while|and|or|so)\b|[.,!;]|$)"
                           r"|[\"“'‘]([a-z][a-z ]{3,40})[\"”'’]\s+(?:errors?|exceptions?|pop[- ]?ups?)\b", re.I)
_LOST = re.compile(r"\b(?:lost|lose|loses|losing|deleted|erased|wiped(?: out)?|reset)\s+(?:all\s+(?:of\s+)?)?(my|our|the)\s+"
                   r"([a-z]+(?:\s[a-z]+)?)", re.I)
_FUNCTION_WORDS = {"and", "or", "but", "when", "after", "before", "because", "so", "in", "on", "at", "to", "from", "with",
                   "the", "a", "an", "of", "for", "it", "this", "that", "own", "i", "we", "was", "is", "will",
                   "would", "can", "could", "should", "be", "been", "has", "had", "have", "are", "were"}
_NOT_NAMES = {"without", "anywhere", "same", "any", "some", "an", "another", "other", "weird", "strange", "random",
              "constant", "constantly", "always", "getting", "get", "got", "keep", "keeps", "no", "that", "this", "the", "a",
              "and", "or", "but", "when", "with", "from", "in", "on", "at", "to", "for"}
_AFTER_UPDATE = re.compile(r"\b(?:since|after)\s+(?:the\s+|this\s+|last\s+|latest\s+|recent\s+|new\s+|an?\s+)*(?:update|upgrade)"
                           r"|\brecent\s+(?:update|upgrade)\s+(?:is\s+|has\s+)?caus", re.I)
_DURATION = re.compile(r"\b(\d+)\s?(seconds|secs|sec|s|minutes|mins|min)\b", re.I)

# Anything that names a device, OS, app version or browser: kept out of goals, used in criteria.
ENVIRONMENT = re.compile("|".join(rx.pattern for rx in (_DEVICE, _OS, _APP_VERSION, _BROWSER)), re.I)

_MENTIONS = {
    "offline": re.compile(r"\b(offline|no (?:internet|connection|signal|network)|airplane mode|poor (?:connection|signal))\b", re.I),
    "data_loss": re.compile(
        r"\b(?:lost|lose|loses|losing)\s+(?:my|our|all|the|half|\w+\s+(?:days?|hours?|weeks?)\s+of)\b"
        r"|\b(?:is|are|was|were|got)\s+gone\b|\bdisappear\w*|\bvanish\w*|\bwiped\b|\bdeletes?\s+my\b", re.I),
    "slow": re.compile(r"\b(slow|slowly|forever|ages|takes? (?:too )?long|lag\w*|spinner|spinning)\b", re.I),
    "large": re.compile(r"\b(large|big|huge|long|thousands|hundreds|many)\b", re.I),
    "duplicate": re.compile(r"\b(twice|duplicated?|double[d-]?)\b", re.I),
    "crash": re.compile(r"\b(crash\w*|freez\w*|hangs?|force[sd]? clos\w+|(?:closes?|quits?|shuts? down)"
                        r"(?: itself| on (?:me|its own)| unexpectedly| randomly| by itself)|keeps (?:closing|quitting))\b", re.I),
    "error": re.compile(r"\b(error|fails?|failed|failing|broken|bug|doesn'?t work|not working|won'?t|will not|"
                        r"unable to)\b", re.I),
}

_META_KEYS = {
    "device": ("device", "device_model", "model"),
    "os": ("os", "os_version", "platform"),
    "app_version": ("app_version", "version", "release"),
    "browser": ("browser",),
}


@dataclass
class Facts:
    """What one item reports beyond the ask itself."""

    device: str | None = None
    os: str | None = None
    app_version: str | None = None
    browser: str | None = None
    file_types: list[str] = field(default_factory=list)
    size: str | None = None  # of a file the writer opened
    memory: str | None = None  # of the writer's device ("a device with 2 GB of RAM")
    reinstalled: bool = False  # "I deleted and reinstalled it": a step the writer took that did not help
    count: str | None = None
    seconds: int | None = None
    errors: list[str] = field(default_factory=list)  # error messages named in the text
    lost: str | None = None  # "my bookmarks" from "lost all my bookmarks"
    after_update: bool = False
    reason: str = ""  # the reason the item states ("so I can ..."), filled in by the drafter
    mentions: set[str] = field(default_factory=set)

    def conditions(self) -> list[str]:
        """Human phrases for the reported environment, e.g. ['an iPhone 12', 'iOS 17.2', 'app version 3.2.1']."""
        parts = []
        if self.device:
            from assistant.stories.nlp import article

            parts.append(f"{article(self.device)} {self.device}")
        if self.os:
            parts.append(self.os)
        if self.browser:
            parts.append(self.browser)
        if self.app_version:
            parts.append(f"app version {self.app_version}")
        return parts

    def condition_key(self) -> tuple[str, ...]:
        return (self.device or "", self.os or "", self.browser or "", self.app_version or "", ",".join(self.file_types))


def _meta(metadata: dict[str, Any], field_name: str) -> str | None:
    for key in _META_KEYS[field_name]:
        value = metadata.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            return str(value).strip()
    return None


def extract_facts(text: str, metadata: dict[str, Any] | None = None) -> Facts:
    """Conditions from the text first, then from item metadata (a review export's device/version columns)."""
    metadata = metadata or {}
    facts = Facts()
    if m := _DEVICE.search(text):
        facts.device = _tidy_device(m.group(1))
    else:
        for m in _MODEL.finditer(text):
            words = m.group(1).split()
            if m.group(1)[0].isupper() and not {w.lower() for w in words} & _NOT_MODELS:
                facts.device = m.group(1)
                break
        if facts.device is None and (m := _ON_MODEL.search(text)):
            facts.device = m.group(1)[:1].upper() + m.group(1)[1:]
    if m := _OS.search(text):
        name = {"ios": "iOS", "ipados": "iPadOS", "android": "Android", "macos": "macOS", "windows": "Windows"}
        facts.os = f"{name[m.group(1).lower()]} {m.group(2)}"
    if m := _APP_VERSION.search(text):
        facts.app_version = m.group(1)
    if m := _BROWSER.search(text):
        facts.browser = " ".join(g for g in m.groups() if g)
    facts.device = facts.device or _meta(metadata, "device")
    facts.os = facts.os or _meta(metadata, "os")
    facts.app_version = facts.app_version or _meta(metadata, "app_version")
    facts.browser = facts.browser or _meta(metadata, "browser")
    seen: list[str] = []
    for m in _FILE_TYPE.finditer(text):
        found = m.group(1) or m.group(2) or m.group(3)
        if m.group(3) and not m.group(3).isupper():
            continue  # "big files", "the files": not a format
        kind = found.upper().replace("JPEG", "JPG")
        if kind not in seen:
            seen.append(kind)
    facts.file_types = seen
    for m in _SIZE.finditer(text):
        if float(m.group(1)) == 0:
            continue  # "0mb/0mb": a display the writer saw, not a size
        size, after, before = f"{m.group(1)} {m.group(2).upper()}", text[m.end():m.end() + 40], text[:m.start()]
        other = _OR_SIZE.match(after)  # "512mb, or 2gb of RAM": both sizes are of the memory
        if _OF_MEMORY.search(after[other.end():] if other else after):
            both = f"{size} or {other.group(1)} {other.group(2).upper()}" if other else size
            facts.memory = facts.memory or both
        elif _OF_FILE.search(after) or _FILE_BEFORE.search(before[-30:]):
            facts.size = facts.size or size
    facts.reinstalled = bool(_REINSTALLED.search(text))
    for m in _COUNT.finditer(text):
        if m.group(2).lower() not in NOT_COUNTED:
            facts.count = " ".join(m.group(0).lower().split())
            break
    for m in _NAMED_ERROR.finditer(text):
        named = " ".join((m.group(1) or m.group(2) or "").split()).strip(" \"“”'‘’")
        if m.group(1):  # keep the name itself: "anywhere without oops error" -> "oops error"
            words = named.split()
            cut = max((i + 1 for i, w in enumerate(words[:-1]) if w.lower().strip("\"“”'‘’") in _NOT_NAMES), default=0)
            named = " ".join(words[cut:])
            if len(named.split()) < 2:
                continue  # a bare "error" names nothing
        if named and not any(abs(LEXICON.get(w.lower().strip("\"“”'‘’"), 0.0)) >= 1.5 for w in named.split()[:-1]):
            facts.errors.append(named if m.group(1) else f'"{named}"')
    for m in _ERROR_SAYING.finditer(text):
        said = " ".join((m.group(1) or m.group(2)).split())
        if f'"{said}"'.lower() not in (e.lower() for e in facts.errors):
            facts.errors.append(f'"{said}"')
    if m := _LOST.search(text):
        words = m.group(2).lower().split()
        if len(words) > 1 and words[1] in _FUNCTION_WORDS:
            words = words[:1]
        if words[0] not in _FUNCTION_WORDS:
            facts.lost = f"{'my' if m.group(1).lower() == 'the' else m.group(1).lower()} {' '.join(words)}"
    facts.after_update = bool(_AFTER_UPDATE.search(text))
    if m := _DURATION.search(text):
        n = int(m.group(1))
        facts.seconds = n * 60 if m.group(2).lower().startswith("min") else n
    # a duration alone is no complaint about speed ("an extra 2 seconds" in a video): only the words say slow
    facts.mentions = {name for name, rx in _MENTIONS.items() if rx.search(text)}
    return facts


def _tidy_device(raw: str) -> str:
    words = raw.split()
    fixed = []
    for w in words:
        low = w.lower()
        if low.startswith("iphone"):
            w = "iPhone" + w[6:]
        elif low.startswith("ipad"):
            w = "iPad" + w[4:]
        elif low in ("pro", "max", "plus", "air"):
            w = w.capitalize()
        elif low == "mini":
            w = "mini"
        elif w.isalpha() and w.islower():
            w = w.capitalize()  # "galaxy note 2" is the writer's lower case for a name: "Galaxy Note 2"
        fixed.append(w)
    return " ".join(fixed)
