"""Tracker credentials and options, from environment variables only (like assistant.settings).

A missing variable is a ConfigError naming it; secrets are SecretStr so they never print. Non-secret
options (custom field ids, process template) may also come from workspace settings, the environment winning.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr

from assistant.errors import ConfigError

# target -> (required variables, optional variables with defaults)
TARGET_ENV: dict[str, tuple[tuple[str, ...], dict[str, str | None]]] = {
    "jira": (("JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PROJECT_KEY"),
             {"JIRA_STORY_POINTS_FIELD": None, "JIRA_ACCEPTANCE_CRITERIA_FIELD": None,
              "JIRA_STORY_TYPE": "Story", "JIRA_EPIC_TYPE": "Epic", "JIRA_SEND_PRIORITY": "1"}),
    "github": (("GITHUB_TOKEN", "GITHUB_REPOSITORY"),
               {"GITHUB_API_URL": "https://api.github.com", "GITHUB_SUB_ISSUES": "0"}),
    "azure": (("AZURE_DEVOPS_ORG_URL", "AZURE_DEVOPS_PROJECT", "AZURE_DEVOPS_PAT"),
              {"AZURE_DEVOPS_PROCESS": "agile", "AZURE_DEVOPS_API_VERSION": "7.1"}),
    "linear": (("LINEAR_API_KEY", "LINEAR_TEAM_ID"), {"LINEAR_API_URL": "https://api.linear.app/graphql"}),
    "roundup": (("ROUNDUP_URL", "ROUNDUP_USER", "ROUNDUP_PASSWORD"), {}),
}
SECRET_VARS = {"JIRA_API_TOKEN", "GITHUB_TOKEN", "AZURE_DEVOPS_PAT", "LINEAR_API_KEY", "ROUNDUP_PASSWORD"}
# Workspace settings that may stand in for an optional variable (team-wide choices, not secrets).
WORKSPACE_KEYS = {
    "JIRA_STORY_POINTS_FIELD": "jira_story_points_field",
    "JIRA_ACCEPTANCE_CRITERIA_FIELD": "jira_acceptance_criteria_field",
    "AZURE_DEVOPS_PROCESS": "azure_devops_process",
    "GITHUB_SUB_ISSUES": "github_sub_issues",
}


class TrackerConfig(BaseModel):
    """Resolved values for one target; `secret(name)` unwraps a secret only where a header is built."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    values: dict[str, str | None]
    secrets: dict[str, SecretStr]

    def get(self, name: str) -> str | None:
        return self.values.get(name)

    def secret(self, name: str) -> str:
        return self.secrets[name].get_secret_value()

    def flag(self, name: str) -> bool:
        return str(self.values.get(name) or "").strip().lower() in {"1", "true", "yes", "on"}


def resolve_tracker(target: str, env: dict[str, str] | None = None, workspace_settings: dict[str, Any] | None = None
                    ) -> TrackerConfig:
    """Read the target's variables; raise ConfigError naming every missing one."""
    if target not in TARGET_ENV:
        raise ConfigError(f"Unknown push target {target!r}; choose one of: {', '.join(TARGET_ENV)}.")
    env = dict(os.environ) if env is None else env
    required, optional = TARGET_ENV[target]
    missing = [name for name in required if not env.get(name, "").strip()]
    if missing:
        raise ConfigError(
            f"Pushing to {target} needs the environment variable(s) {', '.join(missing)}; set them and retry "
            "(tokens are read from the environment only)."
        )
    values: dict[str, str | None] = {}
    secrets: dict[str, SecretStr] = {}
    for name in required:
        if name in SECRET_VARS:
            secrets[name] = SecretStr(env[name].strip())
        else:
            values[name] = env[name].strip()
    ws = workspace_settings or {}
    for name, default in optional.items():
        stored = ws.get(WORKSPACE_KEYS.get(name, ""))
        values[name] = env.get(name) or (str(stored) if stored not in (None, "") else None) or default
    return TrackerConfig(target=target, values=values, secrets=secrets)
