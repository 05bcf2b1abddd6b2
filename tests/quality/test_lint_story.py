"""lint_story on Story contracts: set-level checks against the backlog and testable acceptance criteria."""

from __future__ import annotations

from assistant.models import Criterion, Story
from assistant.quality import BLOCKING_SEVERITY, lint_story


def story(id_: str, goal: str, benefit: str = "I can file taxes on time", criteria=None) -> Story:
    crit = criteria if criteria is not None else [
        Criterion(given="an invoice exists", when="I press export",
                  then="a PDF named after the invoice number downloads"),
        Criterion(given="no invoices", when="I press export", then="the message 'Nothing to export' is shown"),
    ]
    return Story(id=id_, role="clerk", goal=goal, benefit=benefit, acceptance_criteria=crit)


def test_clean_story():
    assert lint_story(story("s1", "to export invoices to PDF")) == []
    assert BLOCKING_SEVERITY == "error"


def test_backlog_duplicates_use_story_ids_and_skip_itself():
    a = story("s1", "to export invoices to PDF")
    b = story("s2", "to export invoices to PDF")
    found = lint_story(b, backlog=[a, b])
    (dup,) = [f for f in found if f.criterion == "unique"]
    assert dup.severity == "error" and "story s1" in dup.message
    assert [f.criterion for f in lint_story(a, backlog=[a])] == []


def test_criteria_testable():
    vague = story("s1", "to export invoices to PDF", criteria=[
        Criterion(given="an invoice", when="I export", then="it works fast"),
        Criterion(given="an invoice", when="", then="a PDF downloads"),
        Criterion(given="an invoice", when="I export", then="the export happens"),
    ])
    found = [f for f in lint_story(vague) if f.criterion == "criteria_testable"]
    by_sev = {f.severity: f for f in found}
    assert by_sev["error"].message.startswith("Criterion 2 has no when")
    assert by_sev["error"].fix == "Given an invoice, when <when ...>, then a PDF downloads."
    assert "fast" in by_sev["warning"].message and "within <N> seconds" in by_sev["warning"].fix
    assert "Criterion 3" in by_sev["info"].message
    measured = story("s2", "to export invoices to PDF", criteria=[
        Criterion(given="an invoice", when="I export", then="a PDF downloads within 2 seconds")])
    assert not [f for f in lint_story(measured) if f.criterion == "criteria_testable"]


def test_no_criteria_is_flagged():
    found = lint_story(story("s1", "to export invoices to PDF", criteria=[]))
    assert [f.criterion for f in found] == ["criteria_testable"]


def test_findings_follow_criteria_order():
    s = Story(id="x", role="developer", goal="to search and filter invoices on the reports page fast",
              benefit="I can click through to each invoice", acceptance_criteria=[])
    names = [f.criterion for f in lint_story(s)]
    assert names == sorted(names, key=["well_formed", "atomic", "minimal", "conceptually_sound", "problem_oriented",
                                        "unambiguous", "full_sentence", "estimatable", "unique", "uniform",
                                        "independent", "conflict_free", "criteria_testable"].index)
    assert {"atomic", "conceptually_sound", "problem_oriented", "unambiguous"} <= set(names)


def test_backlog_conflicts_name_the_other_story():
    show = Story(id="s1", role="editor", goal="to show draft articles to readers", benefit="they can give feedback",
                 acceptance_criteria=story("x", "to x").acceptance_criteria)
    hide = show.model_copy(update={"id": "s2", "goal": "to hide draft articles from readers"})
    (conflict,) = [f for f in lint_story(hide, backlog=[show, hide]) if f.criterion == "conflict_free"]
    assert "story s1" in conflict.message
    assert not [f for f in lint_story(hide, backlog=[hide]) if f.criterion == "conflict_free"]  # not with itself
