"""Point 1 of issue 13, attack by attack, under AppTest with signed-in users.

The OIDC login itself is Streamlit's (st.login); here `AppTest.user` (Streamlit's supported test hook for st.user)
stands for the identity the provider vouched for, and [auth]/[roles] come through `AppTest.secrets`. What these
tests prove is our policy on top of that identity: the server's key, files, trackers and history. The real login
round trip against an OIDC provider on loopback is tests/ui/test_oidc_login.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest
from ui_helpers import APP, plain, seed

from assistant.repository import story_history
from assistant.tables import ExportRecord, FeedbackRow, StoryRow

SERVER_KEY = "sk-server-0123456789abcdefSECRET"
VISITOR_KEY = "sk-visitor-own-key-42"
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "c" * 40, "client_id": "backlogsmith",
        "client_secret": "s3cret", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ROLES = {"admin": ["po@example.com"], "editor": ["*@team.example.com"], "pusher": ["release@example.com"],
         "viewer": ["auditor@partner.example.org"]}


def open_as(page: str, email: str | None, *, timeout: float = 60, verified: bool = True) -> AppTest:
    """app.py with login configured, as `email` signed in (None: nobody signed in), on one page."""
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    at.secrets["auth"] = AUTH
    at.secrets["roles"] = ROLES
    at.user = ({"is_logged_in": False} if email is None else
               {"is_logged_in": True, "email": email, "email_verified": verified, "name": email.split("@")[0].title(),
                "sub": f"sub-{email}"})
    at.run()
    if email is not None and not at.error:
        switch(at, page)
    return at


def switch(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"assistant/ui/pages/{page}.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def errors(at: AppTest) -> str:
    return " ".join(plain(e.value) for e in at.error)


def click(at: AppTest, label: str, timeout: float = 60) -> AppTest:
    at.button[[b.label for b in at.button].index(label)].click().run(timeout=timeout)
    return at


# --- who gets in -------------------------------------------------------------------------------------------------

def test_nobody_signed_in_sees_only_the_sign_in_button(ui_ws):
    seed(ui_ws, needs=1)
    at = open_as("stories", None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.text_input and not at.dataframe and "need number" not in str([m.value for m in at.markdown])


def test_signed_in_without_a_role_or_with_an_unverified_address_gets_nothing(ui_ws):
    seed(ui_ws, needs=1)
    for email, verified in (("stranger@gmail.example", True), ("po@example.com", False)):
        at = open_as("stories", email, verified=verified)
        assert "no role on this server" in errors(at)
        assert [b.label for b in at.button] == ["Sign out"] and not at.text_input


def test_listening_beyond_loopback_without_login_serves_nothing(ui_ws):
    from streamlit import config

    seed(ui_ws, needs=1)
    config.set_option("server.address", "0.0.0.0")
    try:
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
    finally:
        config.set_option("server.address", "127.0.0.1")
    assert "listens beyond this machine without login" in errors(at)
    assert not at.button and not at.text_input and not at.dataframe


# --- the server's LLM key never goes to a visitor's endpoint -----------------------------------------------------

def _recording_llm(httpserver) -> str:
    """A real HTTP server on loopback standing in for the visitor's endpoint: it records every request and
    refuses it (401), so the app stops after the first call."""
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(
        {"error": {"message": "no", "type": "invalid_request_error", "code": "invalid_api_key"}}, status=401)
    return httpserver.url_for("/v1")


def _use_llm(at: AppTest, endpoint: str, key: str = "") -> None:
    at.selectbox(key="settings_provider").set_value("openai")
    at.text_input(key="settings_base_url").input(endpoint)
    if key:
        at.text_input(key="settings_key").input(key)
    click(at, "Use this LLM")


def test_visitor_endpoint_never_receives_the_server_key(ui_ws, monkeypatch, httpserver):
    monkeypatch.setenv("OPENAI_API_KEY", SERVER_KEY)  # the server's own LLM: the default endpoint with its key
    monkeypatch.setenv("BACKLOGSMITH_LLM_MAX_RETRIES", "0")
    with ui_ws.transaction() as s:
        for i in range(3):
            s.add(FeedbackRow(id=f"fb{i}", text=f"The export to CSV fails on report {i}", text_hash=f"h{i}",
                              source_path="paste", source_row=i + 1))
    endpoint = _recording_llm(httpserver)
    visitor = open_as("settings", "mallory@team.example.com")
    _use_llm(visitor, endpoint)  # the attack: their endpoint, no key
    assert "for this session" in " ".join(s.value for s in visitor.success)
    switch(visitor, "inbox")
    visitor.button(key="inbox_process").click().run(timeout=120)  # triage + needs
    sent = [req.headers.get("Authorization", "") for req, _ in httpserver.log]
    assert sent, "the visitor's endpoint was never called: the test would prove nothing"
    assert all(SERVER_KEY not in h for h in sent) and set(sent) == {"Bearer no-key-needed"}
    # The steps fall back to the offline engine and say why (the visitor's endpoint refused their missing key).
    said = errors(visitor) + " ".join(plain(w.value) for w in visitor.warning)
    assert "rejected the API key" in said, said

    httpserver.clear_log()
    switch(visitor, "settings")
    _use_llm(visitor, endpoint, key=VISITOR_KEY)  # with their own key, their key is what goes there
    switch(visitor, "inbox")
    visitor.button(key="inbox_process").click().run(timeout=120)  # triage + needs
    assert {req.headers.get("Authorization") for req, _ in httpserver.log} == {f"Bearer {VISITOR_KEY}"}
    switch(visitor, "settings")
    visitor.text_input(key="settings_model").input("another-model")
    click(visitor, "Use this LLM")  # same endpoint, no key typed: their own key stays, the server's never comes
    assert any("Your own API key" in c.value for c in visitor.caption)

    # The choice lived in that session only: the next visitor gets the server's LLM and never sees the URL or key.
    other = open_as("settings", "bob@team.example.com")
    assert other.text_input(key="settings_base_url").value == ""
    assert os.environ["OPENAI_API_KEY"] == SERVER_KEY and "OPENAI_BASE_URL" not in os.environ


def test_an_admin_moving_the_server_endpoint_drops_the_old_key(ui_ws, monkeypatch, httpserver):
    monkeypatch.setenv("OPENAI_API_KEY", SERVER_KEY)
    admin = open_as("settings", "po@example.com")
    admin.checkbox(key="settings_for_everyone").check()
    _use_llm(admin, _recording_llm(httpserver))
    assert "for everyone" in " ".join(s.value for s in admin.success)
    assert "OPENAI_API_KEY" not in os.environ  # the old key was for the old endpoint


def test_a_viewer_cannot_choose_an_llm_or_run_anything(ui_ws, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SERVER_KEY)
    at = open_as("settings", "auditor@partner.example.org")
    assert at.button[[b.label for b in at.button].index("Use this LLM")].disabled
    assert all(b.disabled for b in at.button if b.label.startswith("Save"))


# --- folders stay inside the configured root ---------------------------------------------------------------------

@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the UI root holding what an attacker wants: a report and credentials."""
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "report.md").write_text("# STOLEN REPORT\n")
    (secret / "report.json").write_text('{"token": "STOLEN"}')
    (secret / "creds.json").write_text('{"password": "STOLEN"}')
    (root / "escape").symlink_to(secret)
    return root


