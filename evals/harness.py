"""Runs the real pipeline (ingest -> triage -> needs -> draft) in throwaway workspaces for the eval suites.

Steps are imported directly: a broken import fails loudly. Only what is legitimately optional (a public data
set that is absent or turned off) raises Unavailable, which makes that part of a suite report 'skipped'.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.embeddings import Embedder
from assistant.llm import get_provider
from assistant.needs import build_needs
from assistant.stories import draft_stories
from assistant.triage import triage_items
from assistant.models import FeedbackItem, Need, Story
from assistant.settings import Settings, resolve_settings
from assistant.workspace import Workspace
from evals.capture import RequestLog
from evals.public import DATASETS
from ingest import ingest_paths

DEFAULT_SHARED = DATASETS


class Unavailable(Exception):
    """Something legitimately optional is not there (a public data set, a provider); skipped with this reason."""


@dataclass
class EvalContext:
    """Everything a suite needs: which provider and prompts, where to work, shared clients, what was sent."""

    provider: str = "offline"
    model: str | None = None
    prompt_version: str | None = None
    work_dir: Path | None = None
    datasets_dir: Path | None = None
    limit: int = 400
    judge: bool = False
    public: bool = True
    seed: int = 7
    embedder: Embedder | None = None
    requests: RequestLog = field(default_factory=RequestLog)
    provider_factory: Callable[[Workspace], Any] | None = None
    inboxes: list[Path] = field(default_factory=list)  # inbox folders for the stories suite (default: the public three)
    cache: dict[str, Any] = field(default_factory=dict)
    providers: list[Any] = field(default_factory=list)  # every provider handed out, for their fallback notes
    _n: int = 0
    _owns_dir: bool = False

    def cleanup(self) -> None:
        """Remove the throwaway workspaces (only when this context created their folder)."""
        import shutil

        if self._owns_dir and self.work_dir is not None:
            shutil.rmtree(self.work_dir, ignore_errors=True)
            self.work_dir, self._owns_dir = None, False

    @property
    def live(self) -> bool:
        return self.provider != "offline" or self.provider_factory is not None

    def settings(self, ws_path: Path) -> Settings:
        llm = "offline" if self.provider == "fake" else self.provider
        return resolve_settings(workspace=ws_path, llm=llm, model=self.model)

    def shared(self, relative: str) -> Path:
        """A public data set file, or Unavailable when ../shared/datasets is absent (or public sets are off)."""
        if not self.public:
            raise Unavailable("public data sets turned off (--no-public)")
        root = self.datasets_dir or DEFAULT_SHARED
        path = root / relative
        if not path.exists():
            raise Unavailable(f"public data set {relative} not found under {root}")
        return path

    @contextmanager
    def workspace(self, name: str) -> Iterator[Workspace]:
        """A fresh workspace (real SQLite + chroma) that shares one loaded embedding model."""
        if self.embedder is None:
            from assistant.embeddings import LocalEmbedder

            self.embedder = LocalEmbedder()
        self._n += 1
        ws = Workspace(self.settings(self.root() / f"{self._n:02d}-{name}"), embedder=self.embedder)
        try:
            yield ws
        finally:
            ws.close()

    def root(self) -> Path:
        """The folder for this run's workspaces and built inboxes (a temporary one unless work_dir was given)."""
        if self.work_dir is None:
            self.work_dir = Path(tempfile.mkdtemp(prefix="backlogsmith-eval-"))
            self._owns_dir = True
        return self.work_dir

    def preflight(self) -> None:
        """Fail once, up front, with the configuration error (missing key, unknown provider) instead of per suite."""
        from assistant.errors import ConfigError

        if self.provider not in ("offline", "fake", "openai", "azure"):
            raise ConfigError(f"Unknown provider '{self.provider}'; use offline, openai, azure or fake.")
        if self.provider in ("openai", "azure") and self.provider_factory is None:
            get_provider(resolve_settings(llm=self.provider, model=self.model))

    def get_provider(self, ws: Workspace) -> Any:
        """The provider under test (None = the offline engine)."""
        if self.provider == "offline" and self.provider_factory is None:
            return None
        if self.provider_factory is not None:
            made = self.provider_factory(ws)
        elif self.provider == "fake":
            from evals.fake import fake_provider

            made = fake_provider(self.requests)
        else:
            made = get_provider(ws.settings, ws)
        self.providers.append(made)
        return made

    def fallback_notes(self, since: int = 0) -> list[str]:
        """Where the pipeline used the offline engine because the model failed (providers handed out after `since`)."""
        notes: list[str] = []
        for prov in self.providers[since:]:
            ledger = getattr(prov, "ledger", None)
            notes += ledger.fallback_notes() if ledger is not None and hasattr(ledger, "fallback_notes") else []
        return list(dict.fromkeys(notes))


