"""Syntactic Quality User Story checks (Lucassen et al. 2016): well-formed, atomic, minimal, full sentence."""

from __future__ import annotations

import re
from typing import Any

from assistant.models import QualityFinding
from assistant.quality_rules import nlp
from assistant.quality_rules.base import finding, means_prefix, rebuild, tidy
from assistant.quality_rules.vocab import ACTION_VERBS, BINOMIALS
from assistant.storytext import StoryParts, article_for, compose_story

_CONJ_WORDS = {"and", "or", "&", "+", "and/or"}


def well_formed(parts: StoryParts) -> list[QualityFinding]:
    """A story needs at least a role and a means."""
    missing = [name for name, value in (("role", parts.role), ("means", parts.means)) if not value]
    if not missing:
        return []
    if parts.means is None and parts.role is None:
        body = re.sub(r"^(?:i|we)\s+(?:want|need|would like)\s+(?:to\s+)?", "", parts.text, flags=re.I).rstrip(".")
        fix = compose_story("<role>", body[:1].lower() + body[1:] if body else "<what they want to do>")
        why = "it does not follow 'As a <role>, I want <what>', so nobody can tell who needs it or what they want"
    elif parts.role is None:
        fix = rebuild(parts, role="<role>")
        why = "it does not say who wants this (no 'As a <role>')"
    else:
        fix = rebuild(parts, means="to <what they want to do>")
        why = "it names a role but not what they want to do (no 'I want ...')"
    return [finding("well_formed", "error", f"Not a well-formed story: {why}.", fix)]


def full_sentence(parts: StoryParts) -> list[QualityFinding]:
    """The story reads as one correct sentence: capital, closing period, no doubled words or wrong article."""
    text = parts.story_sentence
    if not text:
        return []
    problems: list[str] = []
    fixed = text
    doubled = re.search(r"\b(\w+)\s+\1\b", fixed, flags=re.I)
    if doubled and doubled.group(1).lower() not in {"had", "is", "that's", "very"}:
        problems.append(f"the word '{doubled.group(1)}' is written twice")
        fixed = re.sub(r"\b(\w+)\s+\1\b", r"\1", fixed, count=1, flags=re.I)
    art = re.match(r"^(as\s+)(an?)(\s+)(\w+)", fixed, flags=re.I)
    if art and art.group(2).lower() != article_for(art.group(4)):
        want = article_for(art.group(4))
        problems.append(f"it should read '{want} {art.group(4)}'")
        fixed = fixed[: art.start(2)] + want + fixed[art.end(2) :]
    if parts.role and re.search(r"[a-z][A-Z][a-z]", parts.role) and " " not in parts.role.strip():
        spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", parts.role)
        problems.append(f"the role '{parts.role}' is missing a space")
        fixed = fixed.replace(parts.role, spaced, 1)
    if re.search(r"(?:^|\s)i(?=\s|['’])", fixed):
        problems.append("'I' is written in lower case")
        fixed = re.sub(r"(?:^|(?<=\s))i(?=\s|['’])", "I", fixed)
    if fixed[:1].islower():
        problems.append("it does not start with a capital letter")
        fixed = fixed[:1].upper() + fixed[1:]
    severity = "warning" if problems else "info"
    if fixed[-1:] not in (".", "!", "?"):
        problems.append("it does not end with a full stop")
        fixed = fixed.rstrip(" ,;:") + "."
    if not problems:
        return []
    return [finding("full_sentence", severity, f"Not a clean full sentence: {'; '.join(problems)}.", fixed)]


# ---- minimal ---------------------------------------------------------------------------------------------------

_BRACKETS = re.compile(r"\s*[\(\[\{][^\)\]\}]*[\)\]\}]")
_EXAMPLE_START = re.compile(r",?\s*\b(?:e\.\s?g\.?|eg\.|i\.\s?e\.?|for example|for instance|such as|including)(?=\W)",
                            re.I)
_ELLIPSIS = re.compile(r",?\s*(?:\betc\b\.?|\.\.\.+|…)", re.I)
# A second "I want" starts the ends ("..., so I want to use X") or follows a comma in the means; "the care I need"
# inside a clause is not one.
_SECOND_WANT = re.compile(
    r"(?:^|[,;]\s*(?:and\s+|so\s+|but\s+)?)(?:i|we)\s+(?:also\s+)?(?:want|need|would like|'d like)\b", re.I)
