"""A Workspace is one product's backlog: a folder with the SQL database and the chroma index."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.database import make_engine, make_session_factory, transaction
from assistant.embeddings import Embedder, make_embedder
from assistant.index import FeedbackIndex, make_chroma_client
from assistant.settings import Settings, resolve_settings
from assistant.tables import WorkspaceSettingRow

# Workspace-level defaults; the PO changes them (CLI/UI) and they are stored in the database.
DEFAULT_WORKSPACE_SETTINGS: dict[str, Any] = {
    "keep_original_text": False,
    "segment_weights": {"enterprise": 3.0, "business": 2.0, "pro": 1.5, "team": 1.5, "free": 1.0},
    "definition_of_ready": ["well_formed", "min_two_testable_criteria", "estimated", "has_evidence", "no_blocking_finding"],
    "near_duplicate_threshold": 0.95,
}


class Workspace:
    """Opens (and creates) the database and index lazily; clients are built here once and passed to steps."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        clock: Callable[[], datetime] | None = None,
    ):
        self.settings = settings or resolve_settings()
        self._embedder = embedder
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        if not self.settings.database_url:
            self.settings.workspace.mkdir(parents=True, exist_ok=True)

    @functools.cached_property
    def engine(self):  # type: ignore[no-untyped-def]
        return make_engine(self.settings.sqlalchemy_url)

    @functools.cached_property
    def sessions(self):  # type: ignore[no-untyped-def]
        return make_session_factory(self.engine)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A unit of work on the system of record (all or nothing)."""
        with transaction(self.sessions) as session:
            yield session

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.settings)
        return self._embedder

    @functools.cached_property
    def index(self) -> FeedbackIndex:
        client = make_chroma_client(
            path=self.settings.chroma_path, host=self.settings.chroma_host, port=self.settings.chroma_port
        )
        return FeedbackIndex(client, embedder_name=self.embedder.name)

    def get_setting(self, key: str) -> Any:
        with self.transaction() as s:
            row = s.get(WorkspaceSettingRow, key)
            return row.value if row is not None else DEFAULT_WORKSPACE_SETTINGS.get(key)

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction() as s:
            row = s.get(WorkspaceSettingRow, key)
            if row is None:
                s.add(WorkspaceSettingRow(key=key, value=value))
            else:
                row.value = value

    def all_settings(self) -> dict[str, Any]:
        with self.transaction() as s:
            stored = {r.key: r.value for r in s.scalars(select(WorkspaceSettingRow))}
        return {**DEFAULT_WORKSPACE_SETTINGS, **stored}

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
