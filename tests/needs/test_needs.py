"""Needs on a small realistic corpus: planted themes recovered, few unassigned, stable ids, edits survive."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assistant.errors import NotFoundError
from assistant.needs import build_needs, get_need, merge_needs, need_report, rename_need
from assistant.repository import load_items, load_needs
from assistant.tables import FeedbackRow, NeedRow, StoryRow
from assistant.triage import triage_items
from tests.needs.corpus import PRAISE, THEMES, add_items, planted


def _need_of(ws) -> dict[str, str | None]:  # type: ignore[no-untyped-def]
    with ws.transaction() as s:
        return {it.id: it.need_id for it in load_items(s)}


def _theme_needs(themes: dict[str, list[str]], need_of: dict[str, str | None]) -> dict[str, str]:
    """theme -> the need holding most of its items."""
    out = {}
    for theme, ids in themes.items():
        got = [need_of[i] for i in ids if need_of[i]]
        out[theme] = max(set(got), key=got.count)
    return out


@pytest.fixture
def corpus(workspace):  # type: ignore[no-untyped-def]
    themes = planted(workspace, per_theme=7, segment_of={"sso": "enterprise"})
    triage_items(workspace)
    return themes


def test_planted_themes_are_recovered(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    stages: list[str] = []
    needs = build_needs(workspace, progress=lambda stage, done, total: stages.append(stage))
    assert {"vectors", "cluster", "needs"} <= set(stages)
    need_of = _need_of(workspace)
    total = sum(len(v) for v in corpus.values())
    assert sum(1 for v in need_of.values() if v is None) <= 0.1 * total
    by_theme = _theme_needs(corpus, need_of)
    assert len(set(by_theme.values())) == len(THEMES)  # one need per planted theme
    for theme, ids in corpus.items():
        purity = sum(need_of[i] == by_theme[theme] for i in ids) / len(ids)
        assert purity >= 0.85, (theme, purity)
    assert len(needs) <= len(THEMES) + 1
    names = {n.id: n.name.lower() for n in needs}
    assert "csv" in names[by_theme["csv_export"]] or "export" in names[by_theme["csv_export"]]
    assert "sso" in names[by_theme["sso"]] or "sign" in names[by_theme["sso"]]
    assert "dark" in names[by_theme["dark_mode"]]
    sso = get_need(workspace, by_theme["sso"])
    assert sso.statement.startswith("Enterprise customers") and sso.statement.endswith(".")
    assert sso.counts.by_segment == {"enterprise": len(sso.item_ids)}
    assert sso.counts.first_date == "2024-01-10" and sso.quotes and set(sso.quotes) <= set(sso.item_ids)
    assert all(n.id.startswith("need_") for n in needs)


def test_stakeholder_ask_maps_to_the_customers_need(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    (ask,) = add_items(workspace, ["Sales: Northwind will only sign if we build Okta SSO login for them."],
                       kind="stakeholder_ask", meta=[{"author": "Rachel (Sales)"}], path="asks.csv")
    triage_items(workspace)
    build_needs(workspace)
    need_of = _need_of(workspace)
    assert need_of[ask] == _theme_needs(corpus, need_of)["sso"]
    report = need_report(workspace, need_of[ask])
    assert [a["id"] for a in report["stakeholder_asks"]] == [ask]
    assert report["customer_items"] >= 6 and report["counts"]["by_kind"]["stakeholder_ask"] == 1


def test_recluster_keeps_ids_edited_names_and_story_links(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    build_needs(workspace)
    before = _need_of(workspace)
    sso = _theme_needs(corpus, before)["sso"]
    rename_need(workspace, sso, "Enterprise login")
    with workspace.transaction() as s:
        s.add(StoryRow(id="S1", need_id=sso, role="IT admin", goal="to log in with Okta", benefit="x"))
    # New feedback arrives, then a full recluster.
    extra = {t: add_items(workspace, THEMES[t][7:], path=f"{t}-2.csv") for t in THEMES}
    triage_items(workspace)
    needs = build_needs(workspace, recluster=True)
    after = _need_of(workspace)
    assert _theme_needs(corpus, after) == _theme_needs(corpus, before)
    assert {n.id for n in needs} == set(_theme_needs(corpus, before).values())
    renamed = get_need(workspace, sso)
    assert renamed.name == "Enterprise login" and renamed.name_edited
    assert all(after[i] == _theme_needs(corpus, after)[t] for t, ids in extra.items() for i in ids)
    with workspace.transaction() as s:
        assert s.get(StoryRow, "S1").need_id == sso


def test_incremental_assigns_new_items_and_founds_new_needs(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    build_needs(workspace)
    before = _theme_needs(corpus, _need_of(workspace))
    (late,) = add_items(workspace, ["CSV export for my expenses would save me hours with my accountant."], path="late.csv")
    fresh = add_items(workspace, [
        "Push notifications arrive hours late on Android.",
        "I get notifications for approved expenses a day after they happen.",
        "Notification alerts on my phone are delayed or never show up.",
        "Mobile push notifications stopped arriving in time.",
    ], path="notify.csv")
    praise = add_items(workspace, PRAISE, path="praise.csv")
    triage_items(workspace)
    needs = build_needs(workspace)
    need_of = _need_of(workspace)
    assert need_of[late] == before["csv_export"]
    assert _theme_needs(corpus, need_of) == before  # existing needs untouched
    assert len({need_of[i] for i in fresh}) == 1 and need_of[fresh[0]] not in before.values()
    assert len(needs) in (len(before) + 1, len(before) + 2)
    # Generic praise is not close to any problem need: it is never folded into one (it may form its own).
    assert not {need_of[i] for i in praise} & (set(before.values()) | {need_of[fresh[0]]})


def test_duplicates_follow_their_canonical(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    canonical = corpus["dark_mode"][0]
    (dupe,) = add_items(workspace, [THEMES["dark_mode"][0]], path="copy.csv")
    with workspace.transaction() as s:
        s.get(FeedbackRow, dupe).duplicate_of = canonical
    triage_items(workspace)
    build_needs(workspace)
    need_of = _need_of(workspace)
    assert need_of[dupe] == need_of[canonical] is not None
    assert dupe in get_need(workspace, need_of[canonical]).item_ids


def test_merge_and_rename(workspace, corpus) -> None:  # type: ignore[no-untyped-def]
    build_needs(workspace)
    by_theme = _theme_needs(corpus, _need_of(workspace))
    keep, other = by_theme["bank_sync"], by_theme["receipt_ocr"]
    with workspace.transaction() as s:
        s.add(StoryRow(id="S2", need_id=other, role="bookkeeper", goal="to scan receipts", benefit="x"))
    merged = merge_needs(workspace, keep, other)
    assert set(corpus["receipt_ocr"]) <= set(merged.item_ids) and merged.id == keep
    assert merged.counts.total == len(merged.item_ids)
    assert get_need(workspace, other).id == keep  # the old id resolves to the survivor
    with workspace.transaction() as s:
        assert s.get(StoryRow, "S2").need_id == keep
        assert s.get(NeedRow, other).merged_into == keep
        assert other not in {n.id for n in load_needs(s)}
    assert rename_need(workspace, keep, "  Money   in and out ").name == "Money in and out"
    with pytest.raises(NotFoundError):
        rename_need(workspace, "need_nope", "x")
    # Recluster after a merge: the merge is the PO's call, so it survives (same id, both themes inside).
    build_needs(workspace, recluster=True)
    with workspace.transaction() as s:
        live = {r.id for r in s.scalars(select(NeedRow).where(NeedRow.merged_into.is_(None)))}
    assert keep in live and other not in live
    need_of = _need_of(workspace)
    assert all(need_of[i] == keep for i in corpus["receipt_ocr"] + corpus["bank_sync"])
    assert get_need(workspace, keep).name == "Money in and out"
