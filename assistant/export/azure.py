"""Azure DevOps Boards: JSON Patch work items; needs as Features (Epics on Basic), stories as the process's story type.

The effort field depends on the project's process template (AZURE_DEVOPS_PROCESS): Story Points for
Agile, Effort for Scrum and Basic, Size for CMMI. Criteria go to Microsoft.VSTS.Common.AcceptanceCriteria.
"""

from __future__ import annotations

import base64
import html
from typing import Any
from urllib.parse import quote as urlquote

from assistant.errors import ConfigError
from assistant.export.ado_csv import PROCESSES, Process, criteria_html, description_html
from assistant.export.bundle import Bundle, one_line, priority_level, tags, title
from assistant.export.credentials import TrackerConfig
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient
from assistant.export.push import PushContext
from assistant.models import Story

PATCH_TYPE = "application/json-patch+json"


def client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    token = base64.b64encode(f":{cfg.secret('AZURE_DEVOPS_PAT')}".encode()).decode()
    return TrackerClient(str(cfg.get("AZURE_DEVOPS_ORG_URL")).rstrip("/"), name="Azure DevOps",
                         headers={"Authorization": f"Basic {token}", "Accept": "application/json"}, policy=policy,
                         **kwargs)


def _op(path: str, value: Any) -> dict[str, Any]:
    # "add" on a field sets it whether or not it had a value, so creates and updates use the same ops.
    return {"op": "add", "path": path, "value": value}


class AzureTarget:
    name = "azure"

    def __init__(self, cfg: TrackerConfig, http: TrackerClient | None):
        self.cfg, self.http = cfg, http
        process = str(cfg.get("AZURE_DEVOPS_PROCESS") or "agile").lower()
        if process not in PROCESSES:
            raise ConfigError(f"AZURE_DEVOPS_PROCESS={process!r} is not one of {', '.join(PROCESSES)}.")
        self.process: Process = PROCESSES[process]
        self.project = urlquote(str(cfg.get("AZURE_DEVOPS_PROJECT")), safe="")
        self.version = cfg.get("AZURE_DEVOPS_API_VERSION") or "7.1"

    def _create_path(self, work_item_type: str) -> str:
        return f"/{self.project}/_apis/wit/workitems/${urlquote(work_item_type)}?api-version={self.version}"

    def _item_path(self, item_id: str) -> str:
        return f"/{self.project}/_apis/wit/workitems/{item_id}?api-version={self.version}"

    def story_patch(self, story: Story, bundle: Bundle, parent_url: str | None, *, create: bool) -> list[dict[str, Any]]:
        ops = [
            _op("/fields/System.Title", title(story, 255)),
            _op("/fields/System.Description", description_html(story, bundle)),
            _op("/fields/Microsoft.VSTS.Common.AcceptanceCriteria", criteria_html(story)),
            _op("/fields/System.Tags", "; ".join(tags(story, bundle))),
        ]
        if story.points is not None:
            ops.append(_op(f"/fields/{self.process.effort_field}", story.points))
        if priority_level(story):
            ops.append(_op("/fields/Microsoft.VSTS.Common.Priority", priority_level(story)))
        if create and parent_url:
            ops.append(_op("/relations/-", {"rel": "System.LinkTypes.Hierarchy-Reverse", "url": parent_url}))
        return ops

    def need_patch(self, need_id: str, bundle: Bundle) -> list[dict[str, Any]]:
        need = bundle.needs[need_id]
        return [_op("/fields/System.Title", one_line(need.name, 255)),
                _op("/fields/System.Description", f"<p>{html.escape(one_line(need.statement))}</p>"),
                _op("/fields/System.Tags", "backlogsmith")]

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for need in ctx.bundle.needs_in_order():
            if need.id not in ctx.parents:
                out.append({"method": "POST", "path": self._create_path(self.process.parent_type),
                            "body": self.need_patch(need.id, ctx.bundle)})
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            parent = ctx.parents.get(story.need_id or "", {}).get("url") or (
                f"<url of the {self.process.parent_type} for {story.need_id}>" if story.need_id in ctx.bundle.needs else None)
            if remote and remote.key:
                out.append({"method": "PATCH", "path": self._item_path(remote.key), "story_ids": [story.id],
                            "body": self.story_patch(story, ctx.bundle, parent, create=False)})
            else:
                out.append({"method": "POST", "path": self._create_path(self.process.story_type), "story_ids": [story.id],
                            "body": self.story_patch(story, ctx.bundle, parent, create=True)})
        return out

    def _send(self, method: str, path: str, ops: list[dict[str, Any]]) -> dict[str, Any]:
        assert self.http is not None
        return self.http.request(method, path, json=ops, headers={"Content-Type": PATCH_TYPE}, expect=(200, 201)).json()

    @staticmethod
    def _html_url(data: dict[str, Any]) -> str | None:
        return ((data.get("_links") or {}).get("html") or {}).get("href") or data.get("url")

    def push(self, ctx: PushContext) -> None:
        b = ctx.bundle
        for need in b.needs_in_order():
            if need.id in ctx.parents:
                continue
            data = self._send("POST", self._create_path(self.process.parent_type), self.need_patch(need.id, b))
            # The relation needs the API url of the parent; the record keeps it so re-pushes can link too.
            ctx.parent_done(need.id, str(data["id"]), data.get("url"))
        for story in b.stories:
            remote = ctx.remotes.get(story.id)
            parent_url = ctx.parents.get(story.need_id or "", {}).get("url")
            try:
                if remote and remote.key:
                    ops = self.story_patch(story, b, parent_url, create=False)
                    if ctx.unchanged(story.id, ops):
                        ctx.done(story.id, "unchanged", key=remote.key, url=remote.url)
                        continue
                    data = self._send("PATCH", self._item_path(remote.key), ops)
                    ctx.done(story.id, "updated", key=remote.key, url=self._html_url(data) or remote.url, payload=ops)
                    continue
                ops = self.story_patch(story, b, parent_url, create=True)
                data = self._send("POST", self._create_path(self.process.story_type), ops)
            except HTTPStatusError as exc:
                ctx.done(story.id, "failed", key=remote.key if remote else None, error=str(exc))
                continue
            # Hash the update form (no parent relation) so an untouched story is "unchanged" on the next push.
            ctx.done(story.id, "created", key=str(data["id"]), url=self._html_url(data),
                     payload=self.story_patch(story, b, parent_url, create=False))
