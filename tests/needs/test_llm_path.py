"""The LLM path through the real provider layer (scripted backend): triage labels and need statements."""

from __future__ import annotations

import assistant.llm.fake as fake
from assistant.needs import build_needs
from assistant.repository import load_items
from assistant.triage import triage_items
from tests.needs.corpus import planted


def test_provider_labels_items_and_writes_statements(workspace) -> None:  # type: ignore[no-untyped-def]
    planted(workspace, per_theme=4)
    provider = fake.fake_provider(model="fake-model")
    assert triage_items(workspace, provider=provider) == 20
    with workspace.transaction() as s:
        items = load_items(s)
    # The echo fake's crude labels are kept unless the item's own words contradict them (then flagged).
    assert {it.triage.engine for it in items if not it.triage.flag} == {"fake-model"}
    assert sum(1 for it in items if it.triage.flag) <= 2
    needs = build_needs(workspace, provider=provider)
    assert needs and all(n.statement.startswith("Customers lose work") for n in needs)
    requests = fake.scripted(provider).requests
    asked = {r.schema_name for r in requests}
    # placement is asked only when some feedback is in no need
    assert {"TriageBatch", "NeedMembersOut", "NeedMergeOut", "NeedStatementOut"} <= asked
    assert asked <= {"TriageBatch", "NeedMembersOut", "NeedMergeOut", "NeedPlacementOut", "NeedStatementOut"}
    # The offline engine re-labels only on request; the LLM's labels stay.
    assert triage_items(workspace) == 0
