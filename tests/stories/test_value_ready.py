"""Value, effort, priority, stakeholder decisions, Definition of Ready and DEEP health on real rows."""

from __future__ import annotations

import pytest

from assistant.errors import ConfigError
from assistant.models import QualityFinding
from assistant.readiness import backlog_health, evaluate_ready
from assistant.stories import draft, reject_story
from assistant.value import estimate_points, prioritize, stakeholder_decisions, value_inputs
from story_fixtures import insert_fixture


@pytest.fixture
def ranked(workspace):
    insert_fixture(workspace)
    draft(workspace)
    return workspace, {st.id: st for st in prioritize(workspace)}


def test_every_score_keeps_its_inputs(ranked) -> None:
    _, stories = ranked
    for st in stories.values():
        v = st.value
        assert v.moscow in ("must", "should", "could", "wont") and st.priority in ("P1", "P2", "P3", "P4")
        assert st.points is None  # only the team estimates; the engine's points are a suggestion
        # nothing is estimated: every story counts the same size, the engine's suggestion is shown, not used to rank
        assert v.rice is not None and v.wsjf is not None and v.value_per_point == round(v.score, 2)
        for key in ("customers", "segments", "segment_weights_used", "weighted_reach", "arr", "negative_share",
                    "urgency", "effort", "rice", "wsjf", "rank", "why"):
            assert key in v.inputs, key
        assert v.inputs["wsjf"]["job_size"] == 1 and v.inputs["effort"]["source"] == "not estimated"
        assert st.kind == "to_write" or v.inputs["effort"]["suggested"] == st.points_suggested >= 1


def test_order_is_sensible(ranked) -> None:
    _, stories = ranked
    order = [st.need_id for st in sorted(stories.values(), key=lambda s: s.value.inputs["rank"])]
    # many paying Business-plan admins with ARR beat a single-customer nicety; dark mode (low urgency, positive) is last
    assert order.index("nd_export") < order.index("nd_mixed")
    rank = {s.goal: s.value.inputs["rank"] for s in stories.values()}
    assert rank["to use dark mode"] > max(r for g, r in rank.items() if "export" in g)
    export = next(s for s in stories.values() if s.need_id == "nd_export" and "CSV" in s.goal)
    assert export.value.inputs["arr"] == 24000 and export.value.inputs["segments"] == {"Business": 3}
    assert export.value.inputs["segment_weights_used"]["Business"] == 2.0
    excel = next(s for s in stories.values() if s.need_id == "nd_export" and "Excel" in s.goal)
    assert excel.value.inputs["segments"] == {"Business": 1, "Free": 1} and excel.value.score < export.value.score


def test_segment_weights_setting_changes_value(ranked) -> None:
    ws, stories = ranked
    export = next(s for s in stories.values() if s.need_id == "nd_export")
    ws.set_setting("segment_weights", {"business": 10.0})
    after = {s.id: s for s in prioritize(ws)}
    assert after[export.id].value.score > export.value.score
    assert after[export.id].value.inputs["segment_weights_used"]["Business"] == 10.0


def test_points_follow_criteria_and_complexity(ranked) -> None:
    _, stories = ranked
    for st in stories.values():
        points, inputs = estimate_points(st)
        assert inputs["criteria"] == len(st.acceptance_criteria)
    bank = next(s for s in stories.values() if "bank" in s.goal)
    dark = next(s for s in stories.values() if "dark mode" in s.goal)
    assert estimate_points(bank)[1]["complexity"] == "bank" and bank.points_suggested > dark.points_suggested


def test_value_inputs_count_customers_not_rows() -> None:
    from assistant.models import FeedbackItem, SourceRef

    src = SourceRef(path="x.csv", row=1)
    items = [FeedbackItem(id=f"fb_{i}", text="t", source=src, metadata={"company": "Acme", "plan": "Enterprise", "mrr": "1k"})
             for i in range(3)]
    inputs = value_inputs(items, {"enterprise": 3})
    assert inputs["customers"] == 1 and inputs["weighted_reach"] == 3.0 and inputs["arr"] == 12000


def _triaged(i: int, kind: str, urgency: str, reason: str = ""):  # type: ignore[no-untyped-def]
    from assistant.models import FeedbackItem, Sentiment, SourceRef, Triage, Urgency

    return FeedbackItem(id=f"fb_{kind}_{i}", text="t", kind=kind, source=SourceRef(path="x.csv", row=i + 1),
                        metadata={"author": f"a{i}"},
                        triage=Triage(type="feature_request", sentiment=Sentiment(label="neutral", score=0.0),
                                      urgency=Urgency(label=urgency, reason=reason)))


def test_a_serious_situation_raises_cost_of_delay_only_when_the_evidence_really_reports_it() -> None:
    from assistant.value import _wsjf

    legal = [_triaged(99, "stakeholder_ask", "high", "legal or privacy deadline")]
    crowd = [_triaged(i, "feedback", "low") for i in range(20)]
    one_fraud = [*crowd, _triaged(21, "feedback", "high", "fraud or unauthorised use")]
    many_fraud = [*crowd, *(_triaged(30 + i, "feedback", "high", "fraud or unauthorised use") for i in range(4))]
    assert value_inputs(legal, {})["serious"] == ["legal or privacy deadline"]  # a stakeholder ask states it
    assert value_inputs(one_fraud, {})["serious"] == []  # one customer in 21 is not the need's situation
    assert value_inputs([*crowd, *legal], {})["serious"] == []  # an ask beside customers' items is context
    assert value_inputs(many_fraud, {})["serious"] == ["fraud or unauthorised use"]  # 4 of 24: a real share
    _, plain = _wsjf(1.0, 10.0, value_inputs(crowd, {}), 1, False)
    _, deadline = _wsjf(1.0, 10.0, value_inputs(legal, {}), 1, False)
    _, fraud = _wsjf(1.0, 10.0, value_inputs(many_fraud, {}), 1, False)
    assert deadline["time_criticality"] == 13 and deadline["risk_reduction"] == 13
    assert fraud["risk_reduction"] == 13 and fraud["time_criticality"] < 13  # risk, but no date to meet
    assert plain["cost_of_delay"] < fraud["cost_of_delay"] < deadline["cost_of_delay"]
    from assistant.value import _who

    assert _who(value_inputs(legal, {})) == "1 stakeholder ask"  # not "1 customers"
    assert _who(value_inputs([*crowd, *legal], {})) == "20 customers and 1 stakeholder ask"