def test_workspace_folder_outside_the_root_is_refused(ui_ws, monkeypatch, outside: Path):
    monkeypatch.setenv("BACKLOGSMITH_UI_ROOT", str(outside))
    at = open_as("settings", "mallory@team.example.com")
    before = {p for p in outside.parent.rglob("*")}
    for folder in ("../evil-ws", str(outside.parent / "abs-ws"), "escape/ws", "/etc"):
        at.text_input(key="settings_ws_dir").input(folder)
        click(at, "Open workspace")
        assert "outside" in errors(at), folder
    assert {p for p in outside.parent.rglob("*")} == before  # nothing created anywhere
    assert not any("evil" in plain(c.value) or "abs-ws" in plain(c.value) for c in at.sidebar.caption)
    at.text_input(key="settings_ws_dir").input("team-ws")
    click(at, "Open workspace")
    assert (outside / "team-ws" / "backlogsmith.db").is_file()  # inside the root it works


def test_report_folder_outside_the_root_is_refused(ui_ws, monkeypatch, outside: Path):
    monkeypatch.delenv("BACKLOGSMITH_UI_ROOT", raising=False)  # the default root: the server workspace's folder
    monkeypatch.setenv("BACKLOGSMITH_WORKSPACE", str(outside / "server-ws"))
    at = open_as("settings", "mallory@team.example.com")
    at.text_input(key="settings_ws_dir").input(".")  # the root itself as this session's workspace...
    click(at, "Open workspace")
    assert not at.error
    switch(at, "evals")  # ...must not make the root's parent reachable
    for folder in (str(outside.parent / "secret"), "../secret", "escape"):
        at.text_input(key="evals_dir").input(folder).run()
        assert "outside" in errors(at), folder
        shown = [m.value for m in at.markdown] + [j.value for j in at.json] + [c.value for c in at.code]
        assert not any("STOLEN" in str(v) for v in shown), folder
    inside = outside / "rep"
    inside.mkdir()
    (inside / "creds.json").write_text('{"password": "STOLEN"}')
    at.text_input(key="evals_dir").input("rep").run()
    assert not at.error and not at.json  # only report.* files are ever shown, never another .json of the folder


