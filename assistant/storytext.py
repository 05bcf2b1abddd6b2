"""Parse "As a <role>, I want <means>, so that <ends>" text into its parts (Lucassen et al.'s role/means/ends).

Used by the quality lint, the drafting step and importers of tracker backlogs. Pure string work, no NLP model:
it must be cheap enough to run on every line of a pasted backlog.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

_ROLE_RE = re.compile(
    r"^\s*as\s+(?P<article>an?\b|the\b|my\b)?\s*(?P<role>.+?)\s*,?\s*"
    r"(?=\b(?:i|we)\b(?:\s*['’]\s*(?:d|m|ll)\b)?\s*(?:really\s+|would\s+|want|need|wish|like|hope|expect|should|must"
    r"|can|could|am|will|require|shall|'|’))",
    re.IGNORECASE | re.DOTALL,
)
# "I want to be able to", "I'd like to", "I need", "I can", "I should be able to", "I am able to", ...
_MEANS_RE = re.compile(
    r"^(?P<ind>(?:i|we)\s*(?:really\s+)?"
    r"(?:(?:would|['’]d)\s+(?:really\s+)?(?:like|love|want|prefer)|want(?:s|ed)?|need|wish|hope|expect|require"
    r"|(?:should|must|shall|can|could|will|would|['’]ll)(?:\s+(?:be\s+able|have\s+the\s+ability))?"
    r"|(?:am|['’]m)\s+able)"
    r"(?:\s+to\b)?(?:\s+be\s+able\s+to\b)?)\s*(?P<means>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Ends indicators: "so that", ", so I can", "in order to". A bare infinitive "to ensure ..." stays in the means:
# it is too often part of the feature itself ("a tool to export invoices").
_ENDS_RE = re.compile(
    r"(?P<ind>,?\s*\bso\s+that\b|,?\s*\bin\s+order\s+(?:to|that)\b|,\s*so\b(?!\s+(?:as|far|much|many|on)\b)"
    r"|\s\bso\b(?=\s+(?:i|we|they|it|he|she|you|that|the|my|our|their|users?|customers?|people|everyone"
    r"|others?)\b))\s*",
    re.IGNORECASE,
)
# Sentence boundary that is not an abbreviation ("e.g. Word", "i.e. Word", "etc. The" still splits).
_ABBREV = ("e.g.", "i.e.", "vs.", "etc.", "approx.", "mr.", "mrs.", "dr.", "no.", "cf.", "incl.", "esp.", "st.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
ARTICLE_VOWEL = re.compile(r"^(?:[aeio]|u(?!ni|se|sa|su|ro|ti|k)|h(?:our|onest|onor))", re.IGNORECASE)


class StoryParts(BaseModel):
    """A story line split into role, means and ends, keeping the indicator words so the template can be compared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    role: str | None = None
    role_indicator: str | None = None
    means: str | None = None
    means_indicator: str | None = None
    ends: str | None = None
    ends_indicator: str | None = None
    extra: str | None = None

    @property
    def template(self) -> str:
        """The story's skeleton, e.g. 'As a <role>, I want to <means>, so that <ends>' (for the uniform check)."""
        if self.role is None and self.means is None:
            return "<free text>"
        out = f"{_norm_ind(self.role_indicator)} <role>, " if self.role is not None else ""
        out += f"{_norm_ind(self.means_indicator)} <means>" if self.means is not None else "<means>"
        if self.ends is not None:
            out += f", {_norm_ind(self.ends_indicator).lower()} <ends>"
        return out

    @property
    def story_sentence(self) -> str:
        """The first sentence only: the story without any trailing notes."""
        return self.text if self.extra is None else self.text[: len(self.text) - len(self.extra)].rstrip()


def _norm_ind(indicator: str | None) -> str:
    ind = re.sub(r"\s+", " ", (indicator or "").strip(" ,")).replace("’", "'")
    if not ind:
        return ""
    return ind[:1].upper() + ind[1:].lower()


def split_sentences(text: str) -> list[str]:
    """Split on sentence ends, but not after abbreviations such as 'e.g.'."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()]
        last_word = before.rsplit(None, 1)[-1].lower().lstrip("([{\"'“") if before.strip() else ""
        if last_word in _ABBREV or re.fullmatch(r"(?:[a-z]\.){2,}", last_word):
            continue
        parts.append(text[start : match.start()].strip())
        start = match.end()
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def parse_story(text: str) -> StoryParts:
    """Split one story line into role, means and ends (any missing part is None)."""
    clean = re.sub(r"\s+", " ", (text or "").replace("\ufeff", "")).strip()
    sentences = split_sentences(clean)
    first = sentences[0] if sentences else ""
    extra = clean[len(first) :].strip() or None if len(sentences) > 1 else None
    role = role_ind = None
    rest = first
    m = _ROLE_RE.match(first)
    if m:
        role = m.group("role").strip(" ,") or None
        role_ind = ("As " + (m.group("article") or "")).strip()
        rest = first[m.end() :]
    means = means_ind = ends = ends_ind = None
    mm = _MEANS_RE.match(rest.strip())
    if mm:
        means_ind = re.sub(r"\s+", " ", mm.group("ind")).strip()
        body = mm.group("means")
        em = _ENDS_RE.search(body)
        if em and em.start() > 0:
            means, ends_ind, ends = body[: em.start()], em.group("ind"), body[em.end() :]
        else:
            means = body
        means = means.strip(" ,.;") or None
        if ends is not None:
            ends = ends.strip(" ,.;!") or None
            ends_ind = re.sub(r"\s+", " ", ends_ind or "").strip(" ,").lower() or None
    return StoryParts(
        text=clean, role=role, role_indicator=role_ind, means=means, means_indicator=means_ind,
        ends=ends, ends_indicator=ends_ind, extra=extra,
    )


def article_for(word: str) -> str:
    """'a' or 'an' for the word that follows (by sound, good enough for role names)."""
    return "an" if ARTICLE_VOWEL.match(word.strip()) else "a"


def compose_story(role: str, means: str, ends: str | None = None, *, means_indicator: str = "I want to") -> str:
    """Build a story sentence in the standard template from its parts."""
    means = means.strip().rstrip(".")
    ind = means_indicator.strip()
    if ind.lower().endswith(" to") and means.lower().startswith("to "):
        means = means[3:]
    text = f"As {article_for(role)} {role.strip()}, {ind} {means}"
    if ends:
        text += f", so that {ends.strip().rstrip('.')}"
    return text + "."
