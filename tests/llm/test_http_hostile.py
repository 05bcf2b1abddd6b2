"""Hostile model output over real HTTP never reaches the backlog; a failing endpoint never stops a step.

The scripted server answers as a model steered by injected feedback would: links in every form, markup in
role/benefit/criteria/statement/triage reason, flipped triage labels, criteria citing items that say nothing of
the kind, a story nobody asked for. Each mode runs triage -> needs -> draft on a copy of one real workspace
(SQLite + chroma + the local embedding model); afterwards everything stored is searched for what the mode tried.
`tried` counts payloads the server sent; `through` counts those found in the workspace (target 0).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.llm import get_provider
from assistant.settings import resolve_settings
from assistant.stories import draft
from assistant.needs import build_needs
from assistant.triage import triage_items
from assistant.workspace import Workspace
from tests.llm.pipeline_env import MODEL, stored, write_inbox
from tests.llm.scripted_server import ScriptedServer, label

TALLY: dict[str, tuple[int, int]] = {}
LINK_MARKERS = ("evil", "198.51.100.7", "javascript", "data:", "xn--80ak6aa92e", "пример", "steal")
MARKUP_MARKERS = ("<", ">", "onerror", "onload", "alert(", "document.cookie", "iframe", "&lt;", "href")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the inbox ingested and indexed; each test works on its own copy."""
    from ingest import ingest_paths

    root = tmp_path_factory.mktemp("hostile")
    folder = root / "base"
    ws = Workspace(resolve_settings(env={}, workspace=folder))
    try:
        ingest_paths(ws, [write_inbox(root)], skip_bad_rows=False)
    finally:
        ws.close()
    return folder


def _run(server: ScriptedServer, base: Path, dest: Path, mode: str, **settings: object) -> tuple[dict, object, object]:
    """triage -> needs -> draft with the server in `mode` on a copy of the base workspace; (stored, provider, report)."""
    shutil.copytree(base, dest)
    ws = Workspace(resolve_settings(env={}, workspace=dest, llm="openai", openai_base_url=server.url, model=MODEL,
                                    llm_max_retries=0, **settings))
    provider = get_provider(ws.settings, ws)
    server.model.mode = mode
    try:
        triage_items(ws, provider=provider, only_missing=False)
        build_needs(ws, provider=provider)
        report = draft(ws, provider=provider)
        return stored(ws), provider, report
    finally:
        server.model.mode = "competent"
        ws.close()


def _model_texts(got: dict) -> list[str]:
    """Every stored text a model could have written."""
    out = [t.get("urgency", {}).get("reason", "") for t in got["triage"].values()]
    out += [statement for _, _, statement, _ in got["needs"]]
    for st in got["stories"]:
        out += [st["role"], st["goal"], st["benefit"]] + [part for c in st["criteria"] for part in c[:3]]
    return out


def _count(server: ScriptedServer, kind: str, through: int) -> None:
    TALLY[kind] = (server.model.tried[kind], through)


def test_links_in_every_form_are_refused(server, base, tmp_path) -> None:
    got, provider, _ = _run(server, base, tmp_path / "ws", "links")
    hits = [t for t in _model_texts(got) if any(m in t.lower() for m in LINK_MARKERS)]
    _count(server, "links", len(hits))
    assert server.model.tried["links"] > 0 and not hits, hits
    assert got["needs"] and got["stories"]  # the steps still completed (offline where the model was refused)
    assert any("offline engine was used" in n for n in provider.ledger.fallback_notes())


def test_markup_is_stored_as_inert_text(server, base, tmp_path) -> None:
    got, _, _ = _run(server, base, tmp_path / "ws", "markup")
    hits = [t for t in _model_texts(got) if any(m in t.lower() for m in MARKUP_MARKERS)]
    _count(server, "markup", len(hits))
    assert server.model.tried["markup"] > 0 and not hits, hits
    assert any(st["provenance"].get("engine") == "openai" for st in got["stories"])  # kept, with the markup removed


def test_flipped_triage_labels_are_flagged(server, base, tmp_path) -> None:
    got, _, _ = _run(server, base, tmp_path / "ws", "flip")
    through = []
    for iid, tri in got["triage"].items():
        honest = label(got["texts"][iid])["type"]
        flipped = "praise" if honest in ("bug", "complaint") else "bug"
        if tri["type"] == flipped and not tri.get("flag"):
            through.append((got["texts"][iid], tri["type"]))
    _count(server, "flip", len(through))
    assert server.model.tried["flip"] > 0 and not through, through
    crash = next(t for i, t in got["triage"].items() if got["texts"][i].startswith("The CSV export crashes"))
    freeze = next(t for i, t in got["triage"].items() if got["texts"][i].startswith("Can I freeze"))
    assert crash["type"] != "praise" and "praise" in crash["flag"]
    assert freeze["type"] != "bug" and "bug" in freeze["flag"]


