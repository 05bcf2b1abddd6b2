"""Recorded HTTP from a real OpenAI-compatible server (llama.cpp's llama-server + Gemma-3-270M, a tiny model).

Replayed with record_mode="none" by default (no server needed). Re-record with tests/llm/record/record.sh.
The tiny model's *content* is garbage by design: these tests prove transport, streaming, error mapping,
the repair/fail path and redaction of what is sent, never drafting quality.
Requests are matched on method, path and JSON body, so a change in what we send (e.g. redaction turned off)
no longer matches the cassette and fails the replay.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import vcr
import yaml

from assistant.errors import LLMError, LLMOutputError
from assistant.llm import get_provider
from assistant.llm.backend import ChatRequest, StructuredOutputUnsupported
from assistant.llm.contracts import NeedStatementOut, Ping, StoryDraftBatch
from assistant.llm.steps import Aliased, llm_triage
from assistant.settings import resolve_settings
from tests.llm.helpers import item

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes" / "llm"
RECORDING = os.environ.get("BACKLOGSMITH_RECORD") == "1"
PORT = int(os.environ.get("BACKLOGSMITH_RECORD_PORT", "8089"))
BASE_URL = f"http://127.0.0.1:{PORT}/v1"
# The key llama-server is started with while recording (tests/llm/record/record.sh); it must never reach a file.
RECORDING_KEY = "sk-recording-4f1d2c3b5a6e7d8c9b0a"
SECRET_HEADERS = ["authorization", "api-key", "openai-organization", "openai-project", "cookie", "set-cookie"]
PII = {
    "jane.doe@example.com": "[EMAIL]",
    "+44 20 7946 0958": "[PHONE]",
    "4111 1111 1111 1111": "[CARD]",
    "GB82 WEST 1234 5698 7654 32": "[IBAN]",
}


def _json_body(r1, r2) -> None:  # type: ignore[no-untyped-def]
    def parse(r):  # type: ignore[no-untyped-def]
        body = r.body.decode("utf-8") if isinstance(r.body, bytes) else r.body
        return json.loads(body) if body else None

    assert parse(r1) == parse(r2), "request body differs from the recorded one (re-record, or a regression)"


def _scrub_request(request):  # type: ignore[no-untyped-def]
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS or name.lower().startswith("x-stainless"):
            del request.headers[name]
    return request


def _scrub_response(response):  # type: ignore[no-untyped-def]
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() not in SECRET_HEADERS}
    return response


recorder = vcr.VCR(
    cassette_library_dir=str(CASSETTES),
    record_mode="all" if RECORDING else "none",
    match_on=["method", "path", "json_body"],
    before_record_request=_scrub_request,
    before_record_response=_scrub_response,
    decode_compressed_response=True,
)
recorder.register_matcher("json_body", _json_body)


@pytest.fixture
def cassette(request):  # type: ignore[no-untyped-def]
    path = CASSETTES / f"{request.node.name}.yaml"
    if not RECORDING and not path.exists():
        pytest.fail(f"cassette {path.name} is missing; record it with tests/llm/record/record.sh")
    with recorder.use_cassette(path.name) as cass:
        yield cass


def provider(key: str = RECORDING_KEY, *, base_url: str = BASE_URL, stream: bool = False, **extra):  # type: ignore[no-untyped-def]
    settings = resolve_settings(env={}, llm="openai", openai_api_key=key, openai_base_url=base_url,
                                model="gemma-3-270m", llm_max_retries=0, llm_timeout=900, **extra)
    return get_provider(settings, stream=stream)


def test_success_ping(cassette) -> None:
    p = provider()
    got = p.generate("doctor_ping", {}, Ping)
    # JSON-schema output is grammar-constrained on llama.cpp, so even a tiny model returns a valid Ping.
    assert isinstance(got.value.ok, bool)
    assert p.ledger.snapshot().calls == 1 and p.ledger.snapshot().prompt_tokens > 20
    assert cassette.play_count == 1 or RECORDING


def test_streaming(cassette) -> None:
    p = provider(stream=True)
    got = p.generate("doctor_ping", {}, Ping)
    assert isinstance(got.value.ok, bool)
    body = json.loads(cassette.requests[0].body)
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    assert "data:" in cassette.responses[0]["body"]["string"].decode() if isinstance(
        cassette.responses[0]["body"]["string"], bytes) else "data:" in cassette.responses[0]["body"]["string"]
    assert p.ledger.snapshot().completion_tokens > 0


def test_error_wrong_key(cassette) -> None:
    with pytest.raises(LLMError, match="rejected the API key") as err:
        provider("sk-wrong-key-000000000000").generate("doctor_ping", {}, Ping)
    assert "sk-wrong" not in str(err.value)
    assert cassette.responses[0]["status"]["code"] == 401


def test_error_not_found(cassette) -> None:
    with pytest.raises(LLMError, match="was not found"):
        provider(base_url=f"http://127.0.0.1:{PORT}/no-such-api").generate("doctor_ping", {}, Ping)
    assert cassette.responses[0]["status"]["code"] == 404


def test_error_context_overflow(cassette) -> None:
    # The server runs with a 2048-token context; ~12 items of ~1,100 characters overflow it.
    items = [item(i, f"Item {i}: " + "the export keeps failing on big reports and we lose work. " * 19) for i in range(1, 13)]
    with pytest.raises(LLMError, match="too long for the model's context window"):
        llm_triage(provider(), items)
    assert cassette.responses[0]["status"]["code"] == 400


def test_error_bad_request(cassette) -> None:
    # A schema the server cannot compile: llama.cpp answers 400, which we read as "no JSON-schema support here"
    # (the provider then falls back to JSON mode + validation).
    backend = provider().backend
    broken = {"type": "object", "properties": {"a": {"$ref": "#/$defs/Missing"}}}
    bad = ChatRequest(model="gemma-3-270m", messages=[{"role": "user", "content": "hi"}], schema_name="Broken",
                      json_schema=broken, max_tokens=1)
    with pytest.raises(StructuredOutputUnsupported, match="does not support JSON-schema output .*400"):
        backend.complete(bad)
    assert cassette.responses[0]["status"]["code"] == 400


def test_garbage_json_mode_takes_the_repair_path_and_fails(cassette) -> None:
    # JSON mode: any JSON is allowed, so the tiny model's answer does not fit the need-statement contract.
    p = provider(llm_output_mode="json_object")
    view = Aliased([item(1, "The app crashes when I export."), item(2, "Exports of big reports never finish.")])
    with pytest.raises(LLMOutputError, match="did not return a valid NeedStatementOut .* after 3 attempt"):
        p.generate("need_statement", {"need_name": "export failures", "items": view.block}, NeedStatementOut,
                   context=view.context(), max_tokens=60)
    assert len(cassette.requests) == 3
    first = json.loads(cassette.requests[0].body)
    assert first["response_format"] == {"type": "json_object"} and "JSON schema" in first["messages"][0]["content"]
    repair = json.loads(cassette.requests[1].body)["messages"][-1]["content"]
    assert "rejected by validation" in repair
    assert p.ledger.snapshot().repairs == 2 and p.ledger.snapshot().failures == 1


def test_truncated_output_takes_the_repair_path_and_fails(cassette) -> None:
    p = provider()
    view = Aliased([item(1, "Exports fail on big reports."), item(2, "I lose my report when the export fails.")])
    variables = {"need_name": "export failures", "need_statement": "Analysts lose reports when exports fail.",
                 "items": view.block, "max_stories": 3, "max_criteria": 6}
    with pytest.raises(LLMOutputError, match="StoryDraftBatch"):
        p.generate("story_drafting", variables, StoryDraftBatch, context=view.context(), max_tokens=24)
    assert len(cassette.requests) == 3
    assert any("cut off at max_tokens" in json.loads(r.body)["messages"][-1]["content"] for r in cassette.requests[1:])


def test_pii_is_redacted_before_sending(cassette) -> None:
    texts = [
        "Contact jane.doe@example.com about the failed export.",
        "Call me on +44 20 7946 0958, the invoice page is blank.",
        "You charged card 4111 1111 1111 1111 twice! Refund to GB82 WEST 1234 5698 7654 32.",
    ]
    p = provider()
    p.max_repairs = 0  # one request is enough to inspect; the tiny model is slow
    try:
        llm_triage(p, [item(i, t) for i, t in enumerate(texts, 1)])
    except LLMOutputError:
        pass  # the tiny model's labels may not pass; what matters here is what was sent
    bodies = [r.body.decode() if isinstance(r.body, bytes) else r.body for r in cassette.requests]
    assert bodies
    for raw, placeholder in PII.items():
        assert all(raw not in b for b in bodies)
    sent = " ".join(json.loads(b)["messages"][1]["content"] for b in bodies)
    for placeholder in PII.values():
        assert placeholder in sent


def test_cassettes_hold_no_secrets() -> None:
    files = sorted(CASSETTES.glob("*.yaml"))
    assert len(files) >= 9
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert RECORDING_KEY not in text and "sk-wrong-key" not in text
        assert not re.search(r"(?i)authorization|bearer |api-key|x-stainless", text), path.name
        for raw in PII:
            assert raw not in text, f"{raw} in {path.name}"
        yaml.safe_load(text)