# The example list ends at a clause that carries on the story ("..., to identify", "..., so that").
_PURPOSE_VERBS = ACTION_VERBS | frozenset(
    "improve identify ensure make help predict determine enhance reduce increase understand support provide "
    "assess inform gain achieve avoid prevent optimize optimise detect develop".split())
_EXAMPLE_END = re.compile(
    r",\s*(?=(?:to|so|in order|which|that|because|allowing|ensuring|enabling)\b)|\s+(?=to\s+(?:"
    + "|".join(sorted(_PURPOSE_VERBS)) + r")\b)", re.I)


def _like_examples(component: str) -> list[int]:
    """Start offsets of 'tools like X' (preposition 'like' after a noun), not 'look like' or 'would like'."""
    if " like " not in f" {component} ":
        return []
    doc = nlp.parse(component)
    return [t.idx for t in doc
            if t.lower_ == "like" and t.pos_ in ("ADP", "SCONJ") and t.head.pos_ in ("NOUN", "PROPN")]


def _cut_examples(component: str) -> tuple[str, bool]:
    starts = [m.start() for m in _EXAMPLE_START.finditer(component)] + _like_examples(component)
    if not starts:
        return component, False
    start = min(starts)
    if component[start:].lstrip(" ,").lower().startswith("including"):
        # "all items including archived ones" narrows the scope; only a list ("including A, B and C") is an example.
        tail = component[start:]
        if "," not in tail.strip(" ,") and " and " not in tail and " or " not in tail:
            return component, False
    end_match = _EXAMPLE_END.search(component, start + 2)
    kept = component[:start] + ((", " + component[end_match.end() :]) if end_match else "")
    return tidy(kept), True


def minimal(parts: StoryParts) -> list[QualityFinding]:
    """Only role, means and ends: no brackets, examples, ellipses, second 'I want' or notes after the story."""
    if not parts.means and not parts.role:
        return []
    reasons: list[str] = []
    role, means, ends = parts.role, parts.means, parts.ends
    if _BRACKETS.search(parts.story_sentence):
        reasons.append("text in brackets")
        role = tidy(_BRACKETS.sub("", role)) if role else role
        means = tidy(_BRACKETS.sub("", means)) if means else means
        ends = tidy(_BRACKETS.sub("", ends)) if ends else ends
    cut_any = False
    for name in ("means", "ends"):
        value = means if name == "means" else ends
        if not value:
            continue
        new, cut = _cut_examples(value)
        if cut:
            cut_any = True
            if name == "means":
                means = new
            else:
                ends = new
    if cut_any:
        reasons.append("examples ('e.g.', 'such as', 'including')")
    if any(_ELLIPSIS.search(v or "") for v in (means, ends)):
        reasons.append("an open list ('etc.', '...')")
        means = tidy(_ELLIPSIS.sub("", means)) if means else means
        ends = tidy(_ELLIPSIS.sub("", ends)) if ends else ends
    second = _SECOND_WANT.search(ends or "") or _SECOND_WANT.search(means or "")
    if second:
        reasons.append("a second 'I want'")
        if ends and _SECOND_WANT.search(ends):
            ends = tidy(ends[: _SECOND_WANT.search(ends).start()]) or None
        elif means:
            means = tidy(means[: second.start()]).rstrip(" ,") or means
    if parts.extra:
        reasons.append("extra sentences after the story")
    if not reasons:
        return []
    fix = rebuild(parts, role=role, means=means, ends=ends)
    message = (f"Not minimal: the story carries {', '.join(reasons)}. Keep only who, what and why; move details "
               "to the acceptance criteria or a note.")
    return [finding("minimal", "warning", message, fix)]


# ---- atomic ----------------------------------------------------------------------------------------------------


def _masked(means: str) -> str:
    """The means with fixed expressions ('terms and conditions') neutralised so their 'and' is not counted."""
    out = means
    for phrase in BINOMIALS:
        out = re.sub(re.escape(phrase), lambda m: m.group(0).replace(" and ", " n_d ").replace(" or ", " o_r "),
                     out, flags=re.I)
    return out


