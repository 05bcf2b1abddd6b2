"""Linear: GraphQL issueCreate / issueUpdate; the description is Markdown with criteria and evidence links.

Linear answers HTTP 200 with an `errors` array for GraphQL-level failures, so those are checked per story;
rate limiting (HTTP 429 / 400 RATELIMITED) goes through the shared retry policy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from assistant.export.bodies import story_markdown
from assistant.export.bundle import Bundle, priority_level, title
from assistant.export.credentials import TrackerConfig
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient
from assistant.export.push import PushContext
from assistant.models import Story

CREATE = """mutation BacklogsmithIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { id identifier url } }
}"""
UPDATE = """mutation BacklogsmithIssueUpdate($id: String!, $input: IssueUpdateInput!) {
  issueUpdate(id: $id, input: $input) { success issue { id identifier url } }
}"""
# Our levels 1..4 map onto Linear's 1 = Urgent .. 4 = Low (0 = no priority).


def client(cfg: TrackerConfig, *, policy: RetryPolicy | None = None, **kwargs: Any) -> TrackerClient:
    # Personal API keys go in Authorization as-is (no "Bearer"), per Linear's docs.
    parts = urlsplit(str(cfg.get("LINEAR_API_URL")))
    return TrackerClient(f"{parts.scheme}://{parts.netloc}", name="Linear", policy=policy,
                         headers={"Authorization": cfg.secret("LINEAR_API_KEY"), "Content-Type": "application/json"},
                         **kwargs)


class GraphQLError(Exception):
    pass


class LinearTarget:
    name = "linear"

    def __init__(self, cfg: TrackerConfig, http: TrackerClient | None):
        self.cfg, self.http = cfg, http
        self.team = str(cfg.get("LINEAR_TEAM_ID"))
        # httpx would turn an empty path on a base URL into ".../graphql/", which Linear does not serve.
        self.path = urlsplit(str(cfg.get("LINEAR_API_URL"))).path or "/"

    def issue_input(self, story: Story, bundle: Bundle, *, create: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"title": title(story), "description": story_markdown(story, bundle)}
        if create:
            data["teamId"] = self.team
        if story.points is not None:
            data["estimate"] = story.points
        if priority_level(story):
            data["priority"] = priority_level(story)
        return data

    def request_for(self, ctx: PushContext, story: Story) -> dict[str, Any]:
        remote = ctx.remotes.get(story.id)
        if remote and remote.key:
            return {"query": UPDATE, "variables": {"id": remote.key, "input": self.issue_input(story, ctx.bundle, create=False)}}
        return {"query": CREATE, "variables": {"input": self.issue_input(story, ctx.bundle, create=True)}}

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        return [{"method": "POST", "path": self.path, "story_ids": [s.id], "body": self.request_for(ctx, s)}
                for s in ctx.bundle.stories]

    def _call(self, body: dict[str, Any], field: str) -> dict[str, Any]:
        assert self.http is not None
        data = self.http.request("POST", self.path, json=body, expect=(200,)).json()
        if data.get("errors"):
            raise GraphQLError("; ".join(str(e.get("message")) for e in data["errors"]))
        result = (data.get("data") or {}).get(field) or {}
        if not result.get("success") or not result.get("issue"):
            raise GraphQLError(f"{field} did not succeed")
        return result["issue"]

    def push(self, ctx: PushContext) -> None:
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            body = self.request_for(ctx, story)
            updating = bool(remote and remote.key)
            if updating and ctx.unchanged(story.id, body):
                ctx.done(story.id, "unchanged", key=remote.key, url=remote.url)
                continue
            try:
                issue = self._call(body, "issueUpdate" if updating else "issueCreate")
            except (GraphQLError, HTTPStatusError) as exc:
                ctx.done(story.id, "failed", key=remote.key if remote else None, error=f"Linear: {exc}")
                continue
            # The issue's UUID is the key: issueUpdate takes it, and it never changes when the issue moves team.
            # Hash the update request a re-push would send, so an untouched story is "unchanged" next time.
            update = {"query": UPDATE, "variables": {"id": issue["id"],
                                                     "input": self.issue_input(story, ctx.bundle, create=False)}}
            ctx.done(story.id, "updated" if updating else "created", key=issue["id"], url=issue.get("url"), payload=update)
