"""Who the story is for and why: the role from the evidence (persona, plan, self-description), the benefit from
the customers' own "so that / because" clauses, the need statement, or the kind of action.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from assistant.models import FeedbackItem
from assistant.stories.asks import Ask

ROLE_KEYS = ("persona", "role", "author_role", "job_title", "title", "user_role", "position", "job")
PLAN_KEYS = ("plan", "tier", "subscription", "pricing_plan")
SEGMENT_KEYS = ("segment", "customer_segment", "account_type", "customer_type")
_SELF = re.compile(
    r"(?:^|[.!?]\s+)(?:as an?|i am an?|i'm an?|we are an?|i work as an?)\s+((?:[a-z]+[ -]){0,2}?"
    r"(?:admin|administrator|manager|owner|accountant|bookkeeper|controller|freelancer|consultant|founder|developer"
    r"|designer|teacher|student|nurse|driver|approver|employee|contractor|director|lead|engineer|analyst|cfo|ceo"
    r"|assistant|agent|user|parent|member|officer|specialist|coordinator|recruiter|marketer|seller|buyer))\b",
    re.I,
)
_GENERIC = {"user", "customer", "person", "someone", "anyone"}


def _values(items: Sequence[FeedbackItem], keys: Sequence[str]) -> Counter[str]:
    found: Counter[str] = Counter()
    for item in items:
        for key in keys:
            value = item.metadata.get(key)
            if isinstance(value, str) and 1 < len(value.strip()) <= 40:
                found[value.strip()] += 1
                break
    return found


def _majority(counter: Counter[str], total: int) -> str | None:
    if not counter:
        return None
    value, n = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].lower()))[0]
    return value if n * 2 >= total else None


def derive_role(items: Sequence[FeedbackItem], asks: Sequence[Ask], plan_names: Sequence[str] = ()) -> str:
    """'finance admin on the Business plan': persona from metadata or self-description, plan/segment by majority."""
    # a stakeholder ask's role column is the requester (sales, support), not the customer the story is for
    customers = [i for i in items if i.kind != "stakeholder_ask"] or list(items)
    roles = _values(customers, ROLE_KEYS)
    for item in items:
        if m := _SELF.search(item.text):
            roles[m.group(1).lower().strip()] += 1
    for ask in asks:
        if ask.actor:
            roles[ask.actor] += 1
    role = _majority(roles, len(customers))
    if role is None and roles:
        top, n = sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        role = top if n >= 2 else None
    if role is None:
        mobile = [i for i in customers if _mobile(i)]
        role = "mobile app user" if len(mobile) * 2 > len(customers) else "customer"
    role = re.sub(r"^(the|a|an)\s+", "", role.strip(), flags=re.I)
    role = role if role.isupper() else role.lower()
    plan = _majority(_values(customers, PLAN_KEYS), len(customers))
    segment = _majority(_values(customers, SEGMENT_KEYS), len(customers))
    known_plans = {p.lower() for p in plan_names}
    if plan is None and segment is not None and segment.lower() in known_plans:
        plan, segment = segment, None
    if plan:
        name = plan if plan.isupper() else plan.strip().title()
        return f"{role} on the {name} plan"
    if segment:
        name = segment if segment.isupper() else segment.strip()
        return f"{name} {role}" if role in _GENERIC else f"{role} in the {name} segment"
    return role


def _mobile(item: FeedbackItem) -> bool:
    channel = str(item.metadata.get("channel", "")).lower()
    return any(w in channel for w in ("app store", "google play", "play store", "ios", "android"))


_STATEMENT_CANNOT = re.compile(r"\b(?:cannot|can't|can not|are unable to|is unable to|have no way to|has no way to)\s+([^.;,]{3,80})", re.I)
_STATEMENT_HAVE_TO = re.compile(r"\b(?:have|has|need|needs) to\s+([^.;,]{3,80})", re.I)
_OTHERS = re.compile(r"\b(their|his|her)\b", re.I)

TEMPLATES: dict[str, str] = {
    "save": "I don't have to enter {it} again every time",
    "export": "I can use {obj} outside the app",
    "download": "I can use {obj} outside the app",
    "import": "I don't have to type in data I already have elsewhere",
    "upload": "{obj} are kept with my records",
    "scan": "{obj} are kept with my records",
    "search": "I can find what I need without scrolling through everything",
    "filter": "I only see what matters for the task at hand",
    "sort": "I only see what matters for the task at hand",
    "share": "others get {obj} without me forwarding {it} by hand",
    "integrate with": "my data matches in both tools without copying it by hand",
    "get notifications": "I don't miss anything that needs my attention",
    "get reminded": "I don't miss anything that needs my attention",
    "pay": "I can complete my purchase in fewer steps",
    "check out": "I can complete my purchase in fewer steps",
    "log in": "I can get to my account without extra steps",
    "delete": "my records only contain what I still need",
    "edit": "my records stay correct",
    "change": "my records stay correct",
    "use": "I can work the way that suits me",
    "set up": "the app applies {obj} without me doing it by hand",
    "see": "I can check {obj} without asking anyone",
    "view": "I can check {obj} without asking anyone",
    "invite": "{obj} can work in the same account as me",
    "add": "{obj} can work in the same account as me",
    "get a refund": "I only pay for what I bought",
    "get a refund for": "I only pay for what I bought",
    "approve": "nothing waits on me longer than it has to",
}


def _from_statement(statement: str, name: str) -> str:
    """'I can <x>' from a problem statement, unless it just strings the need's keywords together."""
    core = re.split(r"\s*[:(;]|\s+because\s+|\s+which\s+", statement or "")[0]
    keywords = [k.strip().lower() for k in name.split("/") if len(k.strip()) > 2]
    if any(k in core.lower() for k in keywords):
        return ""  # a keyword template, not a sentence a customer would recognise
    if m := _STATEMENT_CANNOT.search(core):
        return _OTHERS.sub("my", f"I can {m.group(1).strip()}")
    if m := _STATEMENT_HAVE_TO.search(core):
        return _OTHERS.sub("my", f"I no longer have to {m.group(1).strip()}")
    return ""


