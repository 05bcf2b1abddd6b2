"""Who is using the review UI and what they may do.

The UI is private by default: on a loopback address with no login configured, the person at this machine is the
only visitor and may do everything (history records BACKLOGSMITH_ACTOR / USER). Shared, it sits behind Streamlit's
OIDC login (`st.login`, configured in `.streamlit/secrets.toml` [auth]); the signed-in identity is what history
records, and roles come from the [roles] table of the same file, by e-mail pattern:

    [roles]
    admin = ["po@example.com"]          # server-wide LLM, workspace settings, everything below
    editor = ["*@example.com"]          # ingest, draft, edit / approve / reject, switch workspace, run evals
    pusher = ["po@example.com"]         # push to trackers with the server's credentials
    viewer = ["auditor@partner.org"]    # read only

Anyone not listed has no access, because an OIDC provider such as Google lets anyone sign in.
This module holds the policy only (no Streamlit import), so pages, the CLI and tests share it.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from assistant.errors import AccessError

ROLES = ("viewer", "editor", "pusher", "admin")
# A role brings the ones a person holding it needs anyway (an editor reads; an admin does everything).
IMPLIES = {"viewer": {"viewer"}, "editor": {"editor", "viewer"}, "pusher": {"pusher", "viewer"},
           "admin": set(ROLES)}
# What [auth] must hold for st.login to work (Streamlit's own names); the provider fields may sit in a subsection.
AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


class User(BaseModel):
    """The person behind this session: `id` is what story history records."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str = ""
    roles: frozenset[str] = frozenset()
    signed_in: bool = False

    def can(self, role: str) -> bool:
        return role in self.roles

    def label(self) -> str:
        roles = ", ".join(r for r in ROLES if r in self.roles) or "no role"
        return f"{self.name or self.id} ({roles})" if self.name and self.name != self.id else f"{self.id} ({roles})"


def local_user(actor: str) -> User:
    """The one person at this machine when the UI listens on loopback without login: every role."""
    return User(id=actor, name=actor, roles=frozenset(ROLES), signed_in=False)


def roles_for(email: str, table: Mapping[str, Any] | None) -> frozenset[str]:
    """Roles of an e-mail address from the [roles] table (shell-style patterns, case-insensitive)."""
    found: set[str] = set()
    address = email.strip().lower()
    for role, patterns in (table or {}).items():
        if role not in IMPLIES:
            raise AccessError(f"Unknown role {role!r} in [roles] of .streamlit/secrets.toml; use {', '.join(ROLES)}.")
        if isinstance(patterns, str):
            patterns = [patterns]
        if address and any(fnmatch.fnmatchcase(address, str(p).strip().lower()) for p in patterns):
            found |= IMPLIES[role]
    return frozenset(found)


def signed_in_user(claims: Mapping[str, Any], roles_table: Mapping[str, Any] | None) -> User:
    """The user from the OIDC id_token claims (st.user): identified by a verified e-mail, else the subject."""
    email = str(claims.get("email") or "").strip()
    if email and claims.get("email_verified") is False:
        email = ""  # an unverified address could be anyone's: never match roles against it
    subject = str(claims.get("sub") or "").strip()
    ident = email or subject
    if not ident:
        raise AccessError("The login provider sent neither an e-mail nor a subject; ask an admin to check [auth].")
    name = str(claims.get("name") or claims.get("preferred_username") or ident)
    return User(id=ident, name=name, roles=roles_for(email, roles_table) if email else frozenset(), signed_in=True)


def require(user: User, role: str, doing: str) -> None:
    """Raise AccessError unless the user holds the role."""
    if not user.can(role):
        raise AccessError(f"{user.id} may not {doing}: it needs the {role} role (ask an admin to add you to "
                          f"[roles] {role} in .streamlit/secrets.toml).")


def can_push(user: User) -> bool:
    """Pushing uses the server's tracker credentials: only signed-in pushers (or the local user) may."""
    return user.can("pusher")


def auth_configured(secrets: Mapping[str, Any] | None) -> bool:
    """Whether [auth] in secrets.toml holds what st.login needs (one provider, or named ones in subsections)."""
    auth = (secrets or {}).get("auth") or {}
    if not isinstance(auth, Mapping) or not all(str(auth.get(k) or "").strip() for k in AUTH_KEYS):
        return False
    providers = [auth] + [v for v in auth.values() if isinstance(v, Mapping)]
    return any(all(str(p.get(k) or "").strip() for k in PROVIDER_KEYS) for p in providers)