def test_stakeholder_decisions_explain_themselves(ranked) -> None:
    ws, stories = ranked
    decisions = stakeholder_decisions(ws)
    assert len(decisions) == 1
    d = decisions[0]
    assert d.need_id == "nd_card" and d.stakeholder == "Sales" and d.story_ids
    card = stories[d.story_ids[0]]
    assert d.decision == ("merged" if card.value.moscow in ("must", "should") else "not now")
    assert f"of {len(stories)}" in d.why
    reject_story(ws, card.id, actor="po", reason="payments team owns card storage")
    again = stakeholder_decisions(ws)[0]
    assert again.decision == "not now" and "payments team owns card storage" in again.why


def _ready_story(stories):
    """A drafted story as the PO leaves it after refinement: the team's estimate, a benefit, no open finding."""
    st = next(s for s in stories.values() if len(s.acceptance_criteria) >= 2)
    return st.model_copy(update={"points": 3, "benefit": "month-end close is done on time", "quality": []})


def test_definition_of_ready_defaults_and_configuration(ranked) -> None:
    ws, stories = ranked
    st = _ready_story(stories)
    assert evaluate_ready(st, None) == (True, [])
    thin = st.model_copy(update={"acceptance_criteria": st.acceptance_criteria[:1], "points": None})
    ok, missing = evaluate_ready(thin, None)
    assert not ok and any(m.startswith("min_two_testable_criteria") for m in missing) and any(m.startswith("estimated") for m in missing)
    assert evaluate_ready(thin, ["well_formed", "has_evidence"]) == (True, [])
    with pytest.raises(ConfigError, match="nope"):
        evaluate_ready(st, ["nope"])


def test_each_definition_of_ready_check_catches_its_own_defect(ranked) -> None:
    # One check at a time: a check must not lean on another one (e.g. well_formed on no_blocking_finding).
    ws, stories = ranked
    st = _ready_story(stories)
    two = st.acceptance_criteria[:2]
    bare = [two[0].model_copy(update={"evidence": []}), *two[1:]]
    vague = QualityFinding(criterion="criteria_testable", severity="warning", message="Criterion 1 is vague.")
    defects = {
        "well_formed": ({"quality": [QualityFinding(criterion="well_formed", severity="error", message="no role")]},
                        "the lint found"),
        "min_two_testable_criteria": ({"acceptance_criteria": two, "quality": [vague]},
                                      "criterion 1 is not testable as written"),
        "estimated": ({"points": None, "points_suggested": None}, "no story points"),
        "estimated ": ({"points": None, "points_suggested": 3}, "only the engine's suggestion"),
        "has_evidence": ({"acceptance_criteria": bare}, "every criterion must cite"),
        "no_blocking_finding": ({"quality": [QualityFinding(criterion="atomic", severity="error", message="two goals")]},
                                "atomic: two goals"),
        "prioritized": ({"priority": None}, "no priority"),
    }
    for name, (update, why) in defects.items():
        name = name.strip()
        assert evaluate_ready(st, [name]) == (True, []), name
        ok, missing = evaluate_ready(st.model_copy(update=update), [name])
        assert not ok and len(missing) == 1 and missing[0].startswith(f"{name}:") and why in missing[0], (name, missing)


def test_backlog_health_reports_deep(ranked) -> None:
    ws, stories = ranked
    report = backlog_health(ws)
    names = [c.name for c in report.checks]
    assert names == ["detailed_appropriately", "estimated", "emergent", "prioritized"]
    by = {c.name: c for c in report.checks}
    # drafted points are suggestions: nothing counts as estimated until the team sets them
    assert by["prioritized"].ok and not by["estimated"].ok and by["estimated"].numbers["estimated"] == 0
    assert by["detailed_appropriately"].numbers["ready"] == 0
    assert not by["emergent"].ok and by["emergent"].numbers["new_items"] == 19  # nothing reviewed yet


def test_the_engines_suggestion_never_ranks_only_team_estimates_do(ranked) -> None:
    """comic-viewer audit: the engine's points grow with the criteria count and a story to write has none, so the
    38-customer story with three criteria ranked below one-review stubs. Unestimated stories count the same size:
    1 before any team estimate, then the median team estimate."""
    from assistant.tables import StoryRow

    ws, stories = ranked
    assert all("not estimated" in st.value.inputs["why"] for st in stories.values())
    estimated = next(st for st in stories.values() if st.kind == "story")
    with ws.transaction() as s:
        s.get(StoryRow, estimated.id).points = 8
    again = {st.id: st for st in prioritize(ws)}
    assert again[estimated.id].value.inputs["wsjf"]["job_size"] == 8
    assert again[estimated.id].value.inputs["effort"]["source"] == "team estimate"
    for sid, st in again.items():
        if sid != estimated.id:
            assert st.value.inputs["wsjf"]["job_size"] == 8 and "median team estimate" in st.value.inputs["why"]
