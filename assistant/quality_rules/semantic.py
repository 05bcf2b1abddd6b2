"""Semantic Quality User Story checks, where a word list and a parse can see them: problem-oriented, unambiguous,
conceptually sound, estimatable, independent. They are heuristics, so they warn and never block."""

from __future__ import annotations

import re

from assistant.models import QualityFinding
from assistant.quality_rules import nlp
from assistant.quality_rules.base import finding, means_prefix, rebuild, tidy
from assistant.quality_rules.vocab import (
    BUILD_VERBS,
    BUILDER_ROLES,
    EPIC_OBJECTS,
    EPIC_VERBS,
    NO_FEATURE_VERBS,
    OPEN_ENDED_VERBS,
    TECH_PHRASES,
    TECH_WORDS,
    UI_WORDS,
    VAGUE_PHRASES,
    VAGUE_TERMS,
)
from assistant.storytext import StoryParts

_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*")


def _means_doc(parts: StoryParts):
    prefix = means_prefix(parts)
    return nlp.parse(prefix + (parts.means or "")), len(prefix)


def _main_verb(parts: StoryParts):
    """The first verb of the means (the action the user wants), or None for a noun-phrase means."""
    doc, off = _means_doc(parts)
    for tok in doc:
        if tok.idx >= off and tok.pos_ in ("VERB", "AUX") and tok.dep_ in ("xcomp", "ROOT", "ccomp", "conj", "advcl"):
            return tok
        if tok.idx >= off and tok.pos_ in ("NOUN", "PROPN", "DET", "ADJ"):
            return None
    return None


# ---- problem-oriented --------------------------------------------------------------------------------------------

_UI_PHRASE = re.compile(
    r"\s+(?:on|in|from|via|using|through|with|into)\s+(?:the|a|an|my|our)?\s*(?:[\w-]+\s+){0,3}?(?:"
    + "|".join(sorted(UI_WORDS, key=len, reverse=True)) + r")\b", re.I)
_WIDGET_TO = re.compile(
    r"^(?:a|an)\s*(?:[\w-]+\s+){0,3}?(?:" + "|".join(sorted(UI_WORDS, key=len, reverse=True))
    + r")\s+(?:to|that lets me|that allows me to|so I can|for)\s+(?P<action>.+)$", re.I)
_CLICK = re.compile(r"\b(?:click|tap)\s+(?:on\s+)?", re.I)


def problem_oriented(parts: StoryParts) -> list[QualityFinding]:
    """The means says what the user needs, not which widget or technology delivers it."""
    if not parts.means:
        return []
    words = {w.lower() for w in _WORD.findall(parts.means)}
    low = parts.means.lower()
    hits = sorted((words & UI_WORDS) | (words & TECH_WORDS)) + [p for p in TECH_PHRASES if p in low]
    verb = _main_verb(parts)
    if verb is not None and verb.lemma_.lower() in BUILD_VERBS:
        hits.insert(0, f"'{verb.text}'")
    if not hits:
        return []
    fix = None
    widget = _WIDGET_TO.match(parts.means)
    if widget:
        action = widget.group("action")
        if not (parts.means_indicator or "").lower().endswith(" to") and not action.lower().startswith("to "):
            action = f"to {action}"
        fix = rebuild(parts, means=action)
    else:
        stripped = tidy(_CLICK.sub("select ", _UI_PHRASE.sub("", parts.means)))
        if stripped and stripped != parts.means:
            fix = rebuild(parts, means=stripped)
    message = (f"Solution-oriented: the means names how it is built ({', '.join(hits)}) instead of what the "
               "user needs to achieve; describe the need and leave the design to the team.")
    return [finding("problem_oriented", "warning", message, fix)]


# ---- unambiguous -------------------------------------------------------------------------------------------------

_MEASURABLE = {
    "fast": "within <N> seconds", "faster": "within <N> seconds", "quick": "within <N> seconds",
    "quickly": "within <N> seconds", "easy": "in <N> steps or fewer", "easily": "in <N> steps or fewer",
    "simple": "in <N> steps or fewer", "user-friendly": "in <N> steps or fewer", "intuitive": "without training",
    "etc": "", "etcetera": "", "various": "<which ones>", "several": "<how many>", "some": "<which ones>",
}
_PRONOUNS = {"it", "them", "they", "this", "these", "those", "that"}


# A vague adjective that is also a verb ("clear my recent searches"): followed by a determiner or particle it is
# the action, not a vague quality, and dropping it would leave "I want to my recent searches".
_VERB_NEXT = r"(?:my|the|a|an|all|any|your|our|their|his|her|its|this|that|these|those|out|up|away|off)"


def _used_as_verb(word: str, text: str) -> bool:
    return bool(re.search(rf"\b{re.escape(word)}\s+{_VERB_NEXT}\b", text, re.I))


