"""Prompts are versioned YAML files in prompts/; this is the one loader, and it fails loudly.

A prompt file has: name, version, description, output_schema (a model in contracts.OUTPUT_MODELS),
variables (every placeholder, declared), system and user templates (langchain-core f-string templates).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import yaml
from langchain_core.prompts import ChatPromptTemplate
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import ConfigError
from assistant.llm.contracts import OUTPUT_MODELS, Out

PROMPTS_DIR = Path(os.environ.get("BACKLOGSMITH_PROMPTS_DIR") or Path(__file__).resolve().parents[2] / "prompts")
ROLE = {"human": "user", "ai": "assistant", "system": "system"}


class PromptSpec(BaseModel):
    """One prompt file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    version: str
    description: str
    output_schema: str
    variables: list[str] = Field(default_factory=list)
    system: str
    user: str

    @functools.cached_property
    def template(self) -> ChatPromptTemplate:
        return ChatPromptTemplate.from_messages([("system", self.system), ("human", self.user)])

    @property
    def output_model(self) -> type[Out]:
        return OUTPUT_MODELS[self.output_schema]

    def render(self, variables: dict[str, Any]) -> list[dict[str, str]]:
        """Chat messages for the API; a missing or unexpected variable is an error, never a silent blank."""
        missing = [v for v in self.variables if v not in variables]
        extra = [v for v in variables if v not in self.variables]
        if missing or extra:
            raise ConfigError(
                f"Prompt '{self.name}' v{self.version}: "
                + (f"missing variable(s) {', '.join(missing)}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unexpected variable(s) {', '.join(extra)}" if extra else "")
                + "."
            )
        messages = self.template.format_messages(**{k: str(v) for k, v in variables.items()})
        return [{"role": ROLE[m.type], "content": str(m.content)} for m in messages]


def _check(spec: PromptSpec, path: Path) -> PromptSpec:
    if spec.output_schema not in OUTPUT_MODELS:
        raise ConfigError(f"{path}: output_schema '{spec.output_schema}' is not one of {sorted(OUTPUT_MODELS)}.")
    used = set(spec.template.input_variables)
    declared = set(spec.variables)
    if used != declared:
        raise ConfigError(
            f"{path}: template placeholders {sorted(used)} differ from declared variables {sorted(declared)}."
        )
    return spec


@functools.lru_cache(maxsize=64)
def load_prompt(name: str, directory: Path | None = None) -> PromptSpec:
    """Load and check prompts/<name>.yaml."""
    path = (directory or PROMPTS_DIR) / f"{name}.yaml"
    if not path.is_file():
        raise ConfigError(f"Prompt file {path} is missing; the prompts/ folder must ship with backlogsmith.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = PromptSpec(**data)
    except (yaml.YAMLError, TypeError, ValidationError) as exc:
        raise ConfigError(f"Prompt file {path} is invalid: {str(exc).splitlines()[0]}") from None
    if spec.name != name:
        raise ConfigError(f"{path}: name '{spec.name}' does not match the file name.")
    return _check(spec, path)


def all_prompts(directory: Path | None = None) -> list[PromptSpec]:
    """Every prompt in the folder (used by tests and doctor)."""
    folder = directory or PROMPTS_DIR
    return [load_prompt(p.stem, directory) for p in sorted(folder.glob("*.yaml")) if p.stem != "fragments"]


@functools.lru_cache(maxsize=8)
def fragment(key: str, directory: Path | None = None) -> str:
    """A text fragment from prompts/fragments.yaml (json-mode instructions, repair message)."""
    path = (directory or PROMPTS_DIR) / "fragments.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return str(data[key])
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        raise ConfigError(f"{path} is missing the '{key}' fragment.") from None