def _is_action(tok: Any) -> bool:
    if re.search(r"[a-z][A-Z]", tok.text):  # "PPoPCongressionalDistrict" is a name, whatever the tagger says
        return False
    if tok.pos_ in ("VERB",) and tok.tag_ not in ("VBN",):
        return True
    # Mis-tagged verbs still betray themselves by their dependants: "to research requirements".
    if tok.pos_ in ("NOUN", "PROPN") and any(
            (c.dep_ == "aux" and c.lower_ == "to") or (c.dep_ == "dobj" and tok.lower_ in ACTION_VERBS)
            for c in tok.children):
        return True
    return tok.lower_ in ACTION_VERBS and tok.tag_ in ("NN", "NNP", "VB", "VBP", "VBZ") and tok.i > 0 and (
        tok.nbor(-1).lower_ in _CONJ_WORDS or tok.nbor(-1).text == ",")


def purpose_start(doc: Any, off: int) -> int:
    """Where a purpose clause starts inside the means ('use X to identify Y', ', ensuring Z'), else len(doc.text).

    Such a clause is the story's 'why' written without 'so that'; Lucassen's atomic check is about the means, so
    'to reduce costs and improve care' there is not two features.
    """
    for tok in doc:
        if tok.idx < off:
            continue
        if tok.lower_ == "to" and tok.dep_ == "aux" and tok.head.pos_ == "VERB" and tok.head.i > tok.i:
            verb, gov = tok.head, tok.head.head
            if verb.dep_ == "advcl" and gov.idx < off:  # "I want clear rules to ensure safety"
                return tok.idx
            if (verb.dep_ in ("xcomp", "advcl") and gov.pos_ == "VERB" and gov.tag_ != "VBN" and gov.idx >= off
                    and any(c.dep_ == "dobj" and c.i < tok.i for c in gov.children)):  # "use X to identify Y"
                return tok.idx
        if (tok.tag_ == "VBG" and tok.i > 0 and tok.nbor(-1).text == "," and tok.dep_ in ("advcl", "xcomp", "conj")
                and tok.lower_ not in ACTION_VERBS):
            return tok.nbor(-1).idx
    return len(doc.text)


def _in_noun_list(doc: Any, cc: Any, verb: Any) -> bool:
    """True when the conjunction closes a list of nouns ('as creator, source, or subject'), not a verb pair."""
    prev = cc.i - 1
    while prev > verb.i and doc[prev].is_punct:
        prev -= 1
    tok = doc[prev]
    if tok.i == verb.i or tok.pos_ not in ("NOUN", "PROPN", "ADJ", "NUM"):
        return False
    if tok.pos_ == "ADJ" and cc.i + 1 < len(doc) and doc[cc.i + 1].tag_ in ("VBG", "JJ"):
        return True  # "visual or hearing troubles"
    while tok.i != tok.head.i and tok.i != verb.i:
        if tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN", "ADJ"):
            return True
        if tok.dep_ == "amod":
            return True
        tok = tok.head
    return False


def _inside_brackets(text: str, pos: int) -> bool:
    """An aside in brackets is a minimal defect of its own, not a second feature."""
    return text[:pos].count("(") > text[:pos].count(")")


_TOGETHER = re.compile(r"\b(?:in one|together|combined|side by side|at once|at the same time|both)\b", re.I)


