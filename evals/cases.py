"""Eval cases written for this project: YAML files in evals/datasets/, validated before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.errors import ConfigError

DATASETS_DIR = Path(__file__).resolve().parent / "datasets"
CORPORA_DIR = DATASETS_DIR / "corpora"
SUITES = ("triage", "needs", "stories", "criteria", "injection", "pii")


class GraderRef(BaseModel):
    """A grader by registry name, with optional keyword arguments."""

    model_config = ConfigDict(extra="forbid")
    name: str
    args: dict[str, Any] = Field(default_factory=dict)


class EvalCase(BaseModel):
    """One case: what goes in, what should come out, and which graders decide."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    inputs: dict[str, Any]
    expected: dict[str, Any] = Field(default_factory=dict)
    graders: list[GraderRef] = Field(default_factory=list)
    suite: str = ""
    source: str = ""

    @field_validator("graders", mode="before")
    @classmethod
    def _names_or_dicts(cls, value: Any) -> Any:
        # YAML authors write plain names for the common case and {name, args} when a grader needs arguments.
        if isinstance(value, list):
            return [{"name": v} if isinstance(v, str) else v for v in value]
        return value


class CaseFile(BaseModel):
    """One YAML file: a suite name and its cases."""

    model_config = ConfigDict(extra="forbid")
    suite: str
    description: str = ""
    cases: list[EvalCase] = Field(min_length=1)

    @field_validator("suite")
    @classmethod
    def _known_suite(cls, value: str) -> str:
        if value not in SUITES:
            raise ValueError(f"unknown suite '{value}' (known: {', '.join(SUITES)})")
        return value


def load_case_file(path: Path) -> CaseFile:
    """Parse and validate one YAML case file; errors name the file and the offending field."""
    from evals.graders import GRADERS

    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read eval cases ({exc}).") from None
    try:
        parsed = CaseFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: invalid eval case file at '{where}': {first['msg']}.") from None
    seen: set[str] = set()
    for case in parsed.cases:
        if case.name in seen:
            raise ConfigError(f"{path}: case name '{case.name}' is used twice; names must be unique per file.")
        seen.add(case.name)
        for ref in case.graders:
            if ref.name not in GRADERS:
                raise ConfigError(
                    f"{path}: case '{case.name}' uses unknown grader '{ref.name}' (known: {', '.join(sorted(GRADERS))})."
                )
        case.suite = parsed.suite
        case.source = path.name
        if "corpus" in case.inputs and "items" not in case.inputs:
            try:
                case.inputs["items"] = load_corpus(case.inputs["corpus"], path.parent / "corpora")
            except ConfigError as exc:
                raise ConfigError(f"{path}: case '{case.name}': {exc}") from None
    return parsed


def load_corpus(name: str, directory: Path | None = None) -> list[dict[str, Any]]:
    """A shared feedback corpus (datasets/corpora/<name>.yaml: items with text, metadata and a gold topic)."""
    path = (directory or CORPORA_DIR) / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"Eval corpus '{name}' cannot be read from {path} ({exc}).") from None
    items = data.get("items") if isinstance(data, dict) else None
    if not items or not all(isinstance(i, dict) and str(i.get("text") or "").strip() for i in items):
        raise ConfigError(f"Eval corpus {path} must have 'items', each with a non-empty 'text'.")
    return items


def load_cases(directory: Path | None = None, suites: tuple[str, ...] | list[str] | None = None) -> dict[str, list[EvalCase]]:
    """All cases under `directory` (default evals/datasets), grouped by suite."""
    directory = directory or DATASETS_DIR
    if not directory.is_dir():
        raise ConfigError(f"Eval dataset folder {directory} does not exist.")
    grouped: dict[str, list[EvalCase]] = {}
    for path in sorted(directory.glob("*.y*ml")):
        parsed = load_case_file(path)
        if suites and parsed.suite not in suites:
            continue
        grouped.setdefault(parsed.suite, []).extend(parsed.cases)
    return grouped
