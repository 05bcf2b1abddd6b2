"""Jira Cloud REST v3: needs as Epics, stories via bulk create (≤ 50 a call), updates via PUT, evidence remote links.

A remote link's globalId is derived from the story and evidence ids, and Jira updates the link that has the
same globalId instead of adding another, so re-pushing never piles up links. Custom-field ids for story
points and acceptance criteria differ per site: JIRA_STORY_POINTS_FIELD / JIRA_ACCEPTANCE_CRITERIA_FIELD.
"""

from __future__ import annotations

from typing import Any

import httpx

from assistant.export.bodies import criteria_adf, need_adf, story_adf
from assistant.export.bundle import Bundle, one_line, priority_name, quote, slug, source_label, title
from assistant.export.credentials import TrackerConfig
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient, error_excerpt
from assistant.export.jira_csv import labels
from assistant.export.push import PushContext
from assistant.errors import ExportError
from assistant.models import Story

BULK_LIMIT = 50
API = "/rest/api/3"


def client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    auth = httpx.BasicAuth(cfg.get("JIRA_EMAIL") or "", cfg.secret("JIRA_API_TOKEN"))
    return TrackerClient(str(cfg.get("JIRA_BASE_URL")).rstrip("/"), name="Jira", auth=auth, policy=policy,
                         headers={"Accept": "application/json"}, **kwargs)


def global_id(story_id: str, item_id: str) -> str:
    return f"backlogsmith:story:{story_id}:evidence:{item_id}"


