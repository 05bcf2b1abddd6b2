"""Does the evidence support the role? Some word of the role must appear in the cited items or their metadata.

"customer" on bug reports written by developers, or "mobile app user" on messages that never mention an app,
is a role the drafter assumed; the PO should see that rather than trust it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.models import FeedbackItem
from assistant.verify.agents import supports_agent
from assistant.verify.terms import metadata_words, singular

# metadata columns that name the product the feedback is about (a store export's app or package name): the
# writers are then its users, whatever words they chose
PRODUCT_KEYS = ("app", "app_name", "application", "product", "product_name", "package_name", "package")

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def role_words(role: str) -> set[str]:
    """The content words of a role ('a mobile app user' -> {mobile, app, user})."""
    stop = _stop_words()
    return {singular(w.lower()) for w in _WORD.findall(role or "") if w.lower() not in stop}


def evidence_words(items: Iterable[FeedbackItem]) -> set[str]:
    """Every word of the items and their metadata values, singular and plural folded."""
    words: set[str] = set()
    for item in items:
        for w in _WORD.findall(item.text):
            w = w.lower()
            words.add(w)
            words.add(singular(w))
        words |= metadata_words(item.metadata)
    return words


def names_product(item: FeedbackItem) -> bool:
    """Whether the item's metadata names the product it is about (so its writer is that product's user)."""
    return any(isinstance(v := item.metadata.get(k), str) and v.strip() for k in PRODUCT_KEYS)


def role_reason(role: str, items: Iterable[FeedbackItem], people: Iterable[str] = ()) -> str | None:
    """Why the role is unsupported, or None when some word of it appears in the cited items or metadata, or all its
    words are what the inbox's stakeholders call its people (`people`: roles.inbox_people; "Customers who lose
    their card" supports "customer" on a bank's support messages, which never call their writer anything)."""
    items = list(items)
    wanted = role_words(role)
    if not wanted:
        return "the story names no role"
    if not items:
        return None  # nothing cited: unsupported_evidence says so
    if wanted & evidence_words(items):
        return None
    if wanted <= {w for p in people for w in role_words(p)}:
        return None
    customers = [i for i in items if i.kind != "stakeholder_ask"]
    if wanted == {"user"} and customers and all(names_product(i) for i in customers):
        return None  # the metadata names the product: its reviewers are its users
    head = singular((role or "").split()[-1].lower())
    if len(wanted) == 1 and head in wanted and supports_agent(head, (i.text for i in items)):
        return None  # "reader" where a cited item says "I read ..."
    return (f"no word of the role '{role}' appears in the {len(items)} cited item(s), their metadata "
            "(segment, author, channel) or what the stakeholders call the people who write in, and none says its "
            "writer does what a "
            f"'{role.split()[-1] if role else role}' does")
