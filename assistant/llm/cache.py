"""Response cache in the workspace database, keyed by (prompt name + version, model, input hash).

Only answers that passed validation are stored, so a cached answer never needs repairing.
"""

from __future__ import annotations

import hashlib
import json
import threading
from typing import Any, Protocol

from assistant.tables import LLMCacheRow


def cache_key(prompt: str, version: str, model: str, messages: list[dict[str, str]], schema_name: str) -> str:
    """sha256 over everything that changes the answer (the rendered messages carry the input)."""
    blob = json.dumps(
        {"prompt": prompt, "version": version, "model": model, "schema": schema_name, "messages": messages},
        sort_keys=True, ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class Cache(Protocol):
    def get(self, key: str) -> dict[str, Any] | None: ...

    def put(self, key: str, *, prompt: str, version: str, model: str, value: dict[str, Any],
            prompt_tokens: int, completion_tokens: int) -> None: ...


class MemoryCache:
    """Process-local cache (used when no workspace is given)."""

    def __init__(self) -> None:
        self._data: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            return self._data.get(key)

    def put(self, key: str, *, prompt: str, version: str, model: str, value: dict[str, Any],
            prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock:
            self._data[key] = value


class WorkspaceCache:
    """LLMCacheRow rows in the workspace database (SQLite or PostgreSQL)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self._lock = threading.Lock()  # SQLite has one writer; serialising here avoids busy waits

    def get(self, key: str) -> dict[str, Any] | None:
        with self.ws.transaction() as s:
            row = s.get(LLMCacheRow, key)
            return dict(row.response) if row is not None else None

    def put(self, key: str, *, prompt: str, version: str, model: str, value: dict[str, Any],
            prompt_tokens: int, completion_tokens: int) -> None:
        with self._lock, self.ws.transaction() as s:
            row = s.get(LLMCacheRow, key)
            if row is None:
                s.add(LLMCacheRow(key=key, prompt=prompt, prompt_version=version, model=model[:256], response=value,
                                  prompt_tokens=prompt_tokens, completion_tokens=completion_tokens))
            else:
                row.response = value