def is_loopback(host: str | None) -> bool:
    """True only for an address reachable from this machine alone ('' and 0.0.0.0 mean every interface)."""
    host = (host or "").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name may resolve to a public interface


def confine(root: Path, path: str | Path, what: str = "folder") -> Path:
    """`path` resolved inside `root` (relative paths are taken from root); AccessError for `..`, an absolute path
    elsewhere, or a symlink that leads out."""
    text = str(path).strip()
    if not text or "\x00" in text:
        raise AccessError(f"Give a {what} name.")
    base = Path(root).expanduser().resolve()
    candidate = Path(os.path.expanduser(text)) if text.startswith("~") else Path(text)
    target = (candidate if candidate.is_absolute() else base / candidate).resolve()  # follows symlinks
    if target != base and base not in target.parents:
        raise AccessError(f"The {what} {text} is outside {base}, the folder this server may use "
                          "(BACKLOGSMITH_UI_ROOT); pick one inside it.")
    return target


class LLMChoice(BaseModel):
    """An LLM chosen on the Settings page. The key belongs to the person who typed it, with their endpoint."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: str
    model: str = ""
    endpoint: str = ""
    key: SecretStr | None = None


ENDPOINT_FIELD = {"openai": "openai_base_url", "azure": "azure_endpoint"}
KEY_FIELD = {"openai": "openai_api_key", "azure": "azure_api_key"}


def llm_overrides(server: Any, choice: LLMChoice) -> dict[str, Any]:
    """Settings fields for this choice on top of the server's. A chosen endpoint other than the server's goes
    with the key typed with it, or with none: the server's key only ever goes to the server's endpoint."""
    out: dict[str, Any] = {"llm": choice.provider, "model": choice.model.strip() or None}
    if choice.provider not in ENDPOINT_FIELD:
        return out
    endpoint_field, key_field = ENDPOINT_FIELD[choice.provider], KEY_FIELD[choice.provider]
    endpoint = choice.endpoint.strip()
    server_endpoint = (getattr(server, endpoint_field) or "").strip()
    if endpoint and endpoint.rstrip("/") != server_endpoint.rstrip("/"):
        out[endpoint_field] = endpoint
        out[key_field] = choice.key or SecretStr("")  # "" (not None): never fall back to the server's key
    elif choice.key is not None and choice.key.get_secret_value():
        out[key_field] = choice.key
    return out


def login_provider(secrets: Mapping[str, Any] | None) -> str | None:
    """The provider name for st.login: None when [auth] holds one provider itself, else the first named one."""
    auth = (secrets or {}).get("auth") or {}
    if all(str(auth.get(k) or "").strip() for k in PROVIDER_KEYS):
        return None
    return next((name for name, v in auth.items() if isinstance(v, Mapping)), None)


def secrets_paths(cwd: Path) -> list[Path]:
    """Where Streamlit reads secrets.toml by default, lowest priority first."""
    return [Path.home() / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def read_secrets(paths: list[Path]) -> dict[str, Any]:
    """The merged secrets files (a later file's tables win), as Streamlit will see them."""
    import tomllib

    merged: dict[str, Any] = {}
    for path in paths:
        if path.is_file():
            try:
                merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as exc:
                raise AccessError(f"{path} cannot be read as TOML: {exc}") from None
    return merged


def check_host(host: str, secrets: Mapping[str, Any]) -> None:
    """Refuse to listen beyond loopback unless OIDC login and at least one role are configured."""
    if is_loopback(host):
        return
    if not auth_configured(secrets):
        raise AccessError(f"Refusing to share the UI on {host or 'every interface'} without login: configure [auth] (OIDC) and [roles] in "
                          ".streamlit/secrets.toml (README: Running it for a team), or keep the default 127.0.0.1.")
    if not any((secrets.get("roles") or {}).values()):
        raise AccessError(f"Refusing to share the UI on {host}: [roles] in .streamlit/secrets.toml names nobody, "
                          "so no one could use it; add at least an admin.")
