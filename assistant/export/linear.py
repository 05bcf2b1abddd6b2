"""Linear: GraphQL issueCreate / issueUpdate; the description is Markdown with criteria and evidence links.

Labels ("backlogsmith" and "need-<name>", so the team can filter by need) are sent as ids: one issueLabels query
finds the ones that exist in the team or the workspace, issueLabelCreate adds the missing ones to the team. A
re-push *adds* labels (addedLabelIds) rather than replacing them, so labels the team put on the issue stay.

Linear answers HTTP 200 with an `errors` array for GraphQL-level failures, so those are checked per story;
rate limiting (HTTP 429 / 400 RATELIMITED) goes through the shared retry policy.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from assistant.export.bodies import story_markdown
from assistant.export.bundle import Bundle, priority_level, slug, title
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
LABELS = """query BacklogsmithLabels($filter: IssueLabelFilter) {
  issueLabels(first: 250, filter: $filter) { nodes { id name } }
}"""
CREATE_LABEL = """mutation BacklogsmithLabelCreate($input: IssueLabelCreateInput!) {
  issueLabelCreate(input: $input) { success issueLabel { id name } }
}"""
# Our levels 1..4 map onto Linear's 1 = Urgent .. 4 = Low (0 = no priority).


def label_names(story: Story, bundle: Bundle) -> list[str]:
    """What the story is labelled with: the tool, and its need (one label per need, not per story: Linear's label
    list is shared by the whole team and should stay short)."""
    need = bundle.need(story)
    return ["backlogsmith"] + ([f"need-{slug(need.name)}"] if need else [])


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

    def issue_input(self, story: Story, bundle: Bundle, *, create: bool,
                    label_ids: dict[str, str] | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {"title": title(story), "description": story_markdown(story, bundle)}
        if create:
            data["teamId"] = self.team
        if label_ids is None:  # a dry run resolves nothing: the preview names the labels it will look up
            ids = [f"<id of label {name}>" for name in label_names(story, bundle)]
        else:
            ids = [label_ids[name] for name in label_names(story, bundle) if name in label_ids]
        if ids:
            data["labelIds" if create else "addedLabelIds"] = ids
        if story.points is not None:
            data["estimate"] = story.points
        if priority_level(story):
            data["priority"] = priority_level(story)
        return data

    def request_for(self, ctx: PushContext, story: Story, label_ids: dict[str, str] | None = None) -> dict[str, Any]:
        remote = ctx.remotes.get(story.id)
        if remote and remote.key:
            return {"query": UPDATE, "variables": {
                "id": remote.key, "input": self.issue_input(story, ctx.bundle, create=False, label_ids=label_ids)}}
        return {"query": CREATE, "variables": {"input": self.issue_input(story, ctx.bundle, create=True,
                                                                         label_ids=label_ids)}}

    def labels_query(self, names: list[str]) -> dict[str, Any]:
        """The labels with these names, in any case, that the team may use: its own and the workspace's (no team).

        Linear refuses a second label that differs only in case, so "Backlogsmith" made by hand must be found."""
        return {"query": LABELS, "variables": {"filter": {"and": [
            {"or": [{"name": {"eqIgnoreCase": name}} for name in names]},
            {"or": [{"team": {"id": {"eq": self.team}}}, {"team": {"null": True}}]},
        ]}}}

    def _names(self, ctx: PushContext) -> list[str]:
        return sorted({n for story in ctx.bundle.stories for n in label_names(story, ctx.bundle)})

    def plan(self, ctx: PushContext) -> list[dict[str, Any]]:
        lookup = {"method": "POST", "path": self.path, "story_ids": [], "body": self.labels_query(self._names(ctx))}
        return [lookup] + [{"method": "POST", "path": self.path, "story_ids": [s.id], "body": self.request_for(ctx, s)}
                           for s in ctx.bundle.stories]

    def resolve_labels(self, names: list[str]) -> dict[str, str]:
        """Label name -> id, creating in the team the labels that do not exist yet."""
        assert self.http is not None
        data = self.http.request("POST", self.path, json=self.labels_query(names), expect=(200,)).json()
        if data.get("errors"):
            raise GraphQLError("; ".join(str(e.get("message")) for e in data["errors"]))
        by_case: dict[str, str] = {}
        for node in ((data.get("data") or {}).get("issueLabels") or {}).get("nodes") or []:
            by_case.setdefault(node["name"].lower(), node["id"])  # a team and a workspace label may share a name
        found = {name: by_case[name.lower()] for name in names if name.lower() in by_case}
        for name in names:
            if name not in found:
                body = {"query": CREATE_LABEL, "variables": {"input": {"name": name, "teamId": self.team}}}
                made = self.http.request("POST", self.path, json=body, expect=(200,)).json()
                label = ((made.get("data") or {}).get("issueLabelCreate") or {}).get("issueLabel")
                if made.get("errors") or not label:
                    raise GraphQLError("could not create label "
                                       + repr(name) + ": " + "; ".join(str(e.get("message")) for e in made.get("errors") or []))
                found[name] = label["id"]
        return found

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
        try:
            label_ids: dict[str, str] = self.resolve_labels(self._names(ctx))
        except (GraphQLError, HTTPStatusError) as exc:
            # Issues without labels are still worth having; the report says why the labels are missing.
            ctx.report.notes.append(f"Linear labels not set: {exc}")
            label_ids = {}
        for story in ctx.bundle.stories:
            remote = ctx.remotes.get(story.id)
            body = self.request_for(ctx, story, label_ids)
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
            update = {"query": UPDATE, "variables": {"id": issue["id"], "input": self.issue_input(
                story, ctx.bundle, create=False, label_ids=label_ids)}}
            ctx.done(story.id, "updated" if updating else "created", key=issue["id"], url=issue.get("url"), payload=update)
