"""`backlogsmith app` is private by default; `doctor` never prints credentials embedded in the endpoint URL."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app, common
from assistant.errors import AccessError
from tests.loopback import free_port, stop, wait_until_up

SECRETS = """
[auth]
redirect_uri = "http://127.0.0.1:8501/oauth2callback"
cookie_secret = "0123456789abcdef0123456789abcdef"
client_id = "backlogsmith"
client_secret = "s3cret"
server_metadata_url = "http://127.0.0.1:9/.well-known/openid-configuration"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clean cwd and HOME, so no secrets.toml of the machine is read."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(common.err_console, "_width", 1000)
    return tmp_path


def test_app_refuses_a_shared_host_without_login_in_one_line(home: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", "from assistant.cli import main; main()", "app", "--host", "0.0.0.0"],
                          capture_output=True, text=True, timeout=60, check=False, cwd=home, env=dict(os.environ, HOME=str(home)))
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.startswith("error: Refusing to share the UI on 0.0.0.0 without login")
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("host", ["::", "192.168.1.20", "backlog.example.com", ""])
def test_app_refuses_any_other_shared_host(home: Path, host: str) -> None:
    result = CliRunner().invoke(app, ["app", "--host", host])
    assert isinstance(result.exception, AccessError) and "without login" in str(result.exception)


def test_app_refuses_a_shared_host_from_the_environment(home: Path, monkeypatch) -> None:
    monkeypatch.setenv("BACKLOGSMITH_UI_HOST", "0.0.0.0")  # sharing "by config" is held to the same rule
    result = CliRunner().invoke(app, ["app"])
    assert isinstance(result.exception, AccessError) and "0.0.0.0 without login" in str(result.exception)


def test_app_refuses_login_that_admits_nobody(home: Path) -> None:
    (home / ".streamlit").mkdir()
    (home / ".streamlit" / "secrets.toml").write_text(SECRETS)
    result = CliRunner().invoke(app, ["app", "--host", "0.0.0.0"])
    assert isinstance(result.exception, AccessError) and "names nobody" in str(result.exception)


def _listening(port: int) -> set[str]:
    """Local addresses with a socket listening on `port` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for row in Path(table).read_text().splitlines()[1:]:
            local, state = row.split()[1], row.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.add(address)
    return found


@pytest.mark.slow
def test_app_listens_on_loopback_only_by_default(home: Path, tmp_path: Path) -> None:
    if not os.path.exists("/proc/net/tcp"):
        pytest.skip("needs Linux /proc/net/tcp to see the listening address")
    port = free_port()
    log = (tmp_path / "app.log").open("w")
    env = dict(os.environ, HOME=str(tmp_path), BACKLOGSMITH_WORKSPACE=str(tmp_path / "ws"))
    # Run from a folder without .streamlit/config.toml: the address must come from the command itself.
    proc = subprocess.Popen([sys.executable, "-c", "from assistant.cli import main; main()", "app", "--port",
                             str(port)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def up() -> bool:
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200
            except OSError:
                return False

        wait_until_up(proc, up, what="backlogsmith app", timeout=60, log=tmp_path / "app.log")
        assert _listening(port) == {"0100007F"}  # 127.0.0.1 and nothing else (no 0.0.0.0, no ::)
    finally:
        stop(proc)


def test_doctor_masks_credentials_in_the_endpoint_url(home: Path, monkeypatch, httpserver, caplog) -> None:
    httpserver.expect_request("/v1/chat/completions").respond_with_json(
        {"error": {"message": "bad key", "type": "invalid_request_error"}}, status=401)
    base = httpserver.url_for("/v1").replace("http://", "http://bob:hunter2@")
    monkeypatch.setenv("OPENAI_BASE_URL", f"{base}?api-key=tok-in-the-query-0001&api-version=2024-10-21")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-the-real-key-0123456789")
    monkeypatch.setenv("BACKLOGSMITH_LLM_MAX_RETRIES", "0")
    monkeypatch.setattr(common.console, "_width", 1000)
    caplog.set_level(logging.DEBUG)
    result = CliRunner().invoke(app, ["doctor"])
    ours = [r for r in caplog.records if not r.name.startswith("werkzeug")]  # werkzeug: the test server's own log
    printed = result.output + str(result.exception) + "\n".join(r.getMessage() for r in ours)
    assert httpserver.log, "doctor never called the endpoint: the error path was not exercised"
    assert "****@" in printed and "api-version=2024-10-21" in printed  # still says where it goes
    for secret in ("hunter2", "tok-in-the-query-0001", "sk-the-real-key-0123456789"):
        assert secret not in printed, secret
