"""Drafting through the LLM layer (scripted backend, real validation): citations checked, fallback on bad output."""

from __future__ import annotations

from assistant.llm.fake import fake_provider, scripted
from assistant.stories import draft
from story_fixtures import insert_fixture
from tests.llm.scripted_server import Model


def competent(request):  # the scripted model of the HTTP tests: goals and criteria in the cited items' words
    return Model().answer(request.schema_name, request.messages)


def test_llm_drafts_cite_only_the_needs_items(workspace) -> None:
    ids = insert_fixture(workspace)
    provider = fake_provider(competent)
    report = draft(workspace, need_ids=["nd_card"], provider=provider)
    assert scripted(provider).requests, "the LLM was called"
    assert report.stories and not any("offline" in m for m in report.messages), report.messages
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
    assert [st.goal for st in report.stories][0].startswith("to save my card")  # the offline engine's goal
    assert report.stories[0].provenance.engine == "offline"


def test_a_story_its_citations_do_not_support_is_dropped(workspace) -> None:
    # The echo fake answers every need with "to complete the task without losing my work": no item asks that.
    insert_fixture(workspace)
    report = draft(workspace, need_ids=["nd_card"], provider=fake_provider())
    assert any("no cited feedback supports" in m for m in report.messages), report.messages
    assert all(st.provenance.engine == "offline" for st in report.stories)


def test_a_story_about_another_object_than_its_items_is_dropped(workspace) -> None:
    # the scripted model puts a detail no item states on the cited item's thing ("to save my damaged card")
    insert_fixture(workspace)
    model = Model()
    model.mode = "other_object"
    report = draft(workspace, need_ids=["nd_card"],
                   provider=fake_provider(lambda request: model.answer(request.schema_name, request.messages)))
    assert model.tried["other_object"] > 0
    assert any("no cited feedback supports" in m and "damaged" in m for m in report.messages), report.messages
    assert report.stories and not any("damaged" in st.goal for st in report.stories)
