"""Engine and sessions for the system of record (SQLite in WAL mode with foreign keys, or any SQLAlchemy URL)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout
from sqlalchemy import Engine, create_engine, event, inspect, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from assistant.errors import StorageError
from assistant.tables import Base


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_connection.cursor()
    # busy_timeout first: switching a fresh file to WAL takes a lock that concurrent first runs contend for.
    cur.execute("PRAGMA busy_timeout=10000")
    # WAL: readers (the UI) never block the writer (ingest); synchronous=NORMAL is durable with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _json_dumps(value: Any) -> str:
    # NaN/Infinity are not JSON: PostgreSQL rejects them (SQLite would store them), so both store null.
    try:
        return json.dumps(value, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(value), allow_nan=False)


def make_engine(url: str) -> Engine:
    """Create the engine and the schema; SQLite gets WAL and foreign keys; postgresql:// uses psycopg 3."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    shown = url
    try:
        parsed = make_url(url)
        shown = parsed.render_as_string(hide_password=True)  # error messages must not print a password
        if parsed.drivername in ("postgresql", "postgres"):
            # SQLAlchemy's default PostgreSQL driver is psycopg2; the `postgres` extra ships psycopg 3.
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, future=True, json_serializer=_json_dumps)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if engine.dialect.name == "sqlite" and parsed.database and parsed.database != ":memory:":
            # Concurrent first runs on a fresh workspace: one creates the tables, the others wait and see them.
            with FileLock(f"{parsed.database}.schema.lock", timeout=60):
                _create_schema(engine)
        else:
            _create_schema(engine)
    except Timeout:
        raise StorageError(f"Cannot open the database at {shown!r}: another backlogsmith run has been creating its "
                           "tables for a minute; try again when it is done.") from None
    except ImportError as exc:
        raise StorageError(f"The database driver for {shown!r} is not installed ({exc.name}); for PostgreSQL "
                           "install psycopg 3: `pip install psycopg psycopg-binary`.") from None
    except SQLAlchemyError as exc:
        detail = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [""])[0]  # one line, no SQLAlchemy link
        raise StorageError(f"Cannot open the database at {shown!r}: {exc.__class__.__name__}: {detail}") from None
    return engine


def _create_schema(engine: Engine, attempts: int = 5) -> None:
    """CREATE TABLE IF NOT EXISTS for every table. Concurrent first runs on a fresh database race between
    SQLAlchemy's existence check and its CREATE ("table ... already exists"); the loser simply checks again."""
    for attempt in range(attempts):
        try:
            Base.metadata.create_all(engine)
            _add_new_columns(engine)
            return
        except (OperationalError, ProgrammingError, IntegrityError) as exc:
            message = str(getattr(exc, "orig", exc)).lower()
            racing = "already exists" in message or "locked" in message or "duplicate" in message
            if not racing or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _add_new_columns(engine: Engine) -> None:
    """Columns added to a table after a workspace was created are added as NULL-able, so old workspaces open.

    create_all only creates missing tables; every column added later is nullable (or read with a default),
    so an ADD COLUMN loses nothing stored.
    """
    found = inspect(engine)
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if not found.has_table(table.name):
                continue
            have = {c["name"] for c in found.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back everything on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
