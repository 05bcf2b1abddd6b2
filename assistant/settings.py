"""Settings resolved in one place: explicit argument -> environment variable -> default or a clear error.

Secrets are `SecretStr` so they never print; pipeline code receives built clients, never keys.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from assistant.errors import ConfigError

LLMKind = Literal["offline", "openai", "azure"]

# Environment variable per field; a tuple means "first one set wins".
ENV_VARS: dict[str, tuple[str, ...]] = {
    "workspace": ("BACKLOGSMITH_WORKSPACE",),
    "database_url": ("BACKLOGSMITH_DATABASE_URL",),
    "chroma_host": ("CHROMA_HOST",),
    "chroma_port": ("CHROMA_PORT",),
    "embedding": ("BACKLOGSMITH_EMBEDDING",),
    "openai_embedding_model": ("BACKLOGSMITH_EMBEDDING_MODEL",),
    "llm": ("BACKLOGSMITH_LLM",),
    "model": ("BACKLOGSMITH_MODEL",),
    "openai_api_key": ("OPENAI_API_KEY",),
    "openai_base_url": ("OPENAI_BASE_URL",),
    "azure_endpoint": ("AZURE_OPENAI_ENDPOINT",),
    "azure_api_key": ("AZURE_OPENAI_API_KEY",),
    "azure_api_version": ("OPENAI_API_VERSION", "AZURE_OPENAI_API_VERSION"),
    "azure_deployment": ("AZURE_OPENAI_DEPLOYMENT",),
    "llm_concurrency": ("BACKLOGSMITH_LLM_CONCURRENCY",),
    "llm_max_retries": ("BACKLOGSMITH_LLM_MAX_RETRIES",),
    "llm_timeout": ("BACKLOGSMITH_LLM_TIMEOUT",),
    "llm_output_mode": ("BACKLOGSMITH_LLM_OUTPUT_MODE",),
    "actor": ("BACKLOGSMITH_ACTOR", "USER"),
    "ui_root": ("BACKLOGSMITH_UI_ROOT",),
    "ui_host": ("BACKLOGSMITH_UI_HOST",),
    "lock_timeout": ("BACKLOGSMITH_LOCK_TIMEOUT",),
}


class Settings(BaseModel):
    """Process-level configuration. Workspace-level choices (weights, Definition of Ready) live in the database."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    workspace: Path = Field(Path(".backlogsmith"), description="Folder holding the SQL db and the chroma index.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default is a SQLite file in the workspace.")
    chroma_host: str | None = Field(None, description="Use a chroma server instead of the workspace index.")
    chroma_port: int = 8000
    embedding: Literal["local", "openai"] = "local"
    openai_embedding_model: str = "text-embedding-3-small"
    llm: LLMKind | None = Field(None, description="offline | openai | azure; None = decide from what is configured.")
    model: str | None = None
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    azure_endpoint: str | None = None
    azure_api_key: SecretStr | None = None
    azure_api_version: str = "2024-10-21"
    azure_deployment: str | None = None
    llm_concurrency: int = Field(4, ge=1, le=64)
    llm_max_retries: int = Field(3, ge=0, le=10)
    llm_timeout: float = Field(60.0, gt=0)
    llm_output_mode: Literal["auto", "json_schema", "json_object"] = Field(
        "auto", description="Structured outputs (json_schema), or JSON mode + validation for servers without them."
    )
    actor: str = "po"
    max_field_chars: int = Field(20_000, description="A text field longer than this is rejected as bad input.")
    ui_host: str = Field("127.0.0.1", description="Where `backlogsmith app` listens; anything but loopback "
                         "needs OIDC login configured.")
    ui_root: Path | None = Field(None, description="The review UI opens workspaces and eval reports only inside "
                                 "this folder; default: the folder that holds the workspace.")
    lock_timeout: float = Field(
        600.0, ge=0, description="Seconds a writing run (ingest, needs, draft) waits for another one on the same "
        "workspace before it gives up; 0 = fail at once."
    )

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL actually used."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.workspace / 'backlogsmith.db').resolve()}"

    @property
    def folder_root(self) -> Path:
        """The folder the review UI may open workspaces and reports in."""
        return (self.ui_root or self.workspace.expanduser().resolve().parent).expanduser().resolve()

    @property
    def chroma_path(self) -> Path:
        return self.workspace / "chroma"

    @property
    def effective_llm(self) -> LLMKind:
        """offline unless an endpoint is configured (explicit choice wins)."""
        if self.llm:
            return self.llm
        if self.azure_endpoint and self.azure_api_key:
            return "azure"
        if self.openai_api_key or self.openai_base_url:
            return "openai"
        return "offline"


def resolve_settings(env: dict[str, str] | None = None, **explicit: object) -> Settings:
    """Build Settings from explicit values (None = not given), then the environment, then defaults."""
    env = dict(os.environ) if env is None else env
    values: dict[str, object] = {}
    for field, names in ENV_VARS.items():
        for name in names:
            if env.get(name):
                values[field] = env[name]
                break
    values.update({k: v for k, v in explicit.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        hint = " or ".join(ENV_VARS.get(field, (f"--{field.replace('_', '-')}",)))
        raise ConfigError(f"Setting '{field}' is invalid ({first['msg']}); fix {hint}.") from None
