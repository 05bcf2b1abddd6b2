"""The generate pipeline (validation, repair, fallback, cache, accounting) over a scripted backend."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from assistant.errors import ConfigError, LLMOutputError
from assistant.llm.backend import StructuredOutputUnsupported, strict_schema
from assistant.llm.cache import WorkspaceCache
from assistant.llm.contracts import InputContext, NeedStatementOut, StoryDraftBatch, TriageBatch
from assistant.llm.engine import parse_json
from assistant.llm.fake import fake_provider, scripted
from assistant.llm.steps import llm_draft_stories, llm_triage
from assistant.llm.provider import finish_run
from assistant.tables import LLMCacheRow, LLMRunRow
from tests.llm.helpers import NORMAL, item, need

GOOD_NEED = json.dumps({"whys": ["they export weekly"], "statement": "Analysts cannot rely on the export for large reports.",
                        "evidence": ["F1"]})


def _need_vars(items):
    from assistant.llm.steps import Aliased

    view = Aliased(items)
    return {"need_name": "export", "items": view.block}, view.context()


def test_valid_answer_has_provenance_and_counts() -> None:
    p = fake_provider([GOOD_NEED])
    variables, ctx = _need_vars([item(1, NORMAL[0])])
    got = p.generate("need_statement", variables, NeedStatementOut, context=ctx)
    assert got.value.evidence == ["F1"] and got.attempts == 1 and not got.cached
    assert got.provenance.model_dump() == {"engine": "fake", "prompt": "need_statement", "prompt_version": "1.0",
                                           "model": "fake-model"}
    u = p.ledger.snapshot()
    assert u.calls == 1 and u.prompt_tokens > 100 and u.completion_tokens > 5


def test_garbage_is_repaired_with_the_validation_error_sent_back() -> None:
    p = fake_provider(["Sure, here you go: the need is export", '{"whys": [], "statement": "x"}', GOOD_NEED])
    variables, ctx = _need_vars([item(1, NORMAL[0])])
    got = p.generate("need_statement", variables, NeedStatementOut, context=ctx)
    assert got.attempts == 3
    reqs = scripted(p).requests
    assert reqs[1].messages[-2] == {"role": "assistant", "content": "Sure, here you go: the need is export"}
    assert "not valid JSON" in reqs[1].messages[-1]["content"]
    repair2 = reqs[2].messages[-1]["content"]
    assert "whys" in repair2 and "evidence" in repair2 and "rejected by validation" in repair2
    assert p.ledger.snapshot().repairs == 2


def test_persistent_garbage_ends_in_a_clear_output_error() -> None:
    p = fake_provider(["<<<>>>"] * 5, max_repairs=2)
    variables, ctx = _need_vars([item(1, NORMAL[0])])
    with pytest.raises(LLMOutputError) as err:
        p.generate("need_statement", variables, NeedStatementOut, context=ctx)
    msg = str(err.value)
    assert "fake-model" in msg and "need_statement" in msg and "after 3 attempt(s)" in msg and "--llm offline" in msg
    assert len(scripted(p).requests) == 3


def test_code_fenced_json_is_accepted() -> None:
    assert parse_json('```json\n{"ok": true}\n```') == {"ok": True}
    assert parse_json('Answer: {"ok": true} done') == {"ok": True}
    with pytest.raises(ValueError):
        parse_json("no json here")


def test_structured_output_unsupported_falls_back_to_json_mode_once() -> None:
    good_ping = '{"ok": true}'
    p = fake_provider([StructuredOutputUnsupported("no json_schema"), good_ping, good_ping])
    from assistant.llm.contracts import Ping

    assert p.generate("doctor_ping", {}, Ping, use_cache=False).value.ok is True
    assert p.generate("doctor_ping", {}, Ping, use_cache=False).value.ok is True
    reqs = scripted(p).requests
    assert [r.mode for r in reqs] == ["json_schema", "json_object", "json_object"]
    # JSON mode has no schema channel, so the schema is written into the system message
    assert '"additionalProperties": false' in reqs[1].messages[0]["content"]
    assert "JSON schema" in reqs[1].messages[0]["content"]


def test_fixed_json_schema_mode_does_not_fall_back() -> None:
    from assistant.llm.contracts import Ping

    p = fake_provider([StructuredOutputUnsupported("no json_schema")], mode="json_schema")
    with pytest.raises(StructuredOutputUnsupported):
        p.generate("doctor_ping", {}, Ping)


def test_wrong_output_model_and_missing_variable_are_config_errors() -> None:
    p = fake_provider([])
    with pytest.raises(ConfigError, match="answers NeedStatementOut"):
        p.generate("need_statement", {"need_name": "x", "items": ""}, TriageBatch)
    with pytest.raises(ConfigError, match="missing variable"):
        p.generate("need_statement", {"need_name": "x"}, NeedStatementOut)


def test_strict_schema_is_closed_and_fully_required() -> None:
    schema = strict_schema(StoryDraftBatch)
    for node in [schema, *schema["$defs"].values()]:
        assert node["additionalProperties"] is False
        assert set(node["required"]) == set(node["properties"])
    assert "maxLength" not in json.dumps(schema) and '"default"' not in json.dumps(schema)
    assert schema["properties"]["stories"]["maxItems"] == 3


def test_workspace_cache_makes_an_unchanged_rerun_free(workspace) -> None:
    items = [item(i, t) for i, t in enumerate(NORMAL * 3, 1)]
    first = fake_provider(cache=WorkspaceCache(workspace))
    labels = llm_triage(first, items)
    stories = llm_draft_stories(first, need(items), items)
    assert first.ledger.snapshot().calls == 2
    with workspace.transaction() as s:
        assert s.scalar(select(func.count()).select_from(LLMCacheRow)) == 2
    again = fake_provider([], cache=WorkspaceCache(workspace))  # no scripted replies: any call would fail
    assert llm_triage(again, items) == labels
    assert llm_draft_stories(again, need(items), items) == stories
    u = again.ledger.snapshot()
    assert (u.calls, u.cache_hits) == (0, 2)
    # a changed input is a different key
    changed = fake_provider(cache=WorkspaceCache(workspace))
    llm_triage(changed, items[:-1])
    assert changed.ledger.snapshot().calls == 1
    line = finish_run(workspace, again, "stories draft")
    assert "0 call(s), 2 cached" in line
    with workspace.transaction() as s:
        row = s.scalars(select(LLMRunRow)).one()
        assert (row.command, row.calls, row.cache_hits) == ("stories draft", 0, 2)


def test_price_table_from_workspace_setting(workspace) -> None:
    from assistant.llm.accounting import prices_for

    workspace.set_setting("llm_prices", {"fake-model": {"input": 1.0, "output": 2.0}})
    p = fake_provider(prices=prices_for(workspace))
    llm_triage(p, [item(1, NORMAL[0])])
    u = p.ledger.snapshot()
    assert p.ledger.cost_usd() == pytest.approx((u.prompt_tokens * 1.0 + u.completion_tokens * 2.0) / 1e6)
    assert "≈ $" in p.ledger.summary()
    assert "price unknown" in fake_provider(prices={}).ledger.summary()


def test_concurrency_limit_is_respected() -> None:
    import threading
    import time

    from assistant.llm.fake import well_behaved

    active, peak, lock = [0], [0], threading.Lock()

    def slow(req):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return well_behaved(req)

    p = fake_provider(slow, concurrency=2)
    items = [item(i, ("x" * 1100) + str(i)) for i in range(1, 80)]  # ~14 items per 16k-char batch -> 6 batches
    labels = llm_triage(p, items)
    assert len(labels) == len(items) and p.ledger.snapshot().calls >= 5
    assert peak[0] == 2


def test_triage_batches_many_items_per_call_and_keeps_order() -> None:
    items = [item(i, f"{NORMAL[i % 2]} (#{i})") for i in range(1, 101)]
    p = fake_provider()
    labels = llm_triage(p, items)
    assert [t.type for t in labels] == ["feature_request" if i % 2 else "bug" for i in range(1, 101)]
    assert len(scripted(p).requests) == 3  # 40 + 40 + 20


def test_context_check_rejects_missing_and_repeated_ids() -> None:
    from assistant.llm.contracts import check_against_input

    batch = TriageBatch.model_validate({"items": [
        {"id": "F1", "type": "bug", "sentiment": "negative", "sentiment_score": -1, "urgency": "low", "urgency_reason": ""},
        {"id": "F1", "type": "bug", "sentiment": "negative", "sentiment_score": -1, "urgency": "low", "urgency_reason": ""},
    ]})
    problems = check_against_input(batch, InputContext(item_ids=["F1", "F2"], exact_ids=True))
    assert any("more than once" in p for p in problems) and any("no label for ids: F2" in p for p in problems)
