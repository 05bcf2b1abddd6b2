"""`push_stories`: send approved stories to a tracker, creating new issues and updating pushed ones."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from assistant.export.bundle import DEFAULT_EVIDENCE_URL, Bundle, collect, payload_hash
from assistant.export.credentials import TrackerConfig, resolve_tracker
from assistant.export.http import RetryPolicy, TrackerClient
from assistant.export.records import Remote, parent_keys, record, remotes, save_parent_key

if TYPE_CHECKING:  # chromadb + numpy load with the workspace; the CLI imports this package for --help
    from assistant.workspace import Workspace

Action = Literal["created", "updated", "unchanged", "failed", "planned"]


class StoryPush(BaseModel):
    """What happened to one story."""

    model_config = ConfigDict(extra="forbid")

    story_id: str
    action: Action
    key: str | None = None
    url: str | None = None
    error: str | None = None


class PushReport(BaseModel):
    """Per-story results; in a dry run, the requests that would be sent (no credentials in them)."""

    model_config = ConfigDict(extra="forbid")

    target: str
    dry_run: bool = False
    results: list[StoryPush] = Field(default_factory=list)
    requests: list[dict[str, Any]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    retry_waits: list[float] = Field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    def summary(self) -> str:
        if self.dry_run:
            return f"Dry run for {self.target}: {len(self.requests)} request(s) would be sent; nothing was pushed."
        parts = [f"{self.count(a)} {a}" for a in ("created", "updated", "unchanged", "failed") if self.count(a)]
        return f"Pushed to {self.target}: {', '.join(parts) or 'nothing'}."


class PushContext:
    """What a target needs besides the client: existing records, parent keys and how to save results."""

    def __init__(self, ws: Workspace | None, target: str, bundle: Bundle, report: PushReport):
        self.ws, self.target, self.bundle, self.report = ws, target, bundle, report
        self.remotes: dict[str, Remote] = remotes(ws, target) if ws else {}
        self.parents: dict[str, dict[str, str]] = parent_keys(ws, target) if ws else {}

    def unchanged(self, story_id: str, payload: Any) -> bool:
        remote = self.remotes.get(story_id)
        return bool(remote and remote.key and remote.payload_hash == payload_hash(payload))

    def done(self, story_id: str, action: Action, *, key: str | None = None, url: str | None = None,
             payload: Any = None, error: str | None = None) -> None:
        """Record the outcome; a success is committed at once so a later failure cannot lose it."""
        if action in ("created", "updated") and self.ws is not None:
            record(self.ws, story_id, self.target, key=key, url=url, payload_hash=payload_hash(payload))
        self.report.results.append(StoryPush(story_id=story_id, action=action, key=key, url=url, error=error))

    def parent_done(self, need_id: str, key: str, url: str | None) -> None:
        self.parents[need_id] = {"key": key, "url": url or ""}
        if self.ws is not None:
            save_parent_key(self.ws, self.target, need_id, key, url)


class Target(Protocol):
    name: str

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        """The requests a push would send now (method, path, body), for --dry-run."""
        ...

    def push(self, ctx: PushContext) -> None:
        """Create or update every story in ctx.bundle, calling ctx.done for each."""
        ...


def build_target(cfg: TrackerConfig, client: TrackerClient | None) -> Target:
    from assistant.export import azure, github, jira, linear, roundup

    factories: dict[str, Callable[..., Target]] = {
        "jira": jira.JiraTarget, "github": github.GitHubTarget, "azure": azure.AzureTarget,
        "linear": linear.LinearTarget, "roundup": roundup.RoundupTarget,
    }
    return factories[cfg.target](cfg, client)


def make_client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    """The HTTP client with the target's auth; the only place a token is unwrapped."""
    from assistant.export import azure, github, jira, linear, roundup

    module = {"jira": jira, "github": github, "azure": azure, "linear": linear, "roundup": roundup}[cfg.target]
    return module.client(cfg, policy=policy, **kwargs)


def push_stories(
    ws: Workspace, target: str, *, dry_run: bool = False, status: str = "approved", force: bool = False,
    story_ids: Sequence[str] | None = None, env: dict[str, str] | None = None, policy: RetryPolicy | None = None, client_options: dict[str, Any] | None = None,
) -> PushReport:
    """Push stories with `status` (only `story_ids` when given) to a tracker; re-pushes update, never duplicate."""
    env = dict(os.environ) if env is None else env
    cfg = resolve_tracker(target, env, ws.all_settings())
    bundle = collect(ws, status=status, force=force, story_ids=story_ids)
    bundle.evidence_url_template = env.get("BACKLOGSMITH_EVIDENCE_URL") or DEFAULT_EVIDENCE_URL
    report = PushReport(target=target, dry_run=dry_run)
    if bundle.not_ready:
        report.notes.append(f"pushed {len(bundle.not_ready)} not-Ready story(ies) because of --force")
    ctx = PushContext(ws, target, bundle, report)
    if dry_run:
        report.requests = build_target(cfg, None).plan(ctx)
        return report
    with make_client(cfg, policy=policy, **(client_options or {})) as client:
        build_target(cfg, client).push(ctx)
        report.retry_waits = list(client.waits)
    return report
