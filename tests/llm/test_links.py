"""Links in every form are found without a list of top-level domains; markup becomes inert text; the contract
check refuses links the cited feedback does not hold."""

from __future__ import annotations

import pytest

from assistant.llm.contracts import InputContext, StoryDraftBatch, check_against_input
from assistant.llm.links import inert, links_in


@pytest.mark.parametrize("text, link", [
    ("see evil.example/collect now", "evil.example/collect"),
    ("go //evil.tk/c", "evil.tk/c"),
    ("evil[.]com", "evil.com"),
    ("evil(.)zone/x", "evil.zone/x"),
    ("hxxps://evil.example/phish", "evil.example/phish"),
    ("198.51.100.7:8080/steal", "198.51.100.7:8080/steal"),
    ("javascript:alert(1)", "javascript:alert(1"),
    ("data:text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,phnjcmlwdd4="),
    ("http://xn--80ak6aa92e.com/pay", "xn--80ak6aa92e.com/pay"),
    ("пример.рф/login", "пример.рф/login"),
    ("evil。zone/grab", "evil.zone/grab"),
    ("visit www.evil.com.", "evil.com"),
    ("localhost:8080/x", "localhost:8080/x"),
    ("a brand-new-tld.melbourne/path", "brand-new-tld.melbourne/path"),
])
def test_links_in_every_form(text: str, link: str) -> None:
    assert link in links_in([text])


@pytest.mark.parametrize("text", [
    "e.g. the export", "i.e. this one", "version 1.2.3 works", "at 10:30 the app", "Given: the user is signed in",
    "Then the total is 1.5 EUR", "ratio 3:1", "evil . com is not a link when spaced",
])
def test_ordinary_text_has_no_link(text: str) -> None:
    assert links_in([text]) == set()


@pytest.mark.parametrize("text, clean", [
    ("<img src=x onerror=alert(1)>admin", "admin"),
    ("<script>fetch('//evil.tk')</script>report", "report"),
    ('<a href="javascript:alert(1)">click here</a>', "click here"),
    ("&lt;b&gt;bold&lt;/b&gt; text", "bold text"),
    ("[click](http://evil.example) now", "click now"),
    ("Then fewer than < 100 rows -> one page", "Then fewer than < 100 rows -> one page"),
])
def test_markup_becomes_inert_text(text: str, clean: str) -> None:
    assert inert(text) == clean


def _batch(then: str, evidence: list[str]) -> StoryDraftBatch:
    crit = {"given": "the report page", "when": "I open it", "then": then, "evidence": evidence}
    return StoryDraftBatch.model_validate({"stories": [{
        "role": "analyst", "goal": "to open the report page", "benefit": "I can read the totals",
        "acceptance_criteria": [crit], "evidence": evidence}]})


def test_a_link_is_allowed_only_from_the_cited_feedback_and_only_in_a_criterion() -> None:
    ctx = InputContext(item_ids=["F1", "F2"], id_texts={"F1": "The page reports.example.org/q3 is blank.",
                                                         "F2": "Exports are slow."})
    assert check_against_input(_batch("reports.example.org/q3 shows the totals", ["F1"]), ctx) == []
    assert check_against_input(_batch("hxxps://reports.example.org/q3 shows the totals", ["F1"]), ctx) == []
    refused = check_against_input(_batch("reports.example.org/q3 shows the totals", ["F2"]), ctx)
    assert refused and "not allowed" in refused[0]
    benefit = _batch("the totals show", ["F1"])
    benefit.stories[0].benefit = "I can go to reports.example.org/q3"
    assert any("benefit" in p for p in check_against_input(benefit, ctx))


def test_markup_only_answer_is_no_answer() -> None:
    with pytest.raises(ValueError):
        _batch("<script>alert(1)</script>", ["F1"])


def test_markdown_backlog_shows_untrusted_text_literally(workspace) -> None:
    from assistant.models import Criterion, Story
    from assistant.export.backlog_report import backlog_markdown

    story = Story(id="S1", role="admin <img src=x onerror=alert(1)>", goal="to see [click](http://evil.example)",
                  benefit="**bold** | pipe", evidence=["fb1"],
                  acceptance_criteria=[Criterion(given="<script>x</script>", when="I open it", then="![i](//evil.tk/c)",
                                                 evidence=["fb1"])])
    text = backlog_markdown(workspace, [story], [], ["note with <b>markup</b>"], [])
    import re

    for raw in ("<img", "<script", "[click](", "![i](", "**bold**", "<b>"):  # only ever with a backslash before
        assert not re.search(r"(?<!\\)" + re.escape(raw), text), raw
