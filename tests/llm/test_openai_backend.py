"""The real openai-SDK transport against a real HTTP server on loopback (pytest-httpserver)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner
from werkzeug import Request, Response

from assistant.cli import app
from assistant.errors import ConfigError, LLMError
from assistant.llm import get_provider
from assistant.llm.contracts import Ping
from assistant.settings import resolve_settings

KEY = "sk-test-abcdefghijklmnopqrstuvwxyz0123"
PATH = "/v1/chat/completions"


def completion(content: str, *, prompt_tokens: int = 11, completion_tokens: int = 3) -> dict:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


def error(status: int, message: str, headers: dict | None = None) -> Response:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": status}})
    return Response(body, status=status, headers=headers or {}, content_type="application/json")


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make(httpserver, sleeps):
    def build(**extra):
        settings = resolve_settings(env={}, llm="openai", openai_api_key=KEY, openai_base_url=httpserver.url_for("/v1"),
                                    model="test-model", llm_max_retries=2, **extra)
        return get_provider(settings, sleep=sleeps.append)

    return build


def test_request_shape_and_usage(httpserver, make) -> None:
    seen: list[Request] = []

    def handler(req: Request) -> Response:
        seen.append(req)
        return Response(json.dumps(completion('{"ok": true}', prompt_tokens=42, completion_tokens=5)),
                        content_type="application/json")

    httpserver.expect_request(PATH, method="POST").respond_with_handler(handler)
    p = make()
    got = p.generate("doctor_ping", {}, Ping)
    assert got.value.ok and got.provenance.engine == "openai" and got.provenance.model == "test-model"
    body = json.loads(seen[0].data)
    assert body["model"] == "test-model" and body["temperature"] == 0.0 and body["max_tokens"] == 2048
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["schema"]["additionalProperties"] is False
    assert seen[0].headers["Authorization"] == f"Bearer {KEY}"
    u = p.ledger.snapshot()
    assert (u.calls, u.prompt_tokens, u.completion_tokens) == (1, 42, 5)


def test_429_honours_retry_after_then_succeeds(httpserver, make, sleeps) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_response(error(429, "slow down", {"Retry-After": "7"}))
    httpserver.expect_ordered_request(PATH).respond_with_response(error(429, "slow down", {"retry-after-ms": "250"}))
    httpserver.expect_ordered_request(PATH).respond_with_json(completion('{"ok": true}'))
    p = make()
    assert p.generate("doctor_ping", {}, Ping).value.ok
    assert sleeps == [7.0, 0.25]
    assert p.ledger.snapshot().retries == 2 and p.ledger.snapshot().calls == 1


def test_5xx_backoff_is_bounded_and_sdk_retries_are_off(httpserver, make, sleeps) -> None:
    httpserver.expect_request(PATH).respond_with_response(error(503, "overloaded"))
    with pytest.raises(LLMError, match=r"failed 3 time\(s\).*503") as err:
        make().generate("doctor_ping", {}, Ping)
    # exactly max_retries + 1 requests: one retry policy, ours (the SDK's own would add more)
    assert len(httpserver.log) == 3 and len(sleeps) == 2 and all(0 < s <= 30 for s in sleeps)
    assert KEY not in str(err.value)


def test_auth_404_and_context_errors_are_actionable(httpserver, make) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_response(error(401, f"Incorrect API key provided: {KEY}"))
    httpserver.expect_ordered_request(PATH).respond_with_response(error(404, "The model `test-model` does not exist"))
    httpserver.expect_ordered_request(PATH).respond_with_response(
        error(400, "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens."))
    p = make()
    with pytest.raises(LLMError, match="rejected the API key.*OPENAI_API_KEY") as err:
        p.generate("doctor_ping", {}, Ping)
    assert KEY not in str(err.value)
    with pytest.raises(LLMError, match="'test-model' was not found.*BACKLOGSMITH_MODEL"):
        p.generate("doctor_ping", {}, Ping)
    with pytest.raises(LLMError, match="too long for the model's context window"):
        p.generate("doctor_ping", {}, Ping)


def test_server_without_json_schema_gets_json_mode(httpserver, make) -> None:
    bodies: list[dict] = []

    def handler(req: Request) -> Response:
        body = json.loads(req.data)
        bodies.append(body)
        if body["response_format"]["type"] == "json_schema":
            return error(400, "response_format type json_schema is not supported by this server")
        return Response(json.dumps(completion('{"ok": true}')), content_type="application/json")

    httpserver.expect_request(PATH).respond_with_handler(handler)
    p = make()
    assert p.generate("doctor_ping", {}, Ping).value.ok
    assert p.generate("doctor_ping", {}, Ping, use_cache=False).value.ok
    assert [b["response_format"]["type"] for b in bodies] == ["json_schema", "json_object", "json_object"]


def test_streaming_is_assembled(httpserver, make) -> None:
    text = '{"ok": true}'
    chunks = [{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
               "choices": [{"index": 0, "delta": {"content": part}, "finish_reason": None}]} for part in (text[:5], text[5:])]
    chunks.append({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m",
                   "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    chunks.append({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [],
                   "usage": {"prompt_tokens": 30, "completion_tokens": 4, "total_tokens": 34}})
    sse = "".join(f"data: {json.dumps(c)}\n\n" for c in chunks) + "data: [DONE]\n\n"
    httpserver.expect_request(PATH).respond_with_data(sse, content_type="text/event-stream")
    settings = resolve_settings(env={}, openai_base_url=httpserver.url_for("/v1"), model="m")
    p = get_provider(settings, stream=True)
    assert p.generate("doctor_ping", {}, Ping).value.ok
    assert json.loads(httpserver.log[0][0].data)["stream"] is True
    assert p.ledger.snapshot().prompt_tokens == 30


def test_azure_uses_deployment_path_and_api_key_header(httpserver) -> None:
    seen: list[Request] = []

    def handler(req: Request) -> Response:
        seen.append(req)
        return Response(json.dumps(completion('{"ok": true}')), content_type="application/json")

    httpserver.expect_request("/openai/deployments/my-dep/chat/completions").respond_with_handler(handler)
    settings = resolve_settings(env={"AZURE_OPENAI_ENDPOINT": httpserver.url_for("/"), "AZURE_OPENAI_API_KEY": KEY,
                                     "AZURE_OPENAI_DEPLOYMENT": "my-dep", "BACKLOGSMITH_LLM": "azure"})
    p = get_provider(settings)
    assert p.generate("doctor_ping", {}, Ping).value.ok
    assert seen[0].headers["api-key"] == KEY and seen[0].args["api-version"] == settings.azure_api_version
    assert "max_completion_tokens" in json.loads(seen[0].data)


def test_offline_and_config_errors() -> None:
    assert get_provider(resolve_settings(env={})) is None
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        get_provider(resolve_settings(env={}, llm="openai"))
    with pytest.raises(ConfigError, match="AZURE_OPENAI_ENDPOINT"):
        get_provider(resolve_settings(env={}, llm="azure"))
    with pytest.raises(ConfigError, match="AZURE_OPENAI_DEPLOYMENT"):
        get_provider(resolve_settings(env={"AZURE_OPENAI_ENDPOINT": "https://x", "AZURE_OPENAI_API_KEY": "k"}, llm="azure"))


def test_doctor_masks_the_key_and_tests_the_connection(httpserver, tmp_path, monkeypatch) -> None:
    httpserver.expect_ordered_request(PATH).respond_with_json(completion('{"ok": true}'))
    httpserver.expect_ordered_request(PATH).respond_with_response(error(401, "bad key"))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("OPENAI_BASE_URL", httpserver.url_for("/v1"))
    runner = CliRunner()
    ok = runner.invoke(app, ["-w", str(tmp_path / "ws"), "--model", "tiny", "doctor"])
    assert ok.exit_code == 0, ok.output
    assert "sk-...0123" in ok.output and KEY not in ok.output and "connection ok" in ok.output and "tiny" in ok.output
    bad = runner.invoke(app, ["-w", str(tmp_path / "ws"), "doctor"])
    assert bad.exit_code != 0 and "rejected the API key" in str(bad.exception) and KEY not in str(bad.exception)
    offline = CliRunner().invoke(app, ["doctor"], env={"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""})
    assert offline.exit_code == 0 and "offline" in offline.output


def test_key_never_reaches_the_workspace(httpserver, workspace, caplog) -> None:
    import logging

    from assistant.llm import finish_run

    caplog.set_level(logging.DEBUG)
    httpserver.expect_ordered_request(PATH).respond_with_response(error(500, "boom"))
    httpserver.expect_ordered_request(PATH).respond_with_json(completion('{"ok": true}'))
    settings = resolve_settings(env={}, openai_api_key=KEY, openai_base_url=httpserver.url_for("/v1"), model="m",
                                workspace=workspace.settings.workspace)
    p = get_provider(settings, workspace, sleep=lambda s: None)
    assert p.generate("doctor_ping", {}, Ping).value.ok
    assert "1 call(s)" in finish_run(workspace, p, "doctor")
    workspace.close()
    for f in workspace.settings.workspace.rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f
    assert KEY not in caplog.text and KEY not in repr(p.__dict__) and KEY not in repr(settings)


def test_answer_without_choices_takes_the_repair_path(httpserver, make) -> None:
    from assistant.errors import LLMOutputError

    empty = {**completion(""), "choices": []}
    httpserver.expect_request(PATH).respond_with_json(empty)
    with pytest.raises(LLMOutputError, match="not valid JSON"):
        make().generate("doctor_ping", {}, Ping)
    assert len(httpserver.log) == 3
