"""The eval harness on real components: ingest into a real workspace, HTTP capture, the echo fake's requests."""

from __future__ import annotations

import json

import httpx
import pytest

from evals.capture import RequestLog
from evals.graders import find_pii
from evals.harness import EvalContext, ingest_records, load_items, prompt_version


def test_ingest_records_maps_each_record_to_its_item(workspace):
    records = [{"text": "Export to PDF fails", "segment": "pro"},
               {"text": "Sales: Acme needs SSO", "kind": "stakeholder_ask", "channel": "sales"},
               {"text": "Please add dark mode", "rating": 4},
               {"text": "Export to PDF fails", "segment": "free"}]  # same text twice: two pieces of evidence
    ids = ingest_records(workspace, records, "t")
    items = {i.id: i for i in load_items(workspace)}
    assert len(ids) == 4 and all(ids) and len(set(ids)) == 4
    assert [items[i].text for i in ids] == [r["text"] for r in records]
    assert items[ids[1]].kind == "stakeholder_ask"
    assert items[ids[0]].metadata.get("segment") == "pro"


def test_capture_records_request_bodies(httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_json({"ok": True})
    log = RequestLog()
    with log.capture():
        with log.capture():  # nested blocks record once
            httpx.post(httpserver.url_for("/v1/chat/completions"), json={"messages": [{"content": "hello 4111 1111 1111 1111"}]})
    httpx.post(httpserver.url_for("/v1/chat/completions"), json={"after": True})  # outside: not recorded
    assert len(log.bodies) == 1 and "hello" in log.bodies[0]
    assert find_pii(["4111 1111 1111 1111"], log.bodies) == ["4111 1111 1111 1111"]


def test_echo_fake_sends_redacted_prompts_through_the_real_llm_layer(workspace):
    import assistant.llm.steps as steps
    ids = ingest_records(workspace, [{"text": "Refund to maria.gonzalez@example.org please, card 4111 1111 1111 1111"},
                                     {"text": "Bank sync fails since Monday"}], "pii")
    ctx = EvalContext(provider="fake")
    labels = steps.llm_triage(ctx.get_provider(workspace), load_items(workspace))
    assert len(labels) == 2 and len(ctx.requests.bodies) == 1
    body = json.loads(ctx.requests.bodies[0])
    assert "Bank sync fails" in json.dumps(body)
    assert find_pii(["maria.gonzalez@example.org", "4111 1111 1111 1111"], ctx.requests.bodies) == []
    assert all(ids)


def test_prompt_version_folder(tmp_path):
    import assistant.llm.prompts as prompts
    from assistant.errors import ConfigError

    shipped = {p.name: p.version for p in prompts.all_prompts()}
    with prompt_version(None) as in_effect:
        assert in_effect == shipped
    folder = tmp_path / "v9"
    folder.mkdir()
    for src in prompts.PROMPTS_DIR.glob("*.yaml"):
        text = src.read_text(encoding="utf-8")
        if src.stem == "triage":
            text = text.replace(f'version: "{shipped["triage"]}"', 'version: "9.0"')
        (folder / src.name).write_text(text, encoding="utf-8")
    with prompt_version(str(folder)) as in_effect:
        assert in_effect["triage"] == "9.0" and prompts.load_prompt("triage").version == "9.0"
    assert prompts.load_prompt("triage").version == shipped["triage"]  # restored afterwards
    with pytest.raises(ConfigError, match="not found"):
        with prompt_version("no-such-version"):
            pass


def test_judge_keeps_reasons_and_needs_a_provider(tmp_path):
    import assistant.llm.steps  # noqa: F401  (landed: a broken import must fail, not skip)
    from evals.judge import judge

    story = {"id": "s1", "role": "finance admin", "goal": "to export a year of invoices", "benefit": "my accountant has them",
             "evidence": ["i1"], "acceptance_criteria": [{"given": "12 invoices", "when": "I export", "then": "a ZIP is downloaded",
                                                          "evidence": ["i1"]}], "text": "As a finance admin, ..."}
    scores, note = judge(EvalContext(provider="offline", work_dir=tmp_path), [story])
    assert scores == [] and "needs a provider" in note
    ctx = EvalContext(provider="fake", work_dir=tmp_path)
    for what in ("story", "criteria"):
        scores, note = judge(ctx, [story], what)
        assert note == "" and len(scores) == 1 and scores[0].score == 3.0
        assert scores[0].reasons[0].startswith("Echo fake") and any("=3" in r for r in scores[0].reasons[1:])
    assert len(ctx.requests.bodies) == 2 and "finance admin" in ctx.requests.bodies[0]