def test_criteria_citing_unrelated_items_are_dropped(server, base, tmp_path) -> None:
    got, _, _ = _run(server, base, tmp_path / "ws", "cross_cite")
    hits = [c for st in got["stories"] for c in st["criteria"] if "password" in " ".join(c[:3]).lower()]
    _count(server, "cross_cite", len(hits))
    assert server.model.tried["cross_cite"] > 0 and not hits, hits


def test_a_story_nobody_asked_for_is_dropped_and_reported(server, base, tmp_path) -> None:
    got, _, report = _run(server, base, tmp_path / "ws", "attacker")
    hits = [st for st in got["stories"] if "attacker" in st["role"].lower() or "email address" in st["goal"].lower()]
    _count(server, "attacker", len(hits))
    assert server.model.tried["attacker"] > 0 and not hits, hits
    assert any("no cited feedback supports" in m and "attacker" in m for m in report.messages), report.messages
    assert got["stories"]  # the offline draft stood in


def test_a_story_about_another_object_than_its_items_is_dropped(server, base, tmp_path) -> None:
    from assistant.verify import citation_support
    from tests.llm.scripted_server import goal_for, other_object

    got, _, report = _run(server, base, tmp_path / "ws", "other_object")
    hits = [st for st in got["stories"] if "damaged" in st["goal"].lower()]
    _count(server, "other_object", len(hits))
    assert server.model.tried["other_object"] > 0 and not hits, hits
    dropped = [m for m in report.messages if "no cited feedback supports" in m and "damaged" in m]
    assert dropped, report.messages
    # words and meaning alone would have kept them: the gate caught them by reading what the items are about
    texts = [t for t in got["texts"].values() if "damaged" in other_object(goal_for(t))]
    assert any(citation_support(other_object(goal_for(t))[3:], _item(t)).supported for t in texts)
    assert got["stories"]  # the offline draft stood in


def _item(text: str):
    from assistant.models import FeedbackItem, SourceRef

    return FeedbackItem(id="x", text=text, source=SourceRef(path="feedback.csv", row=1))


@pytest.mark.parametrize("mode, settings, reason", [
    ("garbage", {}, "not valid JSON"),
    ("error500", {}, "500"),
    ("competent", {"llm_timeout": 0.5}, "timed out"),
])
def test_every_step_falls_back_offline_and_says_why(server, base, tmp_path, mode, settings, reason) -> None:
    if settings:
        server.model.delay = 1.5
    before = server.total  # the server is shared by the module: count this run's requests only
    try:
        got, provider, report = _run(server, base, tmp_path / "ws", mode, **settings)
    finally:
        server.model.delay = 0.0
    notes = provider.ledger.fallback_notes()
    assert [n.split(":")[0] for n in notes][:1] == ["triage"] and reason in notes[0], notes
    assert all(t["engine"] == "offline" for t in got["triage"].values())
    assert got["needs"] and all(p.get("engine") != MODEL for *_, p in got["needs"])
    assert got["stories"] and all(st["provenance"].get("engine") == "offline" for st in got["stories"])
    assert any("used the offline draft instead" in m for m in report.messages)
    assert server.total - before < 60  # the run stopped asking once the endpoint failed


def test_tally_of_hostile_attempts(capsys) -> None:
    """Printed for the closing note: what each hostile mode tried and what got through (target 0)."""
    if not TALLY:
        pytest.skip("run with the hostile tests")
    with capsys.disabled():
        print("\nhostile mode: tried / got through")
        for kind, (tried, through) in TALLY.items():
            print(f"  {kind:<11} {tried:>4} / {through}")
    assert all(through == 0 for _, through in TALLY.values())
    assert sum(tried for tried, _ in TALLY.values()) > 0


def test_eval_says_when_the_model_did_not_do_the_work(server, tmp_path) -> None:
    """An endpoint failing during `eval` leaves offline results under the model's name: the report says so."""
    from evals.harness import EvalContext
    from evals.runner import run_once

    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "triage.yaml").write_text(
        "suite: triage\ncases:\n  - {name: crash, inputs: {text: 'The app crashes every time I export.', rating: 1},"
        " expected: {type: bug}, graders: [type_match]}\n", encoding="utf-8")
    ctx = EvalContext(provider="openai", model=MODEL, public=False, work_dir=tmp_path / "work")
    server.model.mode = "error500"
    try:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in (("BACKLOGSMITH_LLM", "openai"), ("OPENAI_BASE_URL", server.url),
                                ("BACKLOGSMITH_LLM_MAX_RETRIES", "0")):
                mp.setenv(name, value)
            run = run_once(ctx, ["triage"], cases_dir=cases)
    finally:
        server.model.mode = "competent"
    notes = run.suites[0].notes
    assert any(n.startswith("not the model's work") and "500" in n for n in notes), notes
