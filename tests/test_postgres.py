"""Team mode: BACKLOGSMITH_DATABASE_URL pointing at a real PostgreSQL server runs the same flow as SQLite.

The fixture starts a throw-away PostgreSQL (initdb + postgres from the installed binaries) on 127.0.0.1 with
fsync off. initdb and postgres refuse to run as root, so under root they run as the `postgres` (or `nobody`)
user via setpriv, in a temp folder that user owns. Skips only when no PostgreSQL binaries are installed.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import ConflictError, StorageError
from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from tests.loopback import free_port, stop, wait_until_up

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
import psycopg  # a test dependency (pip install -e '.[test]'): missing means a broken install, not a skip


def _pg_bindir() -> Path | None:
    """The newest Debian-packaged PostgreSQL, else initdb/postgres found on PATH."""
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if all((Path(bindir) / exe).is_file() for exe in ("initdb", "postgres")):
            return Path(bindir)
    initdb = shutil.which("initdb")
    if initdb and (Path(initdb).resolve().parent / "postgres").is_file():
        return Path(initdb).resolve().parent
    return None


def _as_user() -> tuple[list[str], pwd.struct_passwd | None]:
    """Command prefix that drops root (postgres refuses to run as root); empty when not root."""
    if os.geteuid() != 0:
        return [], None
    if shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is missing, so PostgreSQL cannot drop root")
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        # setpriv execs in place (no forking wrapper), so terminating the Popen stops postgres itself.
        return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", "--"], user
    pytest.skip("running as root and there is no unprivileged `postgres`/`nobody` user to run PostgreSQL")


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[str]:
    """A fresh PostgreSQL cluster on loopback; yields the base URL (without a database name)."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/postgres; Debian: apt-get install postgresql)")
    prefix, user = _as_user()
    # Not pytest's tmp_path: it is root-only (0700) and the postgres user could not enter it.
    root = Path(tempfile.mkdtemp(prefix="backlogsmith-pg-"))
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    data, port = root / "data", free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    init = subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "backlogsmith", "--auth=trust",
                           "-E", "UTF8", "--no-locale", "--no-sync"], cwd=root, env=env, capture_output=True, text=True)
    if init.returncode != 0:
        shutil.rmtree(root, ignore_errors=True)
        pytest.fail(f"initdb failed: {init.stderr.strip()[-2000:]}")
    log = open(root / "postgres.log", "wb")  # noqa: SIM115 - kept open for the server's lifetime
    proc = subprocess.Popen(
        [*prefix, str(bindir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port), "-k", str(root),
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
         "-c", "shared_buffers=32MB", "-c", "max_connections=30"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"postgresql+psycopg://backlogsmith@127.0.0.1:{port}"
    def up() -> bool:
        try:
            psycopg.connect(f"host=127.0.0.1 port={port} user=backlogsmith dbname=postgres", connect_timeout=2).close()
            return True
        except psycopg.OperationalError:
            return False

    try:
        wait_until_up(proc, up, what="postgres", timeout=30, log=root / "postgres.log", poll=0.1)
        yield base
    finally:
        stop(proc, timeout=20)  # SIGTERM = smart shutdown; the Workspaces are closed by then
        log.close()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str, request: pytest.FixtureRequest) -> str:
    """A new, empty database per test."""
    name = "bs_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    port = postgres_server.rsplit(":", 1)[1]
    with psycopg.connect(f"host=127.0.0.1 port={port} user=backlogsmith dbname=postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{postgres_server}/{name}"


def _flow(ws: Workspace, out: Path) -> dict[str, object]:
    """ingest -> re-ingest -> triage -> needs -> draft -> stale edit refused -> edit -> approve -> export json."""
    from assistant.export import export_stories
    from assistant.needs import build_needs
    from assistant.readiness import backlog_health
    from assistant.repository import load_items, load_stories
    from assistant.stats import workspace_stats
    from assistant.stories import approve_story, draft, edit_story
    from assistant.triage import triage_items
    from assistant.value import prioritize
    from ingest import ingest_paths

    added = ingest_paths(ws, [EXAMPLES]).added
    again = ingest_paths(ws, [EXAMPLES]).added
    triaged = triage_items(ws)
    needs = build_needs(ws)
    drafted = draft(ws)
    stories = sorted((st for st in drafted.stories if st.kind == "story"), key=lambda st: st.id)
    assert stories, "the examples must give at least one written story (not only stories to write)"
    first = stories[0]
    edited = edit_story(ws, first.id, {"benefit": "my team trusts the numbers"}, actor="alice",
                        expected_version=first.version)
    assert edited.version == first.version + 1
    with pytest.raises(ConflictError):  # bob loaded the story before alice saved: his edit must not win
        edit_story(ws, first.id, {"benefit": "nothing changes"}, actor="bob", expected_version=first.version)
    approve_story(ws, first.id, actor="alice", expected_version=edited.version)
    ranked = [st.id for st in prioritize(ws)]
    ws.set_setting("segment_weights", {"enterprise": 5.0, "free": 0.5})
    health = backlog_health(ws)
    report = export_stories(ws, "json", out, force=True)
    exported = json.loads(Path(report.files[0]).read_text(encoding="utf-8"))
    with ws.transaction() as s:
        items, final = load_items(s), load_stories(s)
    return {
        "added": added, "again": again, "triaged": triaged, "items": len(items),
        "triage": sorted((i.id, i.triage.sentiment, i.triage.urgency) for i in items if i.triage),
        "needs": sorted((n.id, n.name) for n in needs),
        "needs_of_items": sorted((i.id, i.need_id) for i in items),
        "stories": sorted((st.id, st.text) for st in final),
        "approved": sorted(st.id for st in final if st.status == "approved"),
        "benefit": next(st.benefit for st in final if st.id == first.id),
        "exported": sorted(st["id"] for st in exported["stories"]),
        "ranked": ranked,
        "weights": ws.get_setting("segment_weights"),
        "health": [(c.name, c.ok, c.numbers.get("new_items")) for c in health.checks],
        "stats": workspace_stats(ws).model_dump(),
    }


def test_core_flow_on_postgres_matches_sqlite(tmp_path: Path, postgres_url: str) -> None:
    pg_ws = Workspace(resolve_settings(env={"BACKLOGSMITH_DATABASE_URL": postgres_url}, workspace=tmp_path / "pg"))
    sqlite_ws = Workspace(resolve_settings(env={}, workspace=tmp_path / "sqlite"))
    try:
        assert pg_ws.engine.dialect.name == "postgresql"
        pg = _flow(pg_ws, tmp_path / "out-pg" / "stories.json")
        sqlite_ws._embedder = pg_ws.embedder  # load the local model once
        lite = _flow(sqlite_ws, tmp_path / "out-sqlite" / "stories.json")
    finally:
        pg_ws.close()
        sqlite_ws.close()
    assert pg["added"] > 0 and pg["again"] == 0
    assert pg["triaged"] == pg["items"] == pg["added"]
    assert pg["approved"] and pg["exported"] == pg["approved"]
    assert pg["benefit"] == "my team trusts the numbers"
    assert not (tmp_path / "pg" / "backlogsmith.db").exists()  # the system of record is the server
    assert pg == lite


def _pg_workspace(url: str, folder: Path) -> Workspace:
    return Workspace(resolve_settings(env={"BACKLOGSMITH_DATABASE_URL": url}, workspace=folder))


def test_two_people_saving_the_same_story_at_once_one_wins(tmp_path: Path, postgres_url: str) -> None:
    """Real concurrency: bob's save waits on alice's row lock, then finds a newer version and is refused."""
    from assistant.needs import build_needs
    from assistant.repository import get_story, save_story, story_history
    from assistant.stories import draft
    from assistant.triage import triage_items
    from ingest import ingest_text

    alice, bob = _pg_workspace(postgres_url, tmp_path / "ws"), _pg_workspace(postgres_url, tmp_path / "ws")
    try:
        ingest_text(alice, "Please add dark mode to the dashboard\n\nDark mode for the dashboard please, my eyes hurt\n\n"
                           "We need a dark theme on the dashboard for night shifts")
        triage_items(alice)
        build_needs(alice)
        story = draft(alice).stories[0]
        outcome: list[BaseException | None] = []

        def bob_edits() -> None:
            # The repository write itself (what edit_story ends in): the race under test is the database's, and
            # edit_story's lint/readiness work before it only made the wait below depend on machine load.
            try:
                with bob.transaction() as s:
                    save_story(s, story.model_copy(update={"benefit": "bob wins"}), actor="bob", action="edit",
                               expected_version=story.version)
                outcome.append(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                outcome.append(exc)

        port = postgres_url.rsplit(":", 1)[1].split("/")[0]
        with bob.transaction() as s:  # bob's engine and schema check happen here, not inside the race
            get_story(s, story.id)
        with alice.transaction() as s:  # alice's save is flushed (row locked) but not committed yet
            mine = get_story(s, story.id)
            save_story(s, mine.model_copy(update={"benefit": "alice wins"}), actor="alice", action="edit",
                       expected_version=story.version)
            thread = threading.Thread(target=bob_edits)
            thread.start()
            with psycopg.connect(f"host=127.0.0.1 port={port} user=backlogsmith dbname=postgres") as watch:
                deadline = time.monotonic() + 60
                while not watch.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                        ).fetchone()[0]:
                    assert thread.is_alive() and time.monotonic() < deadline, f"bob never waited: {outcome}"
                    time.sleep(0.05)
        thread.join(timeout=60)
        assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
        with bob.transaction() as s:
            assert get_story(s, story.id).benefit == "alice wins"
            assert [h["actor"] for h in story_history(s, story.id) if h["action"] == "edit"] == ["alice"]
    finally:
        alice.close()
        bob.close()


def test_values_sqlite_tolerates_are_stored_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    """PostgreSQL enforces VARCHAR lengths and rejects NaN in JSON; SQLite silently accepts both."""
    from assistant.repository import load_items
    from ingest import ingest_paths

    (tmp_path / "in").mkdir()
    long_id = "zendesk/" + "/".join(["support-queue"] * 30)  # 427 chars; the old column was VARCHAR(256)
    (tmp_path / "in" / "tickets.csv").write_text(f"id,text\n{long_id},Bank sync fails every Monday morning\n")
    (tmp_path / "in" / "reviews.json").write_text('[{"id": "r1", "text": "Export misses the totals", "rating": NaN}]')
    ws = _pg_workspace(postgres_url.replace("postgresql+psycopg://", "postgresql://"), tmp_path / "ws")
    try:
        assert ws.engine.dialect.driver == "psycopg"  # the plain form works with the driver we ship
        assert ingest_paths(ws, [tmp_path / "in"]).added == 2
        with ws.transaction() as s:
            items = {i.text: i for i in load_items(s)}
    finally:
        ws.close()
    assert items["Bank sync fails every Monday morning"].source.id == long_id
    assert items["Export misses the totals"].metadata.get("rating") is None


def test_an_unreachable_database_is_one_clear_line_without_the_password(tmp_path: Path, postgres_url: str) -> None:
    url = postgres_url.replace("backlogsmith@", "backlogsmith:s3cret@").rsplit("/", 1)[0] + "/no_such_db"
    ws = _pg_workspace(url, tmp_path / "ws")
    with pytest.raises(StorageError) as err:
        ws.get_setting("segment_weights")
    message = str(err.value)
    assert "no_such_db" in message and "does not exist" in message
    assert "s3cret" not in message and "\n" not in message


def test_one_writer_per_database_across_workspace_folders(tmp_path: Path, postgres_url: str) -> None:
    # issue 13, team mode: two machines (two folders) on one database share one advisory lock, not a lock file.
    from assistant.errors import StorageError

    first, second = _pg_workspace(postgres_url, tmp_path / "a"), _pg_workspace(postgres_url, tmp_path / "b")
    try:
        with first.write_lock(), pytest.raises(StorageError, match="another backlogsmith run is writing to this workspace"):
            with second.write_lock(timeout=0):
                pass
        with second.write_lock(timeout=0):  # released with the first run
            pass
    finally:
        first.close()
        second.close()