def _vague_hits(text: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(text)]
    low = f" {text.lower()} "
    hits = [w for w in dict.fromkeys(words) if w in VAGUE_TERMS and not _used_as_verb(w, text)]
    hits += [p for p in VAGUE_PHRASES if f" {p} " in low]
    # "some reports" is vague; "some of my reports" names a subset the criteria can pin down.
    if re.search(r"\bsome\b(?!\s+(?:of|time))", text, re.I):
        hits.append("some")
    return hits


def _dangling_pronoun(parts: StoryParts) -> str | None:
    doc, off = _means_doc(parts)
    seen_noun = False  # the role never counts as the referent of "it"/"them"
    for tok in doc:
        if tok.idx < off:
            continue
        if tok.pos_ in ("NOUN", "PROPN"):
            seen_noun = True
        if (tok.lower_ in _PRONOUNS and tok.pos_ == "PRON" and tok.dep_ in ("dobj", "nsubj", "pobj", "nsubjpass")
                and not seen_noun and tok.tag_ != "WDT"):
            return tok.text
    return None


_ADJ_FOLLOWERS = re.compile(r"\s+(?!(?:and|or|to|for|with|in|on|at|so|than|as|when|if|by|from)\b)[a-z]", re.I)


def _drop_or_measure(means: str, word: str) -> str:
    """Before a noun ('a simple web form') drop the vague word; at the end ('load fast') put a measurable one."""
    match = re.search(rf"\b{re.escape(word)}\b\.?", means, flags=re.I)
    if not match:
        return means
    chained = re.match(r"\s+(?:and|or)\s+([\w-]+)", means[match.end():])
    if (_ADJ_FOLLOWERS.match(means, match.end()) or word not in _MEASURABLE
            or (chained and chained.group(1).lower() in VAGUE_TERMS)):
        cut = re.sub(rf"\s*\b(?:and|or)\s+{re.escape(match.group(0))}|{re.escape(match.group(0))}\s*(?:,|and\b|or\b)?",
                     "", means, count=1, flags=re.I)
        return tidy(re.sub(r"\s+in an?\s+(?:manner|way|fashion)\b", "", cut))
    return means[: match.start()] + _MEASURABLE[word] + means[match.end():]


def unambiguous(parts: StoryParts) -> list[QualityFinding]:
    """No vague words (fast, easy, some, etc.) and no 'it'/'them' that points at nothing."""
    if not parts.means:
        return []
    hits = _vague_hits(parts.means)
    pronoun = _dangling_pronoun(parts)
    if not hits and not pronoun:
        return []
    means = parts.means
    for word in hits:
        means = _drop_or_measure(means, word)
    if pronoun:
        means = re.sub(rf"\b{re.escape(pronoun)}\b", f"<what '{pronoun}' means>", means, count=1)
    reasons = []
    if hits:
        reasons.append(f"vague words ({', '.join(hits)}) that two people will read differently")
    if pronoun:
        reasons.append(f"'{pronoun}' does not point at anything named in the story")
    fix = rebuild(parts, means=tidy(means)) if tidy(means) != parts.means else None
    return [finding("unambiguous", "warning", f"Ambiguous: {'; '.join(reasons)}. Say exactly what is meant.", fix)]


# ---- conceptually sound ------------------------------------------------------------------------------------------

_ENDS_FEATURE = re.compile(
    r"^(?:i|we|users?|they)\s+(?:can|could|am able to|are able to|will be able to|may)\s+(?:then\s+|also\s+|later\s+)?"
    r"(?:click|select|open|tap|navigate|choose|enter|submit|fill|sign in|log in|login|go to|scroll|press)\b"
    r"|\b(?:and then|after that|afterwards)\b|^(?:i|we)\s+(?:can|could)\s+also\b", re.I)


def _role_head(role: str) -> str:
    words = [w.lower() for w in _WORD.findall(role)]
    stop = {"working", "using", "with", "of", "in", "for", "who", "that", "at", "on"}
    head: list[str] = []
    for w in words:
        if w in stop:
            break
        head.append(w)
    return " ".join(head[-3:]) if head else ""


