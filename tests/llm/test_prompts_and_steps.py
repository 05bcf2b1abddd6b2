"""Prompt files load and fail loudly; steps map aliases back, redact, and keep what code owns."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from assistant.llm.fake import fake_provider, scripted
from assistant.llm.prompts import all_prompts, load_prompt
from assistant.llm.sanitize import untrusted
from assistant.llm.steps import (
    llm_acceptance_criteria,
    llm_draft_stories,
    llm_judge_criteria,
    llm_judge_story,
    llm_need_analysis,
    llm_repair_story,
)
from assistant.models import QualityFinding
from tests.llm.helpers import NORMAL, item, need

REQUIRED = {"triage", "need_statement", "story_drafting", "acceptance_criteria", "critique_repair",
            "judge_story_quality", "judge_criteria_testability"}


def test_every_prompt_file_is_valid_and_says_data_is_untrusted() -> None:
    prompts = {p.name: p for p in all_prompts()}
    assert REQUIRED <= set(prompts)
    for p in prompts.values():
        assert p.version and p.description and p.output_model
        if p.variables:  # every prompt that carries data tells the model it is data
            assert "never" in p.system.lower() and ("untrusted" in p.system or "data" in p.system)
    assert "5 whys" in prompts["need_statement"].system


def _write(tmp: Path, name: str, body: str) -> Path:
    (tmp / f"{name}.yaml").write_text(body, encoding="utf-8")
    return tmp


def test_loader_fails_loudly(tmp_path: Path) -> None:
    base = "name: {n}\nversion: '1'\ndescription: d\noutput_schema: Ping\n"
    _write(tmp_path, "undeclared", base.format(n="undeclared") + "variables: []\nsystem: s {x}\nuser: u\n")
    with pytest.raises(ConfigError, match="differ from declared"):
        load_prompt("undeclared", tmp_path)
    _write(tmp_path, "schema", base.format(n="schema").replace("Ping", "Nope") + "variables: []\nsystem: s\nuser: u\n")
    with pytest.raises(ConfigError, match="output_schema 'Nope'"):
        load_prompt("schema", tmp_path)
    _write(tmp_path, "extra", base.format(n="extra") + "variables: []\nsystem: s\nuser: u\ntemperature: 2\n")
    with pytest.raises(ConfigError, match="invalid"):
        load_prompt("extra", tmp_path)
    with pytest.raises(ConfigError, match="missing"):
        load_prompt("nothing_here", tmp_path)
    spec = load_prompt("triage")
    with pytest.raises(ConfigError, match="missing variable\\(s\\) count"):
        spec.render({"items": "x"})
    with pytest.raises(ConfigError, match="unexpected variable\\(s\\) colour"):
        spec.render({"items": "x", "count": 1, "colour": "red"})


def test_braces_in_data_are_not_template_placeholders() -> None:
    msgs = load_prompt("triage").render({"items": "{count} {system} {{x}}", "count": 1})
    assert "{count} {system} {{x}}" in msgs[1]["content"]


def test_pii_is_redacted_again_right_before_the_request() -> None:
    items = [item(1, "Mail jane.doe@example.com or call +1 415 555 0100", segment="pro"),
             item(2, "My card 4111 1111 1111 1111 was charged twice")]
    p = fake_provider()
    llm_draft_stories(p, need(items, name="refund for jane.doe@example.com"), items)
    sent = " ".join(m["content"] for m in scripted(p).requests[0].messages)
    assert "jane.doe@example.com" not in sent and "555 0100" not in sent and "4111" not in sent
    assert "[EMAIL]" in sent and "[PHONE]" in sent and "[CARD]" in sent


def test_untrusted_is_escaped_and_capped() -> None:
    out = untrusted("</feedback><b>x</b> & " + "y" * 3000)
    assert "<" not in out and ">" not in out and "&amp;" in out and out.endswith("[...]") and len(out) < 1300


def test_drafting_maps_aliases_back_to_real_ids_and_owns_status_and_ids() -> None:
    items = [item(1, NORMAL[0]), item(2, NORMAL[1])]
    stories = llm_draft_stories(fake_provider(), need(items), items)
    real = {i.id for i in items}
    assert stories and all(s.status == "draft" and s.need_id == "need-1" for s in stories)
    assert all(set(s.evidence) <= real and all(set(c.evidence) <= real for c in s.acceptance_criteria) for s in stories)
    assert stories[0].provenance.prompt == "story_drafting" and stories[0].provenance.prompt_version == "1.0"
    again = llm_draft_stories(fake_provider(), need(items), items)
    assert [s.id for s in again] == [s.id for s in stories]  # stable ids


def test_need_analysis_has_whys_and_real_evidence() -> None:
    items = [item(1, NORMAL[0]), item(2, NORMAL[1])]
    got = llm_need_analysis(fake_provider(), need(items), items)
    assert got.whys and got.statement and set(got.evidence) <= {i.id for i in items}
    assert got.provenance.prompt == "need_statement"


def test_repair_keeps_identity_status_and_version() -> None:
    items = [item(1, NORMAL[0]), item(2, NORMAL[1])]
    story = llm_draft_stories(fake_provider(), need(items), items)[0].model_copy(
        update={"goal": "to export and schedule", "status": "approved", "version": 4})
    p = fake_provider()
    fixed = llm_repair_story(p, story, [QualityFinding(criterion="atomic", severity="error",
                                                       message="goal joins two actions", fix="split it")], items)
    assert (fixed.id, fixed.need_id, fixed.status, fixed.version) == (story.id, story.need_id, "approved", 4)
    assert fixed.provenance.prompt == "critique_repair"
    user = scripted(p).requests[0].messages[1]["content"]
    assert "<findings>" in user and "goal joins two actions" in user and "[evidence: F1" in user


def test_criteria_and_judges() -> None:
    items = [item(1, NORMAL[0])]
    story = llm_draft_stories(fake_provider(), need(items), items)[0]
    crits = llm_acceptance_criteria(fake_provider(), story, items)
    assert crits and all(c.evidence == [items[0].id] for c in crits)
    assert 1 <= llm_judge_story(fake_provider(), story).well_formed <= 5
    assert llm_judge_criteria(fake_provider(), story).vague_terms == []


def test_bench_smoke_batching_beats_naive_and_rerun_is_free(tmp_path: Path) -> None:
    from assistant.llm.bench import run_bench

    report = run_bench(60, workspace_dir=tmp_path / "ws")
    assert report.batched.calls < report.naive.calls and report.token_ratio < 0.5
    assert report.rerun.calls == 0 and report.rerun_hit_rate == 1.0


def test_many_needs_run_concurrently_and_in_order() -> None:
    import threading
    import time

    from assistant.llm.fake import well_behaved
    from assistant.llm.steps import llm_draft_stories_many, llm_need_statements

    peak, active, lock = [0], [0], threading.Lock()

    def slow(req):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.03)
        with lock:
            active[0] -= 1
        return well_behaved(req)

    groups = []
    for n in range(6):
        its = [item(10 * n + 1, f"{NORMAL[0]} #{n}"), item(10 * n + 2, f"{NORMAL[1]} #{n}")]
        groups.append((need(its).model_copy(update={"id": f"need-{n}"}), its))
    p = fake_provider(slow, concurrency=3)
    assert len(llm_need_statements(p, groups)) == 6
    drafted = llm_draft_stories_many(p, groups)
    assert [s[0].need_id for s in drafted] == [f"need-{n}" for n in range(6)]
    assert peak[0] == 3
