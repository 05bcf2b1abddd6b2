"""Roundup (roundup-tracker.org) REST: a real, self-hostable tracker; the end-to-end test pushes into one.

Story text, criteria and evidence links go in a message (Roundup keeps an issue's text as its message
history); need, priority and story id become keywords. A re-push edits the same issue (If-Match on its
ETag) and appends a message only when the story changed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from assistant.export.bodies import story_markdown
from assistant.export.bundle import Bundle, priority_name, tags, title
from assistant.export.credentials import TrackerConfig
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient
from assistant.export.push import PushContext
from assistant.models import Story

ISSUE_PRIORITY = "feature"  # the classic template's priority for new functionality


def client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    web = str(cfg.get("ROUNDUP_URL")).rstrip("/") + "/"
    parts = urlsplit(web)
    # Roundup's CSRF defence wants these headers on every REST write.
    headers = {"X-Requested-With": "rest", "Referer": web, "Origin": f"{parts.scheme}://{parts.netloc}",
               "Accept": "application/json"}
    auth = httpx.BasicAuth(cfg.get("ROUNDUP_USER") or "", cfg.secret("ROUNDUP_PASSWORD"))
    return TrackerClient(web + "rest/data", name="Roundup", headers=headers, auth=auth, policy=policy, **kwargs)


def keywords(story: Story, bundle: Bundle) -> list[str]:
    out = tags(story, bundle)
    if priority_name(story):
        out.append(f"priority-{priority_name(story).lower()}")
    return out


class RoundupTarget:
    name = "roundup"

    def __init__(self, cfg: TrackerConfig, http: TrackerClient | None):
        self.cfg, self.http = cfg, http
        self.user = cfg.get("ROUNDUP_USER")
        self._keyword_ids: dict[str, str] | None = None
        self.web = str(cfg.get("ROUNDUP_URL")).rstrip("/") + "/"

    def payload(self, story: Story, bundle: Bundle) -> dict[str, Any]:
        return {"title": title(story), "keywords": keywords(story, bundle),
                "message": story_markdown(story, bundle, checklist=False)}

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        out = []
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            p = self.payload(story, ctx.bundle)
            out.append({"method": "POST", "path": "/msg", "story_ids": [story.id], "body": {"content": p["message"]}})
            body = {"title": p["title"], "keyword": p["keywords"], "messages": ["<new msg id>"]}
            if remote and remote.key:
                out.append({"method": "PUT", "path": f"/issue/{remote.key}", "story_ids": [story.id], "body": body})
            else:
                out.append({"method": "POST", "path": "/issue", "story_ids": [story.id],
                            "body": {**body, "priority": ISSUE_PRIORITY}})
        return out

    def _keyword_id(self, name: str) -> str:
        assert self.http is not None
        if self._keyword_ids is None:
            data = self.http.request("GET", "/keyword", params={"@fields": "name"}).json()
            self._keyword_ids = {k["name"]: str(k["id"]) for k in data["data"]["collection"]}
        if name not in self._keyword_ids:
            created = self.http.request("POST", "/keyword", json={"name": name}, expect=(201,)).json()
            self._keyword_ids[name] = str(created["data"]["id"])
        return self._keyword_ids[name]

    def _message(self, content: str) -> str:
        assert self.http is not None
        data = self.http.request("POST", "/msg", json={"content": content, "author": self.user}, expect=(201,)).json()
        return str(data["data"]["id"])

    def push(self, ctx: PushContext) -> None:
        assert self.http is not None
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            p = self.payload(story, ctx.bundle)
            try:
                if remote and remote.key:
                    if ctx.unchanged(story.id, p):
                        ctx.done(story.id, "unchanged", key=remote.key, url=remote.url)
                        continue
                    self._update(remote.key, p)
                    ctx.done(story.id, "updated", key=remote.key, url=remote.url, payload=p)
                    continue
                keyword_ids = [self._keyword_id(k) for k in p["keywords"]]
                msg = self._message(p["message"])
                body = {"title": p["title"], "priority": ISSUE_PRIORITY, "keyword": keyword_ids, "messages": [msg]}
                data = self.http.request("POST", "/issue", json=body, expect=(201,)).json()
            except HTTPStatusError as exc:
                ctx.done(story.id, "failed", key=remote.key if remote else None, error=str(exc))
                continue
            key = str(data["data"]["id"])
            ctx.done(story.id, "created", key=key, url=f"{self.web}issue{key}", payload=p)

    def _update(self, key: str, p: dict[str, Any]) -> None:
        assert self.http is not None
        current = self.http.request("GET", f"/issue/{key}").json()["data"]
        messages = [str(m["id"]) for m in current["attributes"].get("messages") or []]
        keyword_ids = [self._keyword_id(k) for k in p["keywords"]]
        msg = self._message("Story updated by backlogsmith.\n\n" + p["message"])
        body = {"title": p["title"], "keyword": keyword_ids, "messages": [*messages, msg]}
        self.http.request("PUT", f"/issue/{key}", json=body, headers={"If-Match": current["@etag"]}, expect=(200,))
