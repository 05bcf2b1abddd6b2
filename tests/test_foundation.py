"""Foundation: settings resolution, the local model, the chroma index, and the story write path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant import repository
from assistant.embeddings import BacklogsmithEmbeddingFunction, LocalEmbedder, model_files
from assistant.errors import ConfigError, ConflictError, NotFoundError, StorageError
from assistant.index import FeedbackIndex, make_chroma_client
from assistant.models import Criterion, Story
from assistant.settings import resolve_settings


def test_settings_explicit_beats_env_beats_default(tmp_path: Path) -> None:
    env = {"BACKLOGSMITH_WORKSPACE": str(tmp_path / "env"), "BACKLOGSMITH_LLM": "openai", "OPENAI_API_KEY": "sk-test-1234"}
    s = resolve_settings(env=env)
    assert s.workspace == tmp_path / "env" and s.llm == "openai"
    assert "sk-test" not in repr(s) and "sk-test" not in str(s.model_dump())
    s = resolve_settings(env=env, workspace=tmp_path / "arg", llm="offline")
    assert s.workspace == tmp_path / "arg" and s.effective_llm == "offline"
    assert resolve_settings(env={}).effective_llm == "offline"
    assert resolve_settings(env={"OPENAI_BASE_URL": "http://127.0.0.1:8080/v1"}).effective_llm == "openai"


def test_settings_invalid_value_names_the_variable() -> None:
    with pytest.raises(ConfigError, match="BACKLOGSMITH_LLM"):
        resolve_settings(env={"BACKLOGSMITH_LLM": "gpt"})


def test_database_url_default_is_sqlite_in_workspace(tmp_path: Path) -> None:
    s = resolve_settings(env={}, workspace=tmp_path)
    assert s.sqlalchemy_url == f"sqlite:///{tmp_path.resolve() / 'backlogsmith.db'}"
    assert resolve_settings(env={"BACKLOGSMITH_DATABASE_URL": "postgresql://x/y"}).sqlalchemy_url == "postgresql://x/y"


def test_model_files_come_from_installed_packages() -> None:
    model, tokenizer = model_files()
    assert "site-packages" in str(model) and model.stat().st_size > 20_000_000
    assert tokenizer.name == "tokenizer.json"


def test_local_embeddings_are_normalised_and_semantic() -> None:
    vecs = LocalEmbedder().embed(
        ["The app crashes when I upload a receipt", "Uploading a receipt makes the app crash", "I love the dark mode"]
    )
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    sims = vecs @ vecs.T
    assert sims[0, 1] > 0.7 > 0.3 > sims[0, 2]
    # Order inside a batch must not change a vector (we sort by length internally).
    alone = LocalEmbedder().embed(["I love the dark mode"])[0]
    assert np.allclose(alone, vecs[2], atol=1e-4)


def test_chroma_collection_reopens_with_registered_embedding_function(tmp_path: Path) -> None:
    client = make_chroma_client(path=tmp_path / "chroma")
    index = FeedbackIndex(client, embedder_name="x")
    emb = LocalEmbedder()
    texts = ["export expenses to CSV", "sign in with Okta SSO"]
    index.upsert(["a", "b"], emb.embed(texts), [{"segment": "pro"}, {"nested": {"dropped": 1}}])
    # Reopened without naming an embedding function, chroma rebuilds ours from the persisted config, so text
    # queries work offline (chroma's built-in default would try to download a model here and fail).
    reopened = make_chroma_client(path=tmp_path / "chroma").get_collection("feedback")
    assert reopened.configuration["embedding_function"].name() == BacklogsmithEmbeddingFunction.name()
    assert reopened.query(query_texts=["single sign-on"], n_results=1)["ids"][0] == ["b"]
    hits = index.query(emb.embed(["single sign-on"])[0], n=1)
    assert hits[0].id == "b"
    assert set(index.get_vectors(["a", "zz"])) == {"a"}


def test_workspace_uses_wal_and_foreign_keys(workspace) -> None:  # type: ignore[no-untyped-def]
    with workspace.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_workspace_settings_persist(workspace) -> None:  # type: ignore[no-untyped-def]
    assert workspace.get_setting("keep_original_text") is False
    workspace.set_setting("segment_weights", {"enterprise": 5})
    assert workspace.all_settings()["segment_weights"] == {"enterprise": 5}


def _story(**kw) -> Story:  # type: ignore[no-untyped-def]
    base = dict(id="st_1", role="finance admin", goal="to export my expenses to CSV", benefit="I can reconcile in Excel",
                acceptance_criteria=[Criterion(given="an approved expense", when="I export", then="the CSV has a row")])
    base.update(kw)
    return Story(**base)


def test_story_history_and_optimistic_version_check(workspace) -> None:  # type: ignore[no-untyped-def]
    with workspace.transaction() as s:
        first = repository.save_story(s, _story(), actor="ana", action="draft")
    with workspace.transaction() as s:
        edited = repository.save_story(
            s, first.model_copy(update={"goal": "to export expenses as CSV"}), actor="ben", action="edit",
            expected_version=first.version,
        )
    assert edited.version == first.version + 1
    with workspace.transaction() as s:
        history = repository.story_history(s, "st_1")
        assert [h["action"] for h in history] == ["draft", "edit"]
        assert history[1]["actor"] == "ben"
        assert history[1]["changes"] == {"goal": {"before": "to export my expenses to CSV", "after": "to export expenses as CSV"}}
    with pytest.raises(ConflictError, match="someone else"):
        with workspace.transaction() as s:
            repository.save_story(s, first, actor="ana", action="edit", expected_version=first.version)
    with workspace.transaction() as s:  # the stale write left nothing behind
        assert repository.get_story(s, "st_1").goal == "to export expenses as CSV"
        with pytest.raises(NotFoundError):
            repository.get_story(s, "nope")


def test_index_built_with_another_model_refuses_until_reindexed(tmp_path: Path) -> None:
    client = make_chroma_client(path=tmp_path / "chroma2")
    emb = LocalEmbedder()
    FeedbackIndex(client, embedder_name="model-a").upsert(["a"], emb.embed(["x"]), [{}])
    other = FeedbackIndex(client, embedder_name="model-b")
    with pytest.raises(StorageError, match="reindex"):
        other.query(emb.embed(["x"])[0])
    other.reset()  # what `backlogsmith reindex` does first
    other.upsert(["a"], emb.embed(["x"]), [{}])
    assert other.query(emb.embed(["x"])[0], n=1)[0].id == "a"


def test_openai_embeddings_need_a_key_or_endpoint(tmp_path: Path) -> None:
    from assistant.embeddings import OpenAIEmbedder, make_embedder

    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        make_embedder(resolve_settings(env={"BACKLOGSMITH_EMBEDDING": "openai"}))
    emb = make_embedder(resolve_settings(env={"BACKLOGSMITH_EMBEDDING": "openai", "OPENAI_API_KEY": "sk-x"}))
    assert isinstance(emb, OpenAIEmbedder) and emb.name == "openai:text-embedding-3-small"
    assert isinstance(make_embedder(resolve_settings(env={})), LocalEmbedder)


def test_openai_embeddings_over_real_http(httpserver) -> None:  # type: ignore[no-untyped-def]
    from assistant.embeddings import make_embedder

    def answer(request):  # type: ignore[no-untyped-def]
        from werkzeug import Response
        import json

        texts = request.get_json()["input"]
        data = [{"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.0]} for i, t in enumerate(texts)]
        return Response(json.dumps({"object": "list", "data": data, "model": "m",
                                    "usage": {"prompt_tokens": 1, "total_tokens": 1}}), content_type="application/json")

    httpserver.expect_request("/v1/embeddings", method="POST").respond_with_handler(answer)
    emb = make_embedder(resolve_settings(env={"BACKLOGSMITH_EMBEDDING": "openai", "OPENAI_BASE_URL": httpserver.url_for("/v1")}))
    vecs = emb.embed(["abc", "abcdef"])
    assert vecs.shape == (2, 3) and np.allclose(np.linalg.norm(vecs, axis=1), 1.0)
    assert httpserver.log[0][0].get_json()["input"] == ["abc", "abcdef"]
