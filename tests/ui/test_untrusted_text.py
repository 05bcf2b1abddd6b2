"""Feedback is untrusted: whatever it contains, the UI renders it as literal text."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from assistant.ui.context import escape_md
from ui_helpers import HOSTILE

CASES = [
    HOSTILE,
    "<script>alert('x')</script>",
    "![tracker](http://evil.example/pixel.png)",
    "# Heading\n- list item\n1. numbered\n> quote",
    ":material/delete: :red[alarm] $x^2$ ~~gone~~ `code` | a | b |",
    r"back\slash \*not bold\*",
]


@pytest.mark.parametrize("text", CASES)
def test_escaped_markdown_renders_as_the_literal_text(text):
    html = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(escape_md(text))
    for tag in ("<a ", "<img", "<em>", "<strong>", "<h1", "<ul", "<ol", "<blockquote", "<code", "<script", "<table", "<s>"):
        assert tag not in html, (text, html)
    assert "$" not in text or "\\$" in escape_md(text)  # Streamlit math and :icon:/:color[] need their own escapes
    assert ":" not in text or "\\:" in escape_md(text)


def test_no_page_allows_unsafe_html():
    ui = Path(__file__).resolve().parents[2] / "assistant" / "ui"
    offenders = [p.name for p in ui.rglob("*.py") if "unsafe_allow_html=" in p.read_text()]
    assert offenders == []