def test_evals_take_controls_not_free_form_flags(ui_ws, tmp_path: Path):
    at = open_as("evals", "mallory@team.example.com")
    assert [t.key for t in at.text_input] == ["evals_dir"]  # no box where `--cassette /etc/x --record` could go
    switch(at, "settings")
    at.selectbox(key="settings_provider").set_value("azure")  # this session's LLM, with no Azure endpoint
    click(at, "Use this LLM")
    switch(at, "evals")
    at.text_input(key="evals_dir").input("ev").run()
    at.multiselect(key="evals_suites").set_value(["pii"])
    at.checkbox(key="evals_public").uncheck()
    at.button(key="evals_run").click().run(timeout=120)  # a real `backlogsmith eval` subprocess
    # It ran with this session's LLM (azure) and stopped at once on the missing endpoint: the controls reached it.
    assert any("exit code 2" in e.value for e in at.error)
    assert any("AZURE_OPENAI" in c.value for c in at.code)


# --- push needs the pusher role; history records the identity -----------------------------------------------------

def _approved(ws) -> None:
    from assistant.stories.review import approve_story

    for story in seed(ws, needs=1, ready=True):
        approve_story(ws, story.id, actor="t", expected_version=story.version)


def test_push_is_refused_to_a_signed_in_editor_who_is_not_a_pusher(ui_ws, monkeypatch, httpserver):
    _approved(ui_ws)
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_server_token")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/backlog")
    monkeypatch.setenv("GITHUB_API_URL", httpserver.url_for(""))  # a real tracker stand-in on loopback
    at = open_as("export", "mallory@team.example.com")
    at.selectbox(key="export_target").set_value("github")
    at.checkbox(key="export_dry").uncheck()
    at.button(key="export_push").click().run()
    assert "needs the pusher role" in errors(at)
    assert not httpserver.log  # not one request with the server's token
    with ui_ws.transaction() as s:
        assert not list(s.scalars(select(ExportRecord)))
    pusher = open_as("export", "release@example.com")  # a pusher gets through the gate (dry run: nothing sent)
    pusher.selectbox(key="export_target").set_value("github")
    pusher.button(key="export_push").click().run()
    assert not pusher.error and any("Dry run for github" in s.value for s in pusher.success)


def test_history_records_the_signed_in_identity_and_a_viewer_cannot_write(ui_ws, monkeypatch):
    monkeypatch.setenv("BACKLOGSMITH_ACTOR", "someone-typed-this")
    story = seed(ui_ws, needs=1)[0]
    viewer = open_as("stories", "auditor@partner.example.org")
    assert not any("name" in t.label.lower() for t in viewer.sidebar.text_input)  # no "Your name" box to fill in
    viewer.button(key=f"st_approve:{story.id}:{story.version}").click().run()
    assert "needs the editor role" in errors(viewer)
    editor = open_as("stories", "ann@team.example.com")
    assert any("Signed in as Ann" in plain(c.value) for c in editor.sidebar.caption)
    editor.button(key=f"st_approve:{story.id}:{story.version}").click().run()
    with ui_ws.transaction() as s:
        assert s.get(StoryRow, story.id).status == "approved"
        assert story_history(s, story.id)[-1]["actor"] == "ann@team.example.com"
