"""Team / server mode: CHROMA_HOST points the workspace at a real chroma server on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.repository import load_items
from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from ingest import ingest_text
from tests.loopback import free_port, stop, wait_until_up


@pytest.fixture
def chroma_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("the chroma CLI is missing: it ships with chromadb, a core dependency (pip install -e .)")
    port = free_port()
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    def up() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until_up(proc, up, what="chroma server", timeout=60)
        yield port
    finally:
        stop(proc, timeout=20)


def test_workspace_indexes_and_searches_through_a_chroma_server(tmp_path: Path, chroma_server: int) -> None:
    settings = resolve_settings(env={"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)},
                                workspace=tmp_path / "ws")
    ws = Workspace(settings)
    ingest_text(ws, "Bank sync stopped working on Monday\n\nPlease add SSO with Okta\n\nExport expenses to CSV")
    assert not (tmp_path / "ws" / "chroma").exists()  # nothing local: the server holds the index
    assert ws.index.count() == 3
    hit = ws.index.query(ws.embedder.embed(["single sign-on"])[0], n=1)[0]
    with ws.transaction() as s:
        assert "SSO" in load_items(s, [hit.id])[0].text
