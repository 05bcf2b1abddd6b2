"""Needs and Stories pages on a real inbox nobody here wrote (160 Google Play reviews of "A Comic Viewer" plus our
stakeholder asks, through the real ingest, triage, needs and offline drafting): a long review is quoted by the
sentence that matches its need, loosely related items are listed apart and counted as the CLI counts them, and a
story to write shows its brief, can be written from it, and can never be approved or exported."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.readiness import evaluate_ready
from assistant.repository import get_story, load_needs
from assistant.settings import resolve_settings
from assistant.tables import StoryRow
from assistant.ui import stories_model as vm
from assistant.ui.export import gate
from assistant.ui.needs import LOOSE_TITLE
from assistant.ui.words import rule_title
from assistant.workspace import Workspace
from ui_helpers import open_page, plain

REVIEWS = 160  # enough for needs with loosely related members and stories to write; the pipeline runs in seconds


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace after ingest, triage, needs, draft and prioritize on the real inbox (built once per module)."""
    from ingest import ingest_paths

    from assistant.needs import build_needs
    from assistant.stories import draft
    from assistant.triage import triage_items
    from assistant.value import prioritize
    from evals.public import inboxes

    if not (inboxes.DATASETS / "themes" / "urr_golden_set.csv").is_file():
        pytest.skip(f"public datasets not found at {inboxes.DATASETS} (set BACKLOGSMITH_DATASETS)")
    root = tmp_path_factory.mktemp("real")
    folder = inboxes.write_inbox("comic-viewer", root, limit=REVIEWS)
    ws = Workspace(resolve_settings(env={}, workspace=root / "ws"))
    try:
        ingest_paths(ws, [folder / "feedback.csv", folder / "stakeholder_asks.csv"], skip_bad_rows=False)
        triage_items(ws)
        build_needs(ws)
        draft(ws)
        prioritize(ws)
    finally:
        ws.close()
    return root / "ws"