def derive_benefit(asks: Sequence[Ask], statement: str, rep: Ask, name: str = "") -> tuple[str, str]:
    """(benefit, source): the customers' own purpose clause wins, then the need statement, then the action kind."""
    purposes = Counter(a.purpose for a in asks if a.purpose and a.key == rep.key)
    if purposes:
        best = sorted(purposes.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
        return best, "customer"
    if from_need := _from_statement(statement, name):
        return from_need, "need"
    low = rep.obj.lower()
    if rep.verb == "use" and any(w in low for w in ("sso", "single sign-on", "saml", "sign-on")):
        return "I don't have to manage a separate password for this app", "template"
    if rep.phrase == "use the app offline":
        return "I can keep working where there is no connection", "template"
    if rep.kind == "bug":
        return "I don't lose my work or have to contact support", "template"
    if rep.kind == "slow":
        return "I don't wait on the app before I can move on", "template"
    from assistant.stories.asks import VERB_KEYS

    template = TEMPLATES.get(rep.verb) or TEMPLATES.get(VERB_KEYS.get(rep.verb, ""))
    if template and rep.verb != "use":
        obj = rep.obj if rep.obj and not rep.pronoun else "the result"
        text = template.format(obj=obj, it=agree(obj, "it", "them"))
        if text.startswith(obj):
            text = text.replace(" are kept", agree(obj, " is kept", " are kept"), 1)
        return text, "template"
    if template:
        return template.format(obj=rep.obj or "it", it="it"), "template"
    return "I don't need a workaround outside the app for it", "template"


def plural(obj: str) -> bool:
    """Whether a noun phrase reads as plural (for 'is' / 'are')."""
    last = obj.split()[-1] if obj else ""
    return last.endswith("s") and not last.endswith("ss") and last.lower() not in ("this", "its", "status")


def agree(obj: str, singular: str, plural_form: str) -> str:
    return plural_form if plural(obj) else singular

