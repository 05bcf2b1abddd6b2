"""The real login round trip: `backlogsmith app` with [auth] configured, a real OIDC provider on loopback
(oidc-provider-mock: discovery, authorize, token endpoint, JWKS and an RS256-signed id_token), Streamlit's own
st.login / st.user, and Debian's Chromium. The signed-in identity is what story history records.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from ui_helpers import seed

from assistant.settings import resolve_settings
from assistant.workspace import Workspace
from tests.loopback import free_port, stop, wait_until_up

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(300)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
if not CHROMIUM.is_file():
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium; .ci/run installs it)", allow_module_level=True)
# Test dependencies: missing means a broken install, not a skip.
from oidc_provider_mock import User, run_server_in_thread
from playwright import sync_api

USERS = [User(sub="alice", claims={"email": "alice@example.com", "email_verified": True, "name": "Alice"}),
         User(sub="eve", claims={"email": "eve@elsewhere.example", "email_verified": True, "name": "Eve"})]


def _secrets(app_port: int, idp_port: int) -> str:
    return f"""
[auth]
redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"
cookie_secret = "a-long-random-cookie-secret-for-the-test-0123456789"
client_id = "backlogsmith"
client_secret = "backlogsmith-secret"
server_metadata_url = "http://localhost:{idp_port}/.well-known/openid-configuration"

[roles]
editor = ["alice@example.com"]
"""


@pytest.fixture
def shared_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An OIDC provider and `backlogsmith app` with login configured; yields (url, workspace with one story)."""
    folder = tmp_path / "ws"
    ws = Workspace(resolve_settings(env={}, workspace=folder))
    story = seed(ws, needs=1)[0]
    port = free_port()
    with run_server_in_thread(user_claims=USERS) as idp:
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(_secrets(port, idp.server_port))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "AZURE_OPENAI_"))}
        env.update(HOME=str(tmp_path), BACKLOGSMITH_WORKSPACE=str(folder), BACKLOGSMITH_ACTOR="typed-name",
                   ANONYMIZED_TELEMETRY="False")
        log = (tmp_path / "app.log").open("w")
        proc = subprocess.Popen([sys.executable, "-c", "from assistant.cli import main; main()", "app", "--port",
                                 str(port)], cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"

        def up() -> bool:
            try:
                return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200
            except OSError:
                return False

        try:
            wait_until_up(proc, up, what="backlogsmith app", timeout=60, log=tmp_path / "app.log")
            yield url, ws, story
        finally:
            stop(proc)
            log.close()
            ws.close()


def _login(page, url: str, sub: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(url)
    sync_api.expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sync_api.expect(page.get_by_role("heading", name="Inbox")).to_have_count(0)  # nothing before login
    page.get_by_role("button", name="Sign in").click()
    page.locator('input[name="sub"]').fill(sub)  # the provider's own authorize form
    page.get_by_role("button", name="Authorize").click()


def test_login_through_a_real_oidc_provider_records_the_identity(shared_app) -> None:
    from assistant.repository import story_history

    url, ws, story = shared_app
    sync_api.expect.set_options(timeout=60_000)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            _login(page, url, "alice")
            sync_api.expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
            sync_api.expect(page.get_by_text("Signed in as Alice")).to_be_visible()
            page.get_by_role("link", name="Stories", exact=True).first.click()  # pages are across the top
            page.get_by_role("button", name="Approve", exact=True).first.click()
            sync_api.expect(page.get_by_text(f"Approved. ({story.id})")).to_be_visible()
            with ws.transaction() as s:
                assert story_history(s, story.id)[-1]["actor"] == "alice@example.com"  # not BACKLOGSMITH_ACTOR

            stranger = browser.new_context().new_page()  # signed in, but listed in no role
            _login(stranger, url, "eve")
            sync_api.expect(stranger.get_by_text("no role on this server")).to_be_visible()
            sync_api.expect(stranger.get_by_role("heading", name="Inbox")).to_have_count(0)
        finally:
            browser.close()
