"""Recorded HTTP: the real openai-SDK provider against a loopback OpenAI-compatible server, recorded to a
cassette, then replayed with the server gone; request bodies are captured both times and carry no PII."""

from __future__ import annotations

import json

import pytest
from werkzeug import Response

from evals.fake import openai_chat_completion
from evals.graders import find_pii
from evals.harness import EvalContext, ingest_records, load_items
from evals.runner import _cassette

PII = ["maria.gonzalez@example.org", "4111 1111 1111 1111"]


def test_record_then_replay_through_the_openai_provider(tmp_path, httpserver, monkeypatch):
    import assistant.llm.steps as steps
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        lambda req: Response(json.dumps(openai_chat_completion(req.get_json())), content_type="application/json"))
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key-123456")
    cassette = tmp_path / "triage.yaml"

    def run_triage(label: str) -> tuple[int, list[str]]:
        ctx = EvalContext(provider="openai", model="echo-fake", work_dir=tmp_path / label)
        with ctx.workspace("ws") as ws:
            ingest_records(ws, [{"text": f"Refund to {PII[0]}, card {PII[1]}, export fails"},
                                {"text": "Bank sync stopped on Monday"}], "c")
            with _cassette(cassette, record=label == "record"), ctx.requests.capture():
                labels = steps.llm_triage(ctx.get_provider(ws), load_items(ws))
        return len(labels), ctx.requests.bodies

    n, bodies = run_triage("record")
    assert n == 2 and len(bodies) == 1 and len(httpserver.log) == 1
    recorded = cassette.read_text()
    assert "sk-test-not-a-real-key" not in recorded  # the key is filtered out of the cassette
    httpserver.clear()  # no handler any more: only the cassette can answer
    n, replayed = run_triage("replay")
    assert n == 2 and len(httpserver.log) == 0 and replayed == bodies
    assert find_pii(PII, bodies + [recorded]) == []


def test_replay_without_a_recording_is_a_clear_error(tmp_path):
    import httpx

    from assistant.errors import ConfigError
    from evals.cassette import use_cassette

    with pytest.raises(ConfigError, match="record it first"):
        with use_cassette(tmp_path / "missing.yaml"):
            pass
    (tmp_path / "empty.yaml").write_text("interactions: []\nversion: 1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no recorded answer for POST /v1/chat"):
        with use_cassette(tmp_path / "empty.yaml"):
            httpx.post("http://127.0.0.1:9/v1/chat/completions", json={"a": 1})


def test_pii_suite_replays_a_whole_pipeline_run_from_a_cassette(tmp_path, httpserver, monkeypatch):
    import assistant.needs  # noqa: F401  (landed: a broken import must fail, not skip)
    from evals.runner import run_once
    from tests.evals.test_eval_end_to_end import small_cases

    cases = small_cases(tmp_path / "cases")
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_handler(
        lambda req: Response(json.dumps(openai_chat_completion(req.get_json())), content_type="application/json"))
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    cassette = tmp_path / "pii.yaml"

    def run(record: bool):
        ctx = EvalContext(provider="openai", model="echo-fake", public=False)
        return run_once(ctx, ["pii"], cases_dir=cases, cassette=cassette, record=record).suites[0]

    recorded = run(record=True)
    assert recorded.status == "ok", recorded.notes
    calls = len(httpserver.log)
    assert calls > 0 and recorded.metric("leaks_in_requests").n == calls
    httpserver.clear()
    replayed = run(record=False)
    assert replayed.status == "ok", replayed.notes
    assert len(httpserver.log) == 0 and replayed.metric("leaks_in_requests").n == calls
    assert replayed.metric("leaks_in_requests").value == 0 and replayed.metric("leaks_in_outputs").value == 0
