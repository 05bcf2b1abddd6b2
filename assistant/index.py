"""The chroma vector index: derived from SQL, rebuildable with `backlogsmith reindex`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.embeddings import BacklogsmithEmbeddingFunction
from assistant.errors import StorageError

COLLECTION = "feedback"


@dataclass(frozen=True)
class Hit:
    id: str
    distance: float
    metadata: dict[str, Any]


def make_chroma_client(path: Path | None = None, host: str | None = None, port: int = 8000) -> Any:
    """PersistentClient in the workspace, or HttpClient when a chroma server is configured."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=True)
    try:
        if host:
            return chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
        assert path is not None
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as exc:  # chroma raises many unrelated types
        where = f"{host}:{port}" if host else str(path)
        raise StorageError(f"Cannot open the vector index at {where}: {exc}") from None


class FeedbackIndex:
    """Feedback vectors keyed by item id (upserts are idempotent, so a crashed ingest can simply re-run)."""

    def __init__(self, client: Any, embedder_name: str, collection: str = COLLECTION):
        self.client = client
        self.collection_name = collection
        self.embedder_name = embedder_name
        self._collection = self._open()

    def _open(self) -> Any:
        collection = self.client.get_or_create_collection(
            self.collection_name,
            embedding_function=BacklogsmithEmbeddingFunction(),
            metadata={"hnsw:space": "cosine", "embedder": self.embedder_name},
        )
        built_with = (collection.metadata or {}).get("embedder")
        self._mismatch = None
        if built_with and built_with != self.embedder_name and collection.count():
            # Vectors from two models are not comparable: using them would silently return nonsense.
            self._mismatch = (
                f"The index was built with {built_with!r} but the workspace now embeds with {self.embedder_name!r}; "
                "run `backlogsmith reindex` to rebuild it."
            )
        return collection

    @property
    def _col(self) -> Any:
        if self._mismatch:
            raise StorageError(self._mismatch)
        return self._collection

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        """Vectors and filterable metadata only. The text lives in SQL (the index is derived from it); a second
        copy here made chroma build a full-text index nobody queries — 60% of its upsert time, 7% of ingest."""
        if not ids:
            return
        clean = [{k: v for k, v in m.items() if isinstance(v, (str, int, float, bool))} or None for m in metadatas]
        for start in range(0, len(ids), 2000):
            end = start + 2000
            self._col.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                metadatas=clean[start:end],
            )

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self._col.delete(ids=list(ids))

    def count(self) -> int:
        return int(self._col.count())

    def ids(self) -> set[str]:
        return set(self._col.get(include=[])["ids"])

    def get_vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors by id (missing ids are simply absent)."""
        out: dict[str, np.ndarray] = {}
        for start in range(0, len(ids), 5000):
            got = self._col.get(ids=list(ids[start : start + 5000]), include=["embeddings"])
            for i, vec in zip(got["ids"], got["embeddings"]):
                out[i] = np.asarray(vec, dtype=np.float32)
        return out

    def query(self, vector: np.ndarray, n: int = 10, where: dict[str, Any] | None = None) -> list[Hit]:
        if self.count() == 0:
            return []
        res = self._col.query(
            query_embeddings=[vector], n_results=min(n, self.count()), where=where,
            include=["distances", "metadatas"],
        )
        return [
            Hit(id=i, distance=float(d), metadata=dict(meta or {}))
            for i, d, meta in zip(res["ids"][0], res["distances"][0], res["metadatas"][0])
        ]

    def query_many(self, vectors: np.ndarray, n: int = 1) -> list[list[Hit]]:
        """Nearest stored items for many vectors, one chroma call per 500 (ingest's near-duplicate check)."""
        total = self.count()
        if total == 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        out: list[list[Hit]] = []
        for start in range(0, len(vectors), 500):
            # Ids and distances only: fetching metadata here cost ingest ~5% of its throughput.
            res = self._col.query(
                query_embeddings=vectors[start : start + 500], n_results=min(n, total), include=["distances"],
            )
            for ids, dists in zip(res["ids"], res["distances"]):
                out.append([Hit(id=i, distance=float(d), metadata={}) for i, d in zip(ids, dists)])
        return out

    def reset(self) -> None:
        """Drop and recreate the collection (used by reindex)."""
        try:
            self.client.delete_collection(self.collection_name)
        except Exception:  # absent collection: nothing to drop
            pass
        self._collection = self._open()
