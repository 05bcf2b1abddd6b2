"""GitHub Issues: one issue per story with labels for priority, points and need; optional sub-issues.

With GITHUB_SUB_ISSUES=1 each need becomes a parent issue and its stories are attached as sub-issues
(the sub-issue API takes the issue's numeric id, not its number).
"""

from __future__ import annotations

from typing import Any

from assistant.export.bodies import story_markdown
from assistant.export.bundle import Bundle, one_line, priority_name, title
from assistant.export.credentials import TrackerConfig
from assistant.export.documents import md
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient
from assistant.export.push import PushContext
from assistant.models import Story

LABEL_CHARS = 50  # GitHub's limit on a label name


def client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    headers = {"Authorization": f"Bearer {cfg.secret('GITHUB_TOKEN')}", "Accept": "application/vnd.github+json",
               "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "backlogsmith"}
    return TrackerClient(str(cfg.get("GITHUB_API_URL")).rstrip("/"), name="GitHub", headers=headers, policy=policy,
                         **kwargs)


def labels(story: Story, bundle: Bundle) -> list[str]:
    out = ["backlogsmith"]
    if priority_name(story):
        out.append(f"priority: {priority_name(story).lower()}")
    if story.points is not None:
        out.append(f"points: {story.points}")
    need = bundle.need(story)
    if need:
        out.append(one_line(f"need: {need.name}", LABEL_CHARS).replace(",", " "))
    return [label[:LABEL_CHARS] for label in out]


class GitHubTarget:
    name = "github"

    def __init__(self, cfg: TrackerConfig, http: TrackerClient | None):
        self.cfg, self.http = cfg, http
        self.repo = str(cfg.get("GITHUB_REPOSITORY")).strip("/")
        self.sub_issues = cfg.flag("GITHUB_SUB_ISSUES")

    def issue_body(self, story: Story, bundle: Bundle) -> dict[str, Any]:
        return {"title": title(story), "body": story_markdown(story, bundle), "labels": labels(story, bundle)}

    def need_body(self, need_id: str, bundle: Bundle) -> dict[str, Any]:
        need = bundle.needs[need_id]
        return {"title": f"Need: {one_line(need.name, 200)}", "body": md(need.statement) + "\n",
                "labels": ["backlogsmith", "need"]}

    def _issues(self) -> str:
        return f"/repos/{self.repo}/issues"

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if self.sub_issues:
            for need in ctx.bundle.needs_in_order():
                if need.id not in ctx.parents:
                    out.append({"method": "POST", "path": self._issues(), "body": self.need_body(need.id, ctx.bundle)})
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            if remote and remote.key:
                out.append({"method": "PATCH", "path": f"{self._issues()}/{remote.key}", "story_ids": [story.id],
                            "body": self.issue_body(story, ctx.bundle)})
            else:
                out.append({"method": "POST", "path": self._issues(), "story_ids": [story.id],
                            "body": self.issue_body(story, ctx.bundle)})
        return out

    def push(self, ctx: PushContext) -> None:
        assert self.http is not None
        b = ctx.bundle
        if self.sub_issues:
            for need in b.needs_in_order():
                if need.id in ctx.parents:
                    continue
                data = self.http.request("POST", self._issues(), json=self.need_body(need.id, b), expect=(201,)).json()
                ctx.parent_done(need.id, str(data["number"]), data.get("html_url"))
        for story in b.stories:
            body = self.issue_body(story, b)
            remote = ctx.remotes.get(story.id)
            try:
                if remote and remote.key:
                    if ctx.unchanged(story.id, body):
                        ctx.done(story.id, "unchanged", key=remote.key, url=remote.url)
                        continue
                    data = self.http.request("PATCH", f"{self._issues()}/{remote.key}", json=body, expect=(200,)).json()
                    ctx.done(story.id, "updated", key=remote.key, url=data.get("html_url") or remote.url, payload=body)
                    continue
                data = self.http.request("POST", self._issues(), json=body, expect=(201,)).json()
            except HTTPStatusError as exc:
                ctx.done(story.id, "failed", key=remote.key if remote else None, error=str(exc))
                continue
            ctx.done(story.id, "created", key=str(data["number"]), url=data.get("html_url"), payload=body)
            parent = ctx.parents.get(story.need_id or "") if self.sub_issues else None
            if parent:
                try:
                    self.http.request("POST", f"{self._issues()}/{parent['key']}/sub_issues",
                                      json={"sub_issue_id": int(data["id"])}, expect=(201, 200))
                except HTTPStatusError as exc:
                    ctx.report.notes.append(f"{story.id}: not attached as a sub-issue of #{parent['key']} ({exc})")
