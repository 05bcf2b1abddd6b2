"""Parsing 'As a <role>, I want <means>, so that <ends>' into its parts."""

from __future__ import annotations

import pytest

from assistant.storytext import article_for, compose_story, parse_story, split_sentences


@pytest.mark.parametrize(
    ("text", "role", "means", "ends"),
    [
        ("As a user, I want to export invoices, so that I can file taxes.", "user", "export invoices",
         "I can file taxes"),
        ("As an admin I'd like to reset passwords so I can help people", "admin", "reset passwords", "I can help people"),
        ("As the system, I should be able to retry failed jobs.", "system", "retry failed jobs", None),
        ("As a PI, I want backend changes for enum lists in order to save time", "PI", "backend changes for enum lists",
         "save time"),
        ("As a Data Publishing User, I want to be able to edit a dataset, So that I can fix it.",
         "Data Publishing User", "edit a dataset", "I can fix it"),
        ("\ufeffAs a camper, I can see my schedule.", "camper", "see my schedule", None),
    ],
)
def test_parse_parts(text, role, means, ends):
    parts = parse_story(text)
    assert (parts.role, parts.means, parts.ends) == (role, means, ends)


def test_missing_role_and_free_text():
    assert parse_story("I want to log in").role is None
    assert parse_story("I want to log in").means == "log in"
    free = parse_story("Login is broken on Safari")
    assert free.role is None and free.means is None and free.template == "<free text>"


def test_extra_sentences_but_not_abbreviations():
    parts = parse_story("As a user, I want reports (e.g. CSV), so that I can share them. Note: see Jira.")
    assert parts.extra == "Note: see Jira."
    assert parts.story_sentence.endswith("share them.")
    assert split_sentences("Use tools e.g. Excel. Then stop.") == ["Use tools e.g. Excel.", "Then stop."]


def test_template_and_compose():
    template = parse_story("As a user, I want to pay, so that I win.").template
    assert template == "As a <role>, I want to <means>, so that <ends>"
    story = compose_story("admin", "to reset passwords", "I can help")
    assert story == "As an admin, I want to reset passwords, so that I can help."
    assert article_for("user") == "a" and article_for("editor") == "an" and article_for("hour") == "an"
