"""Drafting through the LLM layer (scripted backend, real validation): citations checked, fallback on bad output."""

from __future__ import annotations

from assistant.llm.fake import fake_provider, scripted
from assistant.stories import draft
from story_fixtures import insert_fixture


def test_llm_drafts_cite_only_the_needs_items(workspace) -> None:
    ids = insert_fixture(workspace)
    provider = fake_provider()
    report = draft(workspace, need_ids=["nd_card"], provider=provider)
    assert scripted(provider).requests, "the LLM was called"
    assert report.stories and not report.messages
    for st in report.stories:
        assert st.provenance.engine != "offline"
        assert set(st.evidence) <= set(ids["nd_card"])
        for c in st.acceptance_criteria:
            assert c.evidence and set(c.evidence) <= set(ids["nd_card"])


def test_unusable_llm_output_falls_back_to_the_offline_draft(workspace) -> None:
    insert_fixture(workspace)
    provider = fake_provider(["not json at all"] * 10, max_repairs=1)
    report = draft(workspace, need_ids=["nd_card"], provider=provider)
    assert any("offline draft instead" in m for m in report.messages)
    assert [st.goal for st in report.stories] == ["to save my card"]
    assert report.stories[0].provenance.engine == "offline"
