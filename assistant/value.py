"""Business value, effort, priority and stakeholder decisions, always with their inputs.

Every number the PO sees is stored with what it was computed from (StoryValue.inputs), so "not now" comes with
a transparent why: who asked, which segments and their weights, ARR, sentiment, urgency, and the cost of delay
of the stories ranked above.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select

from assistant.models import FeedbackItem, Story, StoryValue
from assistant.repository import load_items, load_needs, load_stories
from assistant.tables import BacklogItemRow, NeedRow, StoryRow, as_utc

FIBONACCI = (1, 2, 3, 5, 8, 13)
CUSTOMER_KEYS = ("customer_id", "account_id", "account", "company", "customer", "organization", "org", "email", "author", "user")
SEGMENT_KEYS = ("plan", "tier", "segment", "customer_segment", "subscription")
ARR_KEYS = ("arr", "ARR", "revenue", "annual_revenue", "contract_value", "acv")
MRR_KEYS = ("mrr", "MRR", "monthly_revenue")
# Asks touching other systems or money are bigger than their criteria count suggests.
COMPLEX = re.compile(r"\b(integrat\w*|sync\w*|import\w*|migrat\w*|sso|saml|okta|bank|api|payment|pay|offline|currenc\w*)\b", re.I)
# WSJF's risk reduction for a serious situation the evidence reports (the urgency reasons of assistant.triage):
# regulatory, security and fraud exposure first, then harm to one customer's money, data or access. A situation
# counts when the story is a stakeholder ask's own and the ask states it, or a real share of its customers report
# it (SERIOUS_SHARE).
RISK_BY_REASON = {"legal or privacy deadline": 13, "security": 13, "fraud or unauthorised use": 13,
                  "theft or loss": 8, "block or freeze to stop harm": 8, "lost access": 8, "data loss": 8,
                  "outage": 8, "churn threat": 8}
DEADLINE_REASONS = {"legal or privacy deadline"}  # a date the team cannot move: time criticality at its top
SERIOUS_SHARE = 0.15
MOSCOW_CUTS = ((0.25, "must"), (0.60, "should"), (0.85, "could"), (1.01, "wont"))
PRIORITY = {"must": "P1", "should": "P2", "could": "P3", "wont": "P4"}


def estimate_points(story: Story) -> tuple[int, dict[str, Any]]:
    """Story points on the Fibonacci scale from criteria count, ask complexity and bug vs feature."""
    n = len(story.acceptance_criteria)
    step = {0: 0, 1: 0, 2: 1, 3: 2, 4: 3, 5: 3}.get(n, 4)
    complex_hit = COMPLEX.search(story.goal)
    is_bug = " without " in story.goal and any("stays open" in c.then or "no error" in c.then for c in story.acceptance_criteria)
    if complex_hit:
        step += 1
    if is_bug and n <= 3:
        step -= 1
    step = max(0, min(step, len(FIBONACCI) - 1))
    inputs = {"criteria": n, "complexity": complex_hit.group(0).lower() if complex_hit else None, "bug": is_bug,
              "rule": "criteria count -> 1/2/3/5/8, +1 step for integrations/payments/imports, -1 for small bugs"}
    return FIBONACCI[step], inputs


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower().replace(",", "").replace("$", "").replace("€", "").replace("£", "")
        mult = 1000.0 if text.endswith("k") else 1_000_000.0 if text.endswith("m") else 1.0
        try:
            return float(text.rstrip("km")) * mult
        except ValueError:
            return None
    return None


def _customer(item: FeedbackItem) -> str:
    for key in CUSTOMER_KEYS:
        value = item.metadata.get(key)
        if isinstance(value, (str, int)) and str(value).strip():
            return f"{key}:{str(value).strip().lower()}"
    return f"item:{item.duplicate_of or item.id}"


def value_inputs(items: Sequence[FeedbackItem], weights: dict[str, float]) -> dict[str, Any]:
    """Who asked and how much it matters to them: the inputs every score is computed from."""
    weights = {k.lower(): float(v) for k, v in (weights or {}).items()}
    customers: dict[str, dict[str, Any]] = {}
    for item in items:
        c = customers.setdefault(_customer(item), {"segment": None, "arr": 0.0})
        for key in SEGMENT_KEYS:
            if isinstance(item.metadata.get(key), str) and item.metadata[key].strip():
                c["segment"] = item.metadata[key].strip()
                break
        arr = next((_number(item.metadata.get(k)) for k in ARR_KEYS if _number(item.metadata.get(k)) is not None), None)
        if arr is None:
            mrr = next((_number(item.metadata.get(k)) for k in MRR_KEYS if _number(item.metadata.get(k)) is not None), None)
            arr = mrr * 12 if mrr is not None else None
        c["arr"] = max(c["arr"], arr or 0.0)
    segments = Counter((c["segment"] or "unknown") for c in customers.values())
    weighted = sum(weights.get((c["segment"] or "").lower(), 1.0) for c in customers.values())
    triaged = [i.triage for i in items if i.triage]
    sentiments = Counter(t.sentiment.label for t in triaged)
    urgency = Counter(t.urgency.label for t in triaged)
    types = Counter(t.type for t in triaged)
    n = max(len(triaged), 1)
    serious = Counter(i.triage.urgency.reason for i in items if i.kind != "stakeholder_ask" and i.triage
                      and i.triage.urgency.label == "high" and i.triage.urgency.reason)
    # A stakeholder's serious reason counts only for the ask's own story (all its evidence is asks): beside
    # customers' items an ask is context, and a misplaced citation must not lift a customer story to the top (the
    # acdisplay audit: a GDPR ask cited by "see a notification without errors" ranked it 1 of 22).
    own = all(i.kind == "stakeholder_ask" for i in items)
    asked = {i.triage.urgency.reason for i in items if own and i.triage
             and i.triage.urgency.label == "high" and i.triage.urgency.reason}
    customers_n = sum(1 for i in items if i.kind != "stakeholder_ask")
    return {
        "items": len(items),
        "customers": len(customers),
        "segments": dict(sorted(segments.items())),
        "segment_weights_used": {s: weights.get(s.lower(), 1.0) for s in sorted(segments)},
        "weighted_reach": round(weighted, 2),
        "arr": round(sum(c["arr"] for c in customers.values()), 2),
        "negative_share": round(sentiments.get("negative", 0) / n, 2),
        "urgency": {k: urgency.get(k, 0) for k in ("high", "medium", "low")},
        "high_share": round(urgency.get("high", 0) / n, 2),
        "medium_share": round(urgency.get("medium", 0) / n, 2),
        "types": dict(sorted(types.items())),
        "stakeholder_asks": sum(1 for i in items if i.kind == "stakeholder_ask"),
        # the serious situations this story's evidence really reports (see RISK_BY_REASON)
        "serious": sorted(asked | {r for r, c in serious.items() if c >= max(2, SERIOUS_SHARE * customers_n)}),
    }


def score(inputs: dict[str, Any]) -> float:
    """Value = weighted reach x pain (negative share) x urgency x ARR factor."""
    pain = 1 + 0.5 * inputs["negative_share"]
    urgency = 1 + 0.5 * inputs["high_share"] + 0.2 * inputs["medium_share"]
    arr = 1 + math.log10(1 + inputs["arr"] / 10_000)
    return round(inputs["weighted_reach"] * pain * urgency * arr, 2)


def _rice(inputs: dict[str, Any], points: int, is_bug: bool) -> tuple[float, dict[str, Any]]:
    impact = 3.0 if inputs["high_share"] >= 0.3 or is_bug else 2.0 if inputs["negative_share"] >= 0.5 else 1.0
    confidence = 1.0 if inputs["items"] >= 5 else 0.8 if inputs["items"] >= 2 else 0.5
    reach = inputs["customers"]
    return round(reach * impact * confidence / points, 2), {"reach": reach, "impact": impact, "confidence": confidence, "effort": points}


def _wsjf(value: float, top: float, inputs: dict[str, Any], points: int, is_bug: bool) -> tuple[float, dict[str, Any]]:
    business = max(1, round(10 * value / top)) if top else 1
    serious = inputs.get("serious", [])
    critical = round(2 + 6 * inputs["high_share"] + 3 * inputs["medium_share"])
    if any(r in DEADLINE_REASONS for r in serious):
        critical = 13
    risk = max([5 if is_bug else 3 if inputs["negative_share"] >= 0.5 else 1,
                *(RISK_BY_REASON.get(r, 5) for r in serious)])
    cod = business + critical + risk
    return round(cod / points, 2), {"business_value": business, "time_criticality": critical, "risk_reduction": risk,
                                    "cost_of_delay": cod, "job_size": points}


def _who(inputs: dict[str, Any]) -> str:
    """'12 customers', '1 stakeholder ask', '3 customers and 1 stakeholder ask': a stakeholder is no customer."""
    asks = inputs.get("stakeholder_asks", 0)
    people = max(inputs["customers"] - asks, 0)
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((people, "customer"), (asks, "stakeholder ask")) if n]
    return " and ".join(parts) or "no customers"


def prioritize(ws: Any) -> list[Story]:
    """Score, estimate and order every live story; writes value, suggested points, priority, position only when they change."""
    weights = ws.get_setting("segment_weights") or {}
    with ws.transaction() as s:
        stories = [st for st in load_stories(s) if st.status != "rejected"]
        items = {i.id: i for i in load_items(s, [e for st in stories for e in st.evidence])}
        # A story the team has not estimated counts as the median team estimate (1 before any): the engine's
        # suggestion is shown, never used to rank. It grows with the criteria count and a story to write has none,
        # so a story with good criteria fell behind one-review stubs (comic-viewer audit: the 38-customer memory
        # story ranked 15th, below stories to write "sized" 1 point).
        team = sorted(st.points for st in stories if st.points)
        typical = team[len(team) // 2] if team else 1
        rows: list[tuple[Story, dict[str, Any], float, int, dict[str, Any], bool, int | None]] = []
        for st in stories:
            inputs = value_inputs([items[e] for e in st.evidence if e in items], weights)
            guess: int | None = None
            if st.points:
                points, effort = st.points, {"source": "team estimate"}
            else:
                guess, rule = (st.points_suggested, {}) if st.points_suggested else estimate_points(st)
                points = typical
                effort = {"source": "not estimated", "suggested": guess, **rule,
                          "size used": f"{typical} ({'median team estimate' if team else 'no team estimates yet'})"}
            is_bug = bool(inputs["types"].get("bug")) and inputs["types"]["bug"] * 2 >= inputs["items"]
            rows.append((st, inputs, score(inputs), points, effort, is_bug, guess))
        top = max((r[2] for r in rows), default=0.0)
        ranked = []
        for st, inputs, value, points, effort, is_bug, guess in rows:
            rice, rice_in = _rice(inputs, points, is_bug)
            wsjf, wsjf_in = _wsjf(value, top, inputs, points, is_bug)
            ranked.append((st, inputs, value, points, effort, rice, rice_in, wsjf, wsjf_in, guess))
        ranked.sort(key=lambda r: (-r[7], -r[2], r[0].id))
        out = []
        for pos, (st, inputs, value, points, effort, rice, rice_in, wsjf, wsjf_in, guess) in enumerate(ranked):
            moscow = next(m for cut, m in MOSCOW_CUTS if pos / max(len(ranked), 1) < cut) if len(ranked) > 1 else "must"
            why = (f"Ranked {pos + 1} of {len(ranked)} by WSJF {wsjf} (cost of delay {wsjf_in['cost_of_delay']} / "
                   + (f"{points} points)" if st.points else f"size {effort['size used']}: not estimated)")
                   + f": {_who(inputs)}, weighted reach {inputs['weighted_reach']}, "
                   f"{round(inputs['negative_share'] * 100)}% negative, urgency "
                   + "/".join(f"{k} {v}" for k, v in inputs["urgency"].items())
                   + (f", ARR {inputs['arr']:.0f}" if inputs["arr"] else "")
                   + (f"; serious: {', '.join(inputs['serious'])} (risk reduction {wsjf_in['risk_reduction']}, "
                      f"time criticality {wsjf_in['time_criticality']})" if inputs["serious"] else ""))
            sv = StoryValue(score=value, moscow=moscow, rice=rice, wsjf=wsjf, value_per_point=round(value / points, 2),
                            inputs={**inputs, "effort": effort, "rice": rice_in, "wsjf": wsjf_in, "rank": pos + 1, "why": why})
            row = s.get(StoryRow, st.id)
            suggested = st.points_suggested if st.points or st.kind == "to_write" else guess
            changes = {"value": sv.model_dump(), "points_suggested": suggested, "priority": PRIORITY[moscow], "position": pos}
            if any(getattr(row, k) != v for k, v in changes.items()):
                for k, v in changes.items():
                    setattr(row, k, v)
                s.flush()  # bumps the row version: someone holding the old one must reload before editing
            out.append(st.model_copy(update={"value": sv, "points_suggested": suggested, "priority": PRIORITY[moscow],
                                             "version": row.version}))
    return out


class AskDecision(BaseModel):
    """What happened to one stakeholder ask, and why."""

    item_id: str
    text: str
    stakeholder: str | None = None
    need_id: str | None = None
    need_name: str | None = None
    story_ids: list[str] = []
    decision: str  # accepted | merged | not now
    why: str


def _urgency_note(ask: FeedbackItem, reasons: Counter[str] | None, customers: int) -> str:
    """Why an ask cannot wait, in words: its own serious reason (a renewal at risk, a legal deadline), or a real share
    (15%, at least 2) of the customers in its need reporting something serious; "" when neither."""
    if ask.triage and ask.triage.urgency.label == "high":
        return f"Urgent: {ask.triage.urgency.reason or 'a serious matter'}, in the ask itself."
    n = sum(reasons.values()) if reasons else 0
    if reasons and n >= max(2, 0.15 * customers):
        return f"Urgent: {n} of {customers} customer items in this need report {reasons.most_common(1)[0][0]}."
    return ""


def _where(item: FeedbackItem, need: Any, members: dict[str, list[str]], others: str = "") -> str:
    """Which need the ask is in and why, as far as it is true (assistant.triage.stakes.fit; `others`: customers
    elsewhere asking the same, for an ask in its own need), then the deadline or the customer's move the ask states,
    which value per point does not weigh."""
    from assistant.triage.stakes import fit, stated

    return " ".join(p for p in (fit(item.text, need.name, members.get(need.id, [])), others, stated(item.text)) if p)


def _elsewhere(ws: Any, item: FeedbackItem, customers: list[FeedbackItem], needs: dict[str, Any]) -> str:
    from assistant.needs.build import NeedParams
    from assistant.triage.stakes import elsewhere

    live = [it for it in customers if not it.duplicate_of]
    return elsewhere(item.text, live, ws.index.get_vectors([it.id for it in live]), ws.embedder.embed,
                     {k: n.name for k, n in needs.items()}, NeedParams().ask_asker_similarity)


def stakeholder_decisions(ws: Any) -> list[AskDecision]:
    """A decision note per stakeholder ask: its need, accepted / merged / not now, and the opportunity cost."""
    with ws.transaction() as s:
        asks = load_items(s, kind="stakeholder_ask")  # filtered in SQL: not every item in the workspace
        needs = {n.id: n for n in load_needs(s)}
        covered = {r.need_id: r.key for r in s.scalars(select(BacklogItemRow).where(BacklogItemRow.need_id.is_not(None)))}
        stories = load_stories(s)
        reasons = dict(s.execute(select(StoryRow.id, StoryRow.status_reason)).all())
        newest = s.scalar(select(func.max(NeedRow.updated_at)))
        urgent: dict[str, Counter[str]] = {}  # per need: reasons of its customers' high-urgency items
        members: dict[str, list[str]] = {}  # per need: its customer items' texts (what the note counts)
        customers = load_items(s, kind="feedback")
        for it in customers:
            if it.need_id and not it.duplicate_of:
                members.setdefault(it.need_id, []).append(it.text)
            if it.need_id and it.triage and it.triage.urgency.label == "high":
                urgent.setdefault(it.need_id, Counter())[it.triage.urgency.reason or "urgent"] += 1
    from assistant.triage.stakes import stated as stated_stake

    newest_need = as_utc(newest) if newest else None
    live = sorted([st for st in stories if st.status != "rejected"], key=lambda st: st.value.inputs.get("rank", 10**6))
    drafted = {st.need_id for st in stories}
    out = []
    for item in asks:
        who = next((str(item.metadata[k]) for k in ("stakeholder", "author", "requested_by", "team") if item.metadata.get(k)), None)
        need = needs.get(item.need_id or "")
        base = dict(item_id=item.id, text=item.text, stakeholder=who, need_id=need.id if need else None,
                    need_name=need.name if need else None)
        if need is None:
            # Only an ask that arrived after the last grouping is without a need: `needs` routes every ask.
            out.append(AskDecision(**base, decision="not now", why=(
                "Not grouped yet: it arrived after needs were last built; run `backlogsmith needs`." if not needs or
                newest_need is None or (item.created_at and as_utc(item.created_at) > newest_need)
                else "No need holds this ask after the last grouping.")))
            continue
        others = "" if members.get(need.id) else (  # its own need: which customers elsewhere ask the same, if any
            _elsewhere(ws, item, customers, needs) or "Customers may still ask for it in other words.")
        where = _where(item, need, members, others)
        if need.id in covered:
            out.append(AskDecision(**base, decision="merged", why=f"{where} Already in backlog: {covered[need.id]}."))
            continue
        # Stories cite customers' own words, so a stakeholder's ask is rarely cited; the written story of the need
        # it joined serves it (the PO audit found "not now: no story cites this ask" beside that very story).
        mine = [st for st in live if item.id in st.evidence] or [
            st for st in live if st.need_id == need.id and st.kind != "to_write"]
        urgency = _urgency_note(item, urgent.get(need.id),
                                sum(v for k, v in need.counts.by_kind.items() if k != "stakeholder_ask"))
        if not mine:
            rejected = [st for st in stories if item.id in st.evidence and st.status == "rejected"]
            why = (f"Story {rejected[0].id} was rejected: {reasons.get(rejected[0].id) or 'no reason given'}."
                   if rejected else "No story drafted for this need yet; run `backlogsmith draft`." if not drafted
                   else f"Drafting wrote no story that cites this ask; `backlogsmith needs show {need.id}` has the "
                        "need's brief to write one from.")
            if urgency and not rejected:  # serious: accepted now, the story is still to be written
                out.append(AskDecision(**base, decision="accepted", why=f"{where} {urgency} {why}"))
                continue
            if stated_stake(item.text):
                why += " The ranking does not weigh what the ask states: decide on it before deferring."
            out.append(AskDecision(**base, decision="not now", why=f"{where} {why}"))
            continue
        best = mine[0]
        rank = best.value.inputs.get("rank")
        ids = [st.id for st in mine]
        others = [e for e in best.evidence if e != item.id]
        if best.value.moscow in ("must", "should"):
            decision = "merged" if others else "accepted"
            why = (f"{where} Story {best.id} is ranked {rank} of {len(live)} ({best.value.moscow}, {best.priority}). "
                   f"{best.value.inputs.get('why', '')}")
        elif urgency:  # something serious (in the ask or its need's items) is not deferred for value per point
            decision = "merged" if others else "accepted"
            # The ranking is value per point and does not move for urgency: say so rather than claim it moved
            # (the PO audit found "goes ahead" notes on stories ranked 17 of 21).
            # "merged" and "Accepted" in one note read as a contradiction (bank audit): say what was done
            why = (f"{where} {urgency} {'Merged into it' if others else 'Accepted'} for that, although value per "
                   f"point ranks story {best.id} {rank} of "
                   f"{len(live)} ({best.priority}): move it up when you plan the sprint.")
        else:
            above = [st for st in live if st.value.inputs.get("rank", 10**6) < (rank or 10**6)]
            names = ", ".join(f"'{needs[st.need_id].name}'" if st.need_id in needs else st.id for st in above[:3])
            wsjf = best.value.inputs.get("wsjf", {})
            top = above[0].value.inputs.get("wsjf", {}) if above else {}
            decision = "not now"
            why = (f"{where} Not now: ranked {rank} of {len(live)} ({best.value.moscow}); the {len(above)} stories "
                   f"above it ({names}{', ...' if len(above) > 3 else ''}) "
                   + ("return more value per point of effort." if best.points else
                      "have a higher cost of delay (it is not estimated yet, so its size counts as typical)."))
            cited = sum(1 for e in best.evidence if e != item.id)
            held = len(members.get(need.id, []))
            if held >= 2 * max(cited, 1):  # bank audit: a 29-customer ask ranked on a story citing 7 of them
                why += (f" Its need holds {held} customer items but story {best.id} rests on {cited}: value per point "
                        "counts only those, so the need is bigger than its rank says.")
            if stated_stake(item.text):
                why += " The ranking does not weigh what the ask states: decide on it before deferring."
            if best.points and wsjf.get("cost_of_delay", 0) >= top.get("cost_of_delay", 0) and wsjf.get("job_size"):
                why += (f" Its cost of delay ({wsjf['cost_of_delay']}) is as high as the top story's, but it is "
                        f"estimated at {wsjf['job_size']} points against {top.get('job_size')}: split it to move it up.")
        out.append(AskDecision(**base, story_ids=ids, decision=decision, why=why.strip()))
    return out
