"""assistant/access.py: roles, folder confinement, loopback, login configuration and the LLM key rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from assistant.access import (
    LLMChoice,
    auth_configured,
    can_push,
    check_host,
    confine,
    is_loopback,
    llm_overrides,
    local_user,
    login_provider,
    roles_for,
    signed_in_user,
)
from assistant.errors import AccessError
from assistant.settings import resolve_settings

ROLES = {"admin": ["po@example.com"], "editor": ["*@team.example.com"], "pusher": "release@example.com",
         "viewer": ["auditor@partner.example.org"]}
AUTH = {"redirect_uri": "https://b.example.com/oauth2callback", "cookie_secret": "x" * 32, "client_id": "id",
        "client_secret": "s", "server_metadata_url": "https://idp.example.com/.well-known/openid-configuration"}


def test_roles_by_pattern_with_implied_roles() -> None:
    assert roles_for("PO@Example.com", ROLES) == {"admin", "editor", "viewer", "pusher"}
    assert roles_for("ann@team.example.com", ROLES) == {"editor", "viewer"}
    assert roles_for("release@example.com", ROLES) == {"pusher", "viewer"}
    assert roles_for("ann@team.example.com.evil.org", ROLES) == frozenset()  # patterns match the whole address
    assert roles_for("stranger@gmail.com", ROLES) == frozenset()
    with pytest.raises(AccessError, match="Unknown role 'owner'"):
        roles_for("a@b.c", {"owner": ["*"]})


def test_identity_is_the_verified_email_else_the_subject_without_roles() -> None:
    user = signed_in_user({"email": "ann@team.example.com", "email_verified": True, "name": "Ann"}, ROLES)
    assert (user.id, user.signed_in, user.can("editor"), can_push(user)) == ("ann@team.example.com", True, True, False)
    unverified = signed_in_user({"email": "po@example.com", "email_verified": False, "sub": "123"}, ROLES)
    assert unverified.id == "123" and not unverified.roles  # an unverified address never earns a role
    with pytest.raises(AccessError):
        signed_in_user({}, ROLES)
    assert can_push(local_user("po")) and local_user("po").id == "po"


def test_confine_refuses_dotdot_absolute_and_symlink_escapes(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "inside").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (root / "link-out").symlink_to(tmp_path / "outside")
    (root / "link-in").symlink_to(root / "inside")
    assert confine(root, "ws") == (root / "ws").resolve()
    assert confine(root, str(root / "inside" / "x")) == (root / "inside" / "x").resolve()
    assert confine(root, "link-in/x") == (root / "inside" / "x").resolve()
    assert confine(root, ".") == root.resolve()
    for bad in ("../outside", str(tmp_path / "outside"), "link-out", "link-out/deeper", "inside/../../outside",
                "/etc", "~", "", "a\x00b"):
        with pytest.raises(AccessError):
            confine(root, bad)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("[::1]", True), ("127.1.2.3", True),
    ("0.0.0.0", False), ("::", False), ("", False), (None, False), ("10.0.0.5", False), ("my-host", False),
])
def test_loopback(host: str | None, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_login_is_configured_only_with_everything_st_login_needs() -> None:
    assert auth_configured({"auth": AUTH}) and login_provider({"auth": AUTH}) is None
    named = {"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
                      "corp": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}}}
    assert auth_configured(named) and login_provider(named) == "corp"
    assert not auth_configured({}) and not auth_configured(None)
    assert not auth_configured({"auth": {**AUTH, "cookie_secret": ""}})
    assert not auth_configured({"auth": {k: v for k, v in AUTH.items() if k != "client_secret"}})
    check_host("127.0.0.1", {})
    check_host("0.0.0.0", {"auth": AUTH, "roles": ROLES})
    with pytest.raises(AccessError, match="without login"):
        check_host("0.0.0.0", {"roles": ROLES})
    with pytest.raises(AccessError, match="names nobody"):
        check_host("0.0.0.0", {"auth": AUTH, "roles": {"admin": []}})


def test_a_chosen_endpoint_never_inherits_the_server_key() -> None:
    server = resolve_settings(env={"OPENAI_API_KEY": "sk-server", "OPENAI_BASE_URL": "http://llm.internal/v1"})

    def key_sent(choice: LLMChoice) -> str | None:
        s = resolve_settings(env={"OPENAI_API_KEY": "sk-server", "OPENAI_BASE_URL": "http://llm.internal/v1"},
                             **llm_overrides(server, choice))
        return s.openai_api_key.get_secret_value() if s.openai_api_key is not None else None

    assert key_sent(LLMChoice(provider="openai", endpoint="http://evil.example/v1")) == ""
    assert key_sent(LLMChoice(provider="openai", endpoint="http://evil.example/v1", key=SecretStr("mine"))) == "mine"
    assert key_sent(LLMChoice(provider="openai", endpoint="http://llm.internal/v1/")) == "sk-server"  # same endpoint
    assert key_sent(LLMChoice(provider="openai", model="other")) == "sk-server"
    azure = llm_overrides(server, LLMChoice(provider="azure", endpoint="https://evil.openai.azure.com"))
    assert azure["azure_api_key"].get_secret_value() == ""


def test_the_eval_subprocess_of_a_visitor_gets_their_endpoint_without_the_server_key() -> None:
    from assistant.ui.context import llm_env

    server_env = {"OPENAI_API_KEY": "sk-server", "PATH": "/usr/bin"}
    server = resolve_settings(env=server_env)
    visitor = resolve_settings(env=server_env, **llm_overrides(
        server, LLMChoice(provider="openai", endpoint="http://evil.example/v1")))
    env = llm_env(visitor, base=server_env)
    assert env["OPENAI_BASE_URL"] == "http://evil.example/v1" and "OPENAI_API_KEY" not in env
    assert env["PATH"] == "/usr/bin" and env["BACKLOGSMITH_LLM"] == "openai"
    assert llm_env(server, base=server_env)["OPENAI_API_KEY"] == "sk-server"  # the server's own endpoint keeps it