def conceptually_sound(parts: StoryParts) -> list[QualityFinding]:
    """The means is a feature for someone who benefits, and the ends is a reason, not another feature."""
    out: list[QualityFinding] = []
    if parts.role:
        head = _role_head(parts.role)
        words = head.split()
        # "developer" or "software engineer" builds the product; "app developer" on a developer platform is a user.
        if head in BUILDER_ROLES or (words and words[-1] in BUILDER_ROLES and len(words) == 1):
            out.append(finding(
                "conceptually_sound", "warning",
                f"The role '{parts.role}' builds the product rather than benefits from it; name the user or "
                "customer who gets the value, or track this as a technical task.",
                rebuild(parts, role="<who benefits>"),
            ))
    if parts.means:
        verb = _main_verb(parts)
        if verb is not None and verb.lemma_.lower() in NO_FEATURE_VERBS:
            out.append(finding(
                "conceptually_sound", "warning",
                f"The means ('{verb.text} ...') is an activity or a wish, not something the product will do; "
                "name the capability that would let them do it.",
                None,
            ))
    if parts.ends and _ENDS_FEATURE.search(parts.ends):
        out.append(finding(
            "conceptually_sound", "warning",
            "The 'so that' part is another feature (or a step after this one), not the reason; keep the reason "
            "here and write the other feature as its own story.",
            rebuild(parts, ends="<why they need it>"),
        ))
    return out


# ---- estimatable -------------------------------------------------------------------------------------------------

_TOO_MANY_WORDS = 40


def estimatable(parts: StoryParts) -> list[QualityFinding]:
    """Small and concrete enough to size: no epic verbs ('manage', 'handle everything') or sprawling means."""
    if not parts.means:
        return []
    low = parts.means.lower()
    verb = _main_verb(parts)
    verb_lemma = verb.lemma_.lower() if verb is not None else ""
    epic_object = next((p for p in EPIC_OBJECTS if re.search(rf"\b{re.escape(p)}\b", low)), None)
    n_words = len(_WORD.findall(parts.means))
    if verb_lemma in EPIC_VERBS and epic_object:
        return [finding("estimatable", "warning",
                        f"Hard to estimate: '{verb.text} ... {epic_object}' is a whole product area, not a story; "
                        "name the one thing the user needs first.", None)]
    if verb_lemma in EPIC_VERBS:
        obj = tidy(parts.means[verb.idx - _means_doc(parts)[1] + len(verb.text):])
        split = "\n".join(rebuild(parts, means=f"{v} {obj}") for v in ("create", "edit", "delete"))
        return [finding(
            "estimatable", "warning",
            f"Hard to estimate: '{verb.text} {obj}' is a whole area of work (an epic); list the concrete actions "
            "it covers, one story each.",
            split,
        )]
    if epic_object and verb_lemma in {"see", "view", "control", "do", "access", "configure", "use", "support"}:
        return [finding("estimatable", "warning",
                        f"Hard to estimate: '{epic_object}' has no clear boundary; name the specific part.", None)]
    if verb_lemma in OPEN_ENDED_VERBS and not re.search(r"\d", parts.means):
        return [finding("estimatable", "warning",
                        f"Hard to estimate: '{verb.text} ...' has no finish line; say how much is enough (a target "
                        "number) or name the concrete change.",
                        rebuild(parts, means=f"{parts.means} to <target, e.g. under N or at least N%>"))]
    if n_words > _TOO_MANY_WORDS:
        return [finding("estimatable", "warning",
                        f"Hard to estimate: the means is {n_words} words long, which usually hides several "
                        "stories; split it.", None)]
    return []


# ---- independent -------------------------------------------------------------------------------------------------

_REFERENCE = re.compile(
    r"\b(?:user\s+)?(?:story|stories|us|issue|ticket|requirement|req)\s*#?\s*\d+\b|(?<!\w)#\d+\b"
    r"|\b(?:after|before|once|like|than|in|see)\s+(?:user\s+)?story\s+(?:[A-Z0-9][\w-]*)\b"
    r"|\b(?:after|before|once|like|than)\s+(?:the\s+)?(?:previous|above|last|first|other|earlier)\s+"
    r"(?:story|one|feature|requirement)\b|\bas in\b|\bsame as\b|\bas (?:described|mentioned) (?:above|before|in)\b"
    r"|\b(?:see|like|as) (?:above|below)\b|\b(?:previous|above|following|aforementioned) (?:story|stories)\b"
    r"|\bdepends? on\b|\bbased on (?:story|the previous)\b", re.I)


def independent(parts: StoryParts) -> list[QualityFinding]:
    """The story stands alone: no 'after story 12', 'as in', 'see above'."""
    body = " ".join(v for v in (parts.means, parts.ends) if v)
    match = _REFERENCE.search(body)
    if not match:
        return []
    means = parts.means or ""
    ends = parts.ends
    if match.group(0) in means:
        means = tidy(means.replace(match.group(0), "<spell out what it refers to>", 1))
    elif ends:
        ends = tidy(ends.replace(match.group(0), "<spell out what it refers to>", 1))
    return [finding(
        "independent", "warning",
        f"Depends on another story ('{match.group(0)}'): it cannot be read, planned or released on its own. "
        "Say what it needs instead of pointing elsewhere.",
        rebuild(parts, means=means, ends=ends),
    )]