class JiraTarget:
    name = "jira"

    def __init__(self, cfg: TrackerConfig, http: TrackerClient | None):
        self.cfg, self.http = cfg, http
        self.project = cfg.get("JIRA_PROJECT_KEY")

    # --- payloads -----------------------------------------------------------------------------------------
    def epic_fields(self, need_id: str, bundle: Bundle) -> dict[str, Any]:
        need = bundle.needs[need_id]
        return {"project": {"key": self.project}, "issuetype": {"name": self.cfg.get("JIRA_EPIC_TYPE")},
                "summary": one_line(need.name, 250), "description": need_adf(need.statement),
                "labels": ["backlogsmith", f"need-{slug(need.name)}"]}

    def story_fields(self, story: Story, bundle: Bundle, parent_key: str | None, *, create: bool) -> dict[str, Any]:
        ac_field = self.cfg.get("JIRA_ACCEPTANCE_CRITERIA_FIELD")
        fields: dict[str, Any] = {
            "summary": title(story),
            "description": story_adf(story, bundle, with_criteria=True),
            "labels": labels(story, bundle),
        }
        if create:
            fields["project"] = {"key": self.project}
            fields["issuetype"] = {"name": self.cfg.get("JIRA_STORY_TYPE")}
        # Some projects keep Priority off their create screen; JIRA_SEND_PRIORITY=0 leaves it out.
        if priority_name(story) and self.cfg.flag("JIRA_SEND_PRIORITY"):
            fields["priority"] = {"name": priority_name(story)}
        if parent_key:
            fields["parent"] = {"key": parent_key}
        points_field = self.cfg.get("JIRA_STORY_POINTS_FIELD")
        if points_field and story.points is not None:
            fields[points_field] = story.points
        if ac_field:
            fields[ac_field] = criteria_adf(story)
        return fields

    def remote_links(self, story: Story, bundle: Bundle) -> list[dict[str, Any]]:
        return [
            {"globalId": global_id(story.id, item.id),
             "application": {"type": "com.backlogsmith", "name": "backlogsmith"},
             "relationship": "evidence",
             "object": {"url": bundle.evidence_url(item, story), "title": f"Evidence {item.id} ({source_label(item)})",
                        "summary": quote(item, 250)}}
            for item in bundle.evidence(story)
        ]

    def _parent(self, ctx: PushContext, story: Story, planned: bool = False) -> str | None:
        entry = ctx.parents.get(story.need_id or "")
        if entry:
            return entry["key"]
        return f"<epic for {story.need_id}>" if planned and story.need_id in ctx.bundle.needs else None

    # --- dry run ------------------------------------------------------------------------------------------
    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        b = ctx.bundle
        out: list[dict[str, Any]] = []
        epics = [n.id for n in b.needs_in_order() if n.id not in ctx.parents]
        if epics:
            out.append({"method": "POST", "path": f"{API}/issue/bulk",
                        "body": {"issueUpdates": [{"fields": self.epic_fields(n, b)} for n in epics]}})
        new = [s for s in b.stories if not (ctx.remotes.get(s.id) and ctx.remotes[s.id].key)]
        for start in range(0, len(new), BULK_LIMIT):
            chunk = new[start : start + BULK_LIMIT]
            out.append({"method": "POST", "path": f"{API}/issue/bulk", "story_ids": [s.id for s in chunk],
                        "body": {"issueUpdates": [{"fields": self.story_fields(s, b, self._parent(ctx, s, True), create=True)}
                                                  for s in chunk]}})
        for story in b.stories:
            remote = ctx.remotes.get(story.id)
            key = remote.key if remote and remote.key else f"<new key of {story.id}>"
            if remote and remote.key:
                out.append({"method": "PUT", "path": f"{API}/issue/{key}", "story_ids": [story.id],
                            "body": {"fields": self.story_fields(story, b, self._parent(ctx, story, True), create=False)}})
            for link in self.remote_links(story, b):
                out.append({"method": "POST", "path": f"{API}/issue/{key}/remotelink", "story_ids": [story.id], "body": link})
        return out

    # --- push ---------------------------------------------------------------------------------------------
    def _bulk(self, updates: list[dict[str, Any]]) -> tuple[dict[int, dict[str, Any]], dict[int, str]]:
        """POST one bulk call; return (index -> created issue, index -> error message)."""
        assert self.http is not None
        response = self.http.request("POST", f"{API}/issue/bulk", json={"issueUpdates": updates}, expect=(200, 201, 400))
        try:
            data = response.json()
        except ValueError:
            raise ExportError(f"Jira bulk create answered HTTP {response.status_code}: {error_excerpt(response)}") from None
        failed: dict[int, str] = {}
        for err in data.get("errors") or []:
            element = err.get("elementErrors") or {}
            messages = list(element.get("errorMessages") or []) + [f"{k}: {v}" for k, v in (element.get("errors") or {}).items()]
            failed[int(err.get("failedElementNumber", -1))] = "; ".join(messages) or f"HTTP {err.get('status')}"
        if response.status_code == 400 and not failed:
            raise ExportError(f"Jira rejected the bulk create: {error_excerpt(response)}")
        ok_indexes = [i for i in range(len(updates)) if i not in failed]
        created = dict(zip(ok_indexes, data.get("issues") or []))
        return created, failed

    def _browse(self, key: str) -> str:
        return f"{str(self.cfg.get('JIRA_BASE_URL')).rstrip('/')}/browse/{key}"

    def push(self, ctx: PushContext) -> None:
        assert self.http is not None
        b = ctx.bundle
        epics = [n.id for n in b.needs_in_order() if n.id not in ctx.parents]
        for start in range(0, len(epics), BULK_LIMIT):
            chunk = epics[start : start + BULK_LIMIT]
            created, failed = self._bulk([{"fields": self.epic_fields(n, b)} for n in chunk])
            for i, issue in created.items():
                ctx.parent_done(chunk[i], issue["key"], self._browse(issue["key"]))
            for i, message in failed.items():
                ctx.report.notes.append(f"Epic for need {chunk[i]} was not created ({message}); its stories have no parent")
        new = [s for s in b.stories if not (ctx.remotes.get(s.id) and ctx.remotes[s.id].key)]
        for start in range(0, len(new), BULK_LIMIT):
            chunk = new[start : start + BULK_LIMIT]
            fields = [self.story_fields(s, b, self._parent(ctx, s), create=True) for s in chunk]
            try:
                created, failed = self._bulk([{"fields": f} for f in fields])
            except ExportError as exc:
                for story in chunk:
                    ctx.done(story.id, "failed", error=str(exc))
                continue
            for i, story in enumerate(chunk):
                if i in created:
                    key = created[i]["key"]
                    # Hash what a re-push would send (update form), so an untouched story is "unchanged" next time.
                    update_form = self.story_fields(story, b, self._parent(ctx, story), create=False)
                    ctx.done(story.id, "created", key=key, url=self._browse(key), payload=update_form)
                    self._link(ctx, story, key)
                else:
                    ctx.done(story.id, "failed", error=failed.get(i, "not in Jira's answer"))
        for story in b.stories:
            remote = ctx.remotes.get(story.id)
            if not (remote and remote.key) or story.id in {r.story_id for r in ctx.report.results}:
                continue
            fields = self.story_fields(story, b, self._parent(ctx, story), create=False)
            if ctx.unchanged(story.id, fields):
                ctx.done(story.id, "unchanged", key=remote.key, url=remote.url)
                continue
            try:
                self.http.request("PUT", f"{API}/issue/{remote.key}", json={"fields": fields}, expect=(204, 200))
                self._link(ctx, story, remote.key)
            except HTTPStatusError as exc:
                ctx.done(story.id, "failed", key=remote.key, error=str(exc))
                continue
            ctx.done(story.id, "updated", key=remote.key, url=remote.url or self._browse(remote.key), payload=fields)

    def _link(self, ctx: PushContext, story: Story, key: str) -> None:
        assert self.http is not None
        for link in self.remote_links(story, ctx.bundle):
            try:
                self.http.request("POST", f"{API}/issue/{key}/remotelink", json=link, expect=(200, 201))
            except HTTPStatusError as exc:
                ctx.report.notes.append(f"{story.id}: evidence link not added ({exc})")
