"""Identity, duplicates, re-ingest, original text, index catch-up and reindex."""

from __future__ import annotations

from sqlalchemy import func, select, update

from assistant.repository import load_items
from assistant.tables import FeedbackRow
from ingest import ingest_paths, ingest_text, reindex
from ingest.dedupe import item_id

SLOW = "The dashboard takes forever to load every morning, about 15 seconds."
SLOW_NEAR = "The dashboard takes forever to load every morning, about 15 seconds!!"
EXPORT = "Please let us export expenses as CSV for our accountant."


def _items(ws):
    with ws.transaction() as s:
        return load_items(s)


def test_ids_are_stable_content_hashes() -> None:
    # Pinned: ids live in databases and trackers, so they must not change between processes or releases
    # (an in-process equality would not notice a salted hash()).
    assert item_id("a.csv", 1, "x") == "fb_db42deb197358a63"
    assert len({item_id("a.csv", 1, "x"), item_id("a.csv", 2, "x"), item_id("b.csv", 1, "x"), item_id("a.csv", 1, "y")}) == 4
    assert item_id("a.csv", 1, "x").startswith("fb_") and len(item_id("a.csv", 1, "x")) == 19


def test_exact_and_near_duplicates_are_linked_not_dropped(workspace, tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f'text,author\n"{SLOW}",a\n"{EXPORT}",b\n"{SLOW.upper()}",c\n"{SLOW_NEAR}",d\n')
    report = ingest_paths(workspace, [path])
    assert report.added == 4 and report.files[0].duplicates == 1 and report.files[0].near_duplicates == 1
    items = _items(workspace)
    canonical = items[0]
    assert canonical.duplicate_of is None and items[1].duplicate_of is None
    assert items[2].duplicate_of == canonical.id and items[2].metadata["duplicate_similarity"] == 1.0
    assert items[3].duplicate_of == canonical.id and 0.95 <= items[3].metadata["duplicate_similarity"] < 1.0
    assert workspace.index.count() == 4  # duplicates are evidence too: all indexed


def test_duplicates_across_files_point_at_the_first_canonical(workspace, tmp_path) -> None:
    (tmp_path / "a.csv").write_text(f'text\n"{SLOW}"\n')
    ingest_paths(workspace, [tmp_path / "a.csv"])
    (tmp_path / "b.txt").write_text(f"{SLOW_NEAR}\n{SLOW}\n{EXPORT}\n")
    report = ingest_paths(workspace, [tmp_path / "b.txt"])
    assert report.files[0].duplicates == 1 and report.files[0].near_duplicates == 1
    first = _items(workspace)[0]
    linked = [i for i in _items(workspace) if i.duplicate_of]
    assert {i.duplicate_of for i in linked} == {first.id}


def test_near_duplicate_threshold_is_a_workspace_setting(workspace, tmp_path) -> None:
    workspace.set_setting("near_duplicate_threshold", 0.999999)
    (tmp_path / "a.txt").write_text(f"{SLOW}\n{SLOW_NEAR}\n")
    assert ingest_paths(workspace, [tmp_path / "a.txt"]).files[0].near_duplicates == 0


def test_reingest_adds_nothing_and_an_edited_file_adds_only_new_rows(workspace, tmp_path) -> None:
    path = tmp_path / "r.csv"
    path.write_text(f'text\n"{SLOW}"\n"{EXPORT}"\n')
    assert ingest_paths(workspace, [path]).added == 2
    again = ingest_paths(workspace, [path])
    assert again.added == 0 and again.files[0].status == "already_ingested"
    path.write_text(f'text\n"{SLOW}"\n"{EXPORT}"\nSSO with Okta is a must for us.\n')
    edited = ingest_paths(workspace, [path])
    assert edited.added == 1 and edited.files[0].existing == 2
    assert len(_items(workspace)) == 3 and workspace.index.count() == 3
    assert ingest_text(workspace, "Pasted once").added == 1
    assert ingest_text(workspace, "Pasted once").added == 0


def test_original_text_only_when_the_workspace_keeps_it(workspace, tmp_path) -> None:
    ingest_text(workspace, "Mail me at ann@x.com", name="p1")
    workspace.set_setting("keep_original_text", True)
    ingest_text(workspace, "Mail me at bob@x.com", name="p2")
    with workspace.transaction() as s:
        rows = {r.source_path: (r.text, r.original_text) for r in s.scalars(select(FeedbackRow))}
    assert rows["p1"] == ("Mail me at [EMAIL]", None)
    assert rows["p2"] == ("Mail me at [EMAIL]", "Mail me at bob@x.com")


def test_unindexed_rows_are_caught_up_and_reindex_rebuilds(workspace, tmp_path) -> None:
    (tmp_path / "a.txt").write_text(f"{SLOW}\n{EXPORT}\n")
    ingest_paths(workspace, [tmp_path / "a.txt"])
    # Simulate a run killed between commit and index update.
    workspace.index.reset()
    with workspace.transaction() as s:
        s.execute(update(FeedbackRow).values(indexed=False))
    report = ingest_text(workspace, "Something new")
    assert report.recovered == 2 and workspace.index.count() == 3
    with workspace.transaction() as s:
        assert s.scalar(select(func.count()).select_from(FeedbackRow).where(FeedbackRow.indexed.is_(False))) == 0
    workspace.index.reset()
    assert reindex(workspace) == 3
    ids = {i.id for i in _items(workspace)}
    assert workspace.index.ids() == ids
    hit = workspace.index.query(workspace.embedder.embed(["csv export for the accountant"])[0], n=1)[0]
    assert {i.id: i.text for i in _items(workspace)}[hit.id] == EXPORT


def test_near_duplicate_linking_is_the_same_in_small_blocks() -> None:
    import numpy as np

    from ingest.dedupe import link_near

    rng = np.random.default_rng(3)
    base = rng.normal(size=(40, 16)).astype(np.float32)
    vecs = np.concatenate([base, base[:25] + 0.05 * rng.normal(size=(25, 16)).astype(np.float32)])
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = [f"i{k}" for k in range(len(vecs))]
    dups: list[str | None] = [None] * len(vecs)
    dups[3] = "i0"  # an exact duplicate is never re-linked
    existing = [None] * len(vecs)
    existing[50] = ("old", 0.9999)  # a better existing match wins
    whole = link_near(vecs, ids, dups, existing, 0.95, block=1000, chunk=1000)
    small = link_near(vecs, ids, dups, existing, 0.95, block=7, chunk=5)
    assert whole == small
    assert whole[3] is None and whole[50] == ("old", 0.9999)
    linked = [k for k, r in enumerate(whole) if r]
    assert len(linked) >= 20 and all(k >= 40 for k in linked)
    assert all(int(r[0][1:]) < 40 for r in whole if r and r[0] != "old")  # canonicals are originals
