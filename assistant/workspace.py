"""A Workspace is one product's backlog: a folder with the SQL database and the chroma index.

Writers take `write_lock()`: one ingest / triage / needs / draft at a time per workspace, so two runs never
interleave their chroma upserts (which corrupts a local index) or both "create" the same stories. Readers
(list, show, search, the UI's pages) never wait: SQLite runs in WAL mode.
"""

from __future__ import annotations

import functools
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.database import make_engine, make_session_factory, transaction
from assistant.embeddings import Embedder, make_embedder
from assistant.errors import StorageError
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
        self._lock_depth = 0
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

    BUSY = "another backlogsmith run is writing to this workspace"

    @contextmanager
    def write_lock(self, *, on_wait: Callable[[str], None] | None = None, timeout: float | None = None) -> Iterator[None]:
        """Hold the workspace's single-writer lock (re-entrant within this object).

        Waits up to `timeout` (default: settings.lock_timeout) for another run to finish, calling on_wait(message)
        once when it has to wait; then fails with one clear line. A local workspace uses a lock file in its
        folder (released by the OS when a process dies, even by SIGKILL); with a PostgreSQL database every
        machine shares one session-level advisory lock on that database instead.
        """
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        limit = self.settings.lock_timeout if timeout is None else timeout
        release = self._acquire(limit, on_wait)
        self._lock_depth = 1
        try:
            yield
        finally:
            self._lock_depth = 0
            release()

    def _acquire(self, limit: float, on_wait: Callable[[str], None] | None) -> Callable[[], None]:
        waiting = f"waiting: {self.BUSY} ..."
        busy = f"{self.BUSY}; wait for it to finish (or raise BACKLOGSMITH_LOCK_TIMEOUT, now {limit:g}s) and run the command again."
        if self.engine.dialect.name == "postgresql":
            return self._acquire_advisory(limit, on_wait, waiting, busy)
        from filelock import FileLock, Timeout

        folder = self.settings.workspace
        folder.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(folder / "write.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait and limit > 0:
                on_wait(waiting)
            try:
                lock.acquire(timeout=limit)
            except Timeout:
                raise StorageError(busy) from None
        return lock.release

    def _acquire_advisory(self, limit: float, on_wait: Callable[[str], None] | None, waiting: str,
                          busy: str) -> Callable[[], None]:
        from sqlalchemy import text

        key = zlib.crc32(b"backlogsmith-workspace-write") - 2**31  # one signed 32-bit key per database
        conn = self.engine.connect()
        deadline, told = time.monotonic() + limit, False
        while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.rollback()
            if time.monotonic() >= deadline:
                conn.close()
                raise StorageError(busy)
            if on_wait and not told and limit > 0:
                on_wait(waiting)
                told = True
            time.sleep(0.5)
        conn.commit()

        def release() -> None:
            try:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()
            finally:
                conn.close()

        return release

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
