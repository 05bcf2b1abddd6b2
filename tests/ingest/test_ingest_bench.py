"""The ingest benchmark runs end to end on a small corpus and reports both rates (targets live in `bench`)."""

from __future__ import annotations

from assistant.benchmarks.ingest import corpus, run


def test_corpus_is_distinct_realistic_and_deterministic() -> None:
    texts = corpus(300)
    assert len(set(texts)) == 300 and texts == corpus(300)
    assert all(8 <= len(t.split()) <= 40 and t[0].isupper() for t in texts)


def test_bench_reports_embedding_and_ingest_rates() -> None:
    result = run(quick=True, n=64, rounds=2)
    assert result["part"] == "ingest" and result["sentences"] == 64
    assert result["embed_sentences_per_s"] > 0 and result["ingest_sentences_per_s"] > 0
    expected = result["ingest_sentences_per_s"] / result["embed_sentences_per_s"]
    assert abs(result["ingest_ratio"] - expected) < 0.01
    assert result["passed"] == (result["ingest_ratio"] >= result["target"])



def test_scale_corpus_is_real_review_text_made_unique(shared_datasets, monkeypatch, tmp_path) -> None:
    # The run itself (`backlogsmith bench ingest-scale`) takes minutes: a measurement, not a unit test.
    import csv

    from assistant.benchmarks import ingest_scale

    monkeypatch.setenv("BACKLOGSMITH_DATASETS", str(shared_datasets))
    texts = ingest_scale.real_texts()
    assert len(texts) > 5000
    rows = ingest_scale.write_corpus(tmp_path / "c.csv", texts, len(texts) + 50)
    assert len(set(rows)) == len(rows) and rows[len(texts)].startswith(texts[0])
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as f:
        assert sum(1 for _ in csv.DictReader(f)) == len(rows)