@pytest.fixture
def real_ws(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A copy of the built workspace per test (tests write to it), opened by the app through the env."""
    folder = tmp_path / "ws"
    shutil.copytree(built, folder)
    monkeypatch.setenv("BACKLOGSMITH_WORKSPACE", str(folder))
    ws = Workspace(resolve_settings(env={}, workspace=folder))
    yield ws
    ws.close()


def _cli_show(folder: Path, need_id: str) -> dict:
    result = CliRunner().invoke(app, ["--workspace", str(folder), "needs", "show", need_id, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _texts(node) -> list[str]:  # type: ignore[no-untyped-def]
    return [t.value for t in node.text]


def test_needs_page_quotes_the_matching_sentence_and_lists_loose_items_apart(real_ws: Workspace) -> None:
    with real_ws.transaction() as s:
        needs = load_needs(s)
    need = max(needs, key=lambda n: len(n.loose))
    assert need.loose, "the real inbox should give a need with loosely related items"
    cli = _cli_show(real_ws.settings.workspace, need.id)
    at = open_page("needs")
    # The table counts every need's evidence as the CLI's need_json does (loosely related items are not in it).
    # (`backlogsmith needs` itself is not called: it re-runs the needs step, which is not a read.)
    table = at.dataframe[0].value
    assert dict(zip(table["id"], table["evidence"])) == {n.id: len(n.item_ids) for n in needs}
    at.selectbox(key="needs_open").set_value(need.id).run()
    assert not at.exception, [e.value for e in at.exception]
    # The counts are the CLI's: evidence items, customers vs stakeholder asks, loosely related apart.
    counted = cli["counts"]["total"]
    line = next(plain(c.value) for c in at.caption if f"{counted} items" in plain(c.value))
    assert f"{len(cli['loosely_related'])} loosely related, not counted" in line
    if cli["stakeholder_asks"]:
        assert f"{cli['customer_items']} from customers" in line
    # Loosely related: one collapsed list with a plain explanation, holding exactly the CLI's items.
    loose = next(e for e in at.expander if e.label.startswith(LOOSE_TITLE))
    assert loose.label == f"{LOOSE_TITLE}: {len(cli['loosely_related'])} item{'s' if len(cli['loosely_related']) > 1 else ''}"
    assert any("not among the" in plain(c.value) and "stories never cite them" in plain(c.value) for c in loose.caption)
    assert _texts(loose) == [q["text"] for q in cli["loosely_related"]]
    # ... and none of them is shown as evidence.
    loose_texts = set(_texts(loose))
    quotes_shown = [t for t in _texts(at) if t.startswith("“")]
    assert not loose_texts & {t.strip("“”") for t in quotes_shown}
    # Evidence quotes: the CLI's quotes, a long one by its matching sentence with the whole text on expand.
    for q in cli["quotes"]:
        if q.get("sentence"):
            assert f"“{q['sentence']}”" in _texts(at)
            whole = [e for e in at.expander if e.label.startswith("Whole text") and q["text"] in _texts(e)]
            assert whole, f"the whole text of {q['id']} is not one click away"
        else:
            assert q["text"] in _texts(at)
    assert any(q.get("sentence") for q in cli["quotes"])  # real reviews are long: at least one is cut to its sentence


def test_story_to_write_shows_its_brief_and_is_written_from_it(real_ws: Workspace) -> None:
    rows = vm.story_table(real_ws).rows
    todo = [r for r in rows if r["status"] == "to write"]
    assert todo and not any(r["ready"] for r in todo)
    sid = todo[0]["id"]
    with real_ws.transaction() as s:
        story = get_story(s, sid)
    assert story.kind == vm.TO_WRITE and story.brief is not None
    at = open_page("stories")
    at.session_state["st_selected"] = sid
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Story to write" in i.value and "Write the goal" in i.value for i in at.info)
    items = story.brief.counts["items"]
    assert any(plain(c.value).startswith(f"{items} item") for c in at.caption)  # the brief's counts
    # The brief's top quotes are shown (a long review by its matching sentence).
    from assistant.ui.needs_model import sentence_quotes

    for item, sentence in sentence_quotes(real_ws, story.need_id, story.brief.quotes[:3]):
        assert f"“{sentence or item.text}”" in _texts(at)
    # Nothing to approve: no Approve button, and only the story-to-write finding (the others read an empty goal).
    assert not [b for b in at.button if (b.key or "").startswith(f"st_approve:{sid}")]
    assert any("cannot be approved or exported" in plain(c.value) for c in at.caption)
    shown_rules = [m.value for m in at.markdown if m.value.startswith(":material/")]
    assert len(shown_rules) == 1 and "A story to write" in plain(shown_rules[0])
    # Write the goal: it becomes a draft story with the PO's words, checked like any draft.
    k = f"{sid}:{story.version}:stored"
    assert "write it here" in at.text_input(key=f"goal:{k}").label
    at.text_input(key=f"goal:{k}").input("read a comic to the end without an out of memory error")
    at.text_input(key=f"benefit:{k}").input("I do not have to switch to another reader")
    at.button(key=f"st_save:{k}").click().run()
    assert not at.exception and not at.error, [e.value for e in [*at.exception, *at.error]]
    with real_ws.transaction() as s:
        written = get_story(s, sid)
    assert written.kind == "story" and written.goal == "to read a comic to the end without an out of memory error"
    row = next(r for r in vm.story_table(real_ws).rows if r["id"] == sid)
    assert row["status"] == "draft" and not row["story"].startswith("(story to write)")
    assert sid not in [t["story"] for t in vm.stories_to_write(real_ws)]
    assert [b for b in at.button if (b.key or "").startswith(f"st_approve:{sid}")]  # now it can be reviewed
    # Every finding that holds it out of Ready says so, a verification-gate warning included.
    _, unmet = evaluate_ready(written, real_ws.get_setting("definition_of_ready"))
    lines = [plain(m.value) for m in at.markdown if m.value.startswith(":material/")]
    held = [f for f in written.quality if f"verified: {f.criterion}: {f.message}" in unmet]
    assert held, "a goal typed in a hurry over a whole need's evidence should meet the verification gate"
    for f in held:
        assert any(f"{rule_title(f.criterion)}** (blocks Ready)" in line for line in lines), lines


def test_nothing_to_write_can_be_approved_or_exported(real_ws: Workspace) -> None:
    todo = [r["id"] for r in vm.story_table(real_ws).rows if r["status"] == "to write"]
    # Even a stored Ready flag (an older engine) or an approval from before does not make one approvable/exportable.
    with real_ws.transaction() as s:
        for sid in todo:
            s.get(StoryRow, sid).ready = True
        s.get(StoryRow, todo[0]).status = "approved"
    table = vm.story_table(real_ws, statuses=("draft",), ready="Ready")
    assert not set(table.ids) & set(todo)
    at = open_page("stories")
    assert at.button(key="st_approve_ready").label == f"Yes, approve {len(table.ids)} stor{'y' if len(table.ids) == 1 else 'ies'}"
    at.button(key="st_approve_ready").click().run()
    with real_ws.transaction() as s:
        assert [s.get(StoryRow, sid).status for sid in todo[1:]] == ["draft"] * (len(todo) - 1)
    assert todo[0] not in [r["id"] for r in gate(real_ws)]
    ex = open_page("export")
    assert not ex.exception, [e.value for e in ex.exception]
    shown = [v for d in ex.dataframe if "story" in d.value.columns for v in d.value["story"]]
    assert not [v for v in shown if v.startswith("Story to write")]


def test_needs_page_gives_the_models_reason_for_an_item_it_set_aside(real_ws: Workspace) -> None:
    from assistant.tables import NeedRow

    with real_ws.transaction() as s:
        need = max(load_needs(s), key=lambda n: len(n.loose))
        row = s.get(NeedRow, need.id)
        # as a model check leaves it (assistant/needs/checked.py): the item is loose, with the model's reason
        row.provenance = {**(row.provenance or {}), "set_aside": {need.loose[0]: "reports slow page turns instead"}}
    at = open_page("needs")
    at.selectbox(key="needs_open").set_value(need.id).run()
    assert not at.exception, [e.value for e in at.exception]
    loose = next(e for e in at.expander if e.label.startswith(LOOSE_TITLE))
    why = [plain(c.value) for c in loose.caption if "Set aside by the model" in plain(c.value)]
    assert why == ["Set aside by the model: reports slow page turns instead"]