def _action_pairs(prefix: str, means: str) -> list[tuple[int, int, int, int]]:
    """(first start, conjunction start, second start, shared-tail start or -1) offsets in the means per pair."""
    doc = nlp.parse(prefix + _masked(means))
    off = len(prefix)
    stop = purpose_start(doc, off)
    pairs: list[tuple[int, int, int, int]] = []
    for tok in doc:
        if tok.idx < off or tok.idx >= stop or tok.lower_ not in _CONJ_WORDS or tok.i + 1 >= len(doc):
            continue
        nxt = tok.nbor(1)
        while nxt.i + 1 < len(doc) and nxt.pos_ in ("ADV", "PART", "PUNCT") and nxt.lower_ not in ("to",):
            nxt = nxt.nbor(1)
        if nxt.lower_ == "to" and nxt.i + 1 < len(doc):
            nxt = nxt.nbor(1)
        first = None
        conj = [c for c in tok.head.children if c.dep_ == "conj" and c.i > tok.i]
        if conj and _is_action(tok.head) and (_is_action(conj[0]) or conj[0].lower_ in ACTION_VERBS):
            first = tok.head
            if first.idx < off:  # "I want to know X, and share Y": joined to 'want' itself
                first = next((t for t in doc if t.idx >= off and _is_action(t)), None)
                if conj[0].tag_ in ("VBD", "VBN"):  # "filled ... and remembered": misparse onto 'want'
                    first = None
        elif _is_action(nxt) or (nxt.lower_ in ACTION_VERBS and nxt.tag_.startswith(("VB", "NN"))
                                   and nxt.dep_ not in ("pobj",) and not (nxt.i > 0 and nxt.nbor(-1).pos_ == "DET")):
            # The tagger often reads the second verb as a noun ("search and filter invoices"): trust the word
            # list when the left side of the conjunction is itself an action.
            left = [t for t in doc[:tok.i] if t.idx >= off and _is_action(t) and t.lower_ not in ("want", "need")]
            if (left and not _in_noun_list(doc, tok, left[-1]) and not (nxt.tag_ == "VBG" and nxt.dep_ in ("amod",
                                                                                                         "compound"))
                    and (left[-1].i == tok.i - 1 or nxt.pos_ == "VERB"
                         or left[-1].dep_ in ("xcomp", "ROOT", "relcl", "conj", "advcl"))):
                first = left[-1]
        tail = -1
        if (first is None and conj and tok.head.dep_ == "dobj" and tok.head.head.idx < off
                and tok.head.pos_ in ("NOUN", "PROPN") and conj[0].pos_ in ("NOUN", "PROPN")
                and not _TOGETHER.search(means)):
            # "I want a search page and an export": two things asked for directly, no verb of their own.
            first = next((t for t in doc if t.idx >= off), None)
            nxt = conj[0].left_edge if conj[0].left_edge.i > tok.i else nxt
            chunk = next((c for c in doc.noun_chunks if c.start <= conj[0].i < c.end), None)
            tail = (chunk.end_char if chunk is not None else conj[0].idx + len(conj[0].text)) - off
        if (first is not None and first.tag_ == "VBG" and nxt.tag_ == "VBG" and tail < 0
                and not any(c.dep_ == "dobj" for t in (first, nxt) for c in t.children)):
            first = None  # gerunds name activities ("for ease of browsing and searching"), not two features
        if first is not None and first.idx >= off and not _inside_brackets(means, tok.idx - off):
            pairs.append((first.idx - off, tok.idx - off, nxt.idx - off, tail))
    return pairs


def split_means(parts: StoryParts) -> list[str]:
    """The means split at its first pair of joined actions (empty when the story is atomic)."""
    if not parts.means:
        return []
    prefix = means_prefix(parts)
    pairs = _action_pairs(prefix, parts.means)
    if not pairs:
        return []
    first, conj, second, tail = pairs[0]
    means = parts.means
    lead, left, right = means[:first], means[first:conj].rstrip(" ,"), means[second:]
    if tail >= 0:  # two noun phrases sharing what follows: "rules and standards for AVs"
        return [tidy(f"{lead}{left} {means[tail:]}"), tidy(f"{lead}{means[second:tail]} {means[tail:]}")]
    if " " not in left.strip():  # shared object: "search and filter invoices"
        rest = right.split(None, 1)[1] if " " in right.strip() else ""
        one = f"{lead}{left} {rest}"
    else:
        one = f"{lead}{left}"
    return [tidy(one), tidy(f"{lead}{right}")]


def atomic(parts: StoryParts) -> list[QualityFinding]:
    """One feature per story: no 'and'/'or'/'&'/'+' joining two actions in the means."""
    halves = split_means(parts)
    if not halves:
        return []
    split = "\n".join(rebuild(parts, means=half) for half in halves)
    return [finding(
        "atomic", "warning",
        f"Not atomic: the means asks for two things ('{halves[0]}' and '{halves[1]}'); they may be built, tested "
        "and prioritised separately, so split them into two stories.",
        split,
    )]