def resolve_prompt_dir(version: str) -> Path:
    """A prompt version is a folder of prompt files: a path, prompts/<version>/, or the shipped prompts/ when
    every shipped prompt already has that version."""
    from assistant.errors import ConfigError
    from assistant.llm import prompts

    shipped = Path(prompts.PROMPTS_DIR)
    for candidate in (Path(version), shipped / version):
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate.resolve()
    if {p.version for p in prompts.all_prompts(shipped)} == {version}:
        return shipped
    raise ConfigError(f"Prompt version '{version}' not found: give a folder of prompt files, or create "
                      f"{shipped / version}/ with the changed prompts (copy prompts/ and edit).")


@contextmanager
def prompt_version(version: str | None) -> Iterator[dict[str, str]]:
    """Make the LLM layer load prompts from the chosen version's folder for the duration of a run.

    Yields name -> version of every prompt in effect, for the report.
    """
    from assistant.llm import prompts

    old = prompts.PROMPTS_DIR
    folder = resolve_prompt_dir(version) if version else old
    prompts.PROMPTS_DIR = folder
    prompts.load_prompt.cache_clear()
    prompts.fragment.cache_clear()
    try:
        yield {p.name: p.version for p in prompts.all_prompts(folder)}
    finally:
        prompts.PROMPTS_DIR = old
        prompts.load_prompt.cache_clear()
        prompts.fragment.cache_clear()


def ingest_records(ws: Workspace, records: list[dict[str, Any]], name: str = "eval") -> list[str]:
    """Ingest records ({text, ...metadata, kind?}) as JSONL; return the item id per record, in order."""
    folder = ws.settings.workspace / "sources"
    folder.mkdir(parents=True, exist_ok=True)
    by_kind: dict[str, list[int]] = {}
    for i, rec in enumerate(records):
        by_kind.setdefault(rec.get("kind") or "feedback", []).append(i)
    ids: list[str | None] = [None] * len(records)
    for kind, positions in by_kind.items():
        path = folder / f"{name}-{kind}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in positions:
                rec = {k: v for k, v in records[i].items() if k != "kind" and v is not None}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        ingest_paths(ws, [path], kind=kind, skip_bad_rows=True)
        row_to_pos = {row: pos for row, pos in enumerate(positions, start=1)}
        for item in load_items(ws):
            if Path(item.source.path).name == path.name and item.source.row in row_to_pos:
                ids[row_to_pos[item.source.row]] = item.id
    return [i or "" for i in ids]


def load_items(ws: Workspace) -> list[FeedbackItem]:
    from assistant.repository import load_items as _load

    with ws.transaction() as s:
        return _load(s)


def load_needs(ws: Workspace) -> list[Need]:
    from assistant.repository import load_needs as _load

    with ws.transaction() as s:
        return _load(s)


def run_triage(ctx: EvalContext, ws: Workspace) -> None:
    with ctx.requests.capture():
        triage_items(ws, provider=ctx.get_provider(ws), only_missing=True)


def run_needs(ctx: EvalContext, ws: Workspace) -> None:
    with ctx.requests.capture():
        build_needs(ws, provider=ctx.get_provider(ws))


def run_drafting(ctx: EvalContext, ws: Workspace) -> list[Story]:
    with ctx.requests.capture():
        return list(draft_stories(ws, provider=ctx.get_provider(ws)))


def run_pipeline(ctx: EvalContext, ws: Workspace, records: list[dict[str, Any]], name: str) -> tuple[list[str], list[Story]]:
    """Ingest, triage, cluster and draft; return the item ids (per record) and the drafted stories."""
    ids = ingest_records(ws, records, name)
    run_triage(ctx, ws)
    run_needs(ctx, ws)
    return ids, run_drafting(ctx, ws)


def story_dict(story: Story) -> dict[str, Any]:
    """A story as the graders see it (the contract plus its sentence)."""
    return {**story.model_dump(mode="json"), "text": story.text}
