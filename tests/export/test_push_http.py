"""HTTP behaviour of the pushes against a real local HTTP server (pytest-httpserver).

The servers are scripted trackers: they answer 429 with Retry-After, 5xx, partial bulk failures and
GraphQL errors, and keep what they created so re-pushes can be checked for duplicates.
"""

from __future__ import annotations

import base64
import email.utils
import json
import logging
import re

import pytest
from graphql import build_schema, parse, validate
from werkzeug import Request, Response

from assistant.errors import ConfigError, ExportError
from assistant.export import push_stories
from assistant.export.http import HTTPStatusError, RetryPolicy, TrackerClient
from assistant.export.records import remotes
from assistant.repository import get_story, save_story

from .conftest import SCHEMAS
from .test_payloads import input_errors

FAST = RetryPolicy(max_attempts=3, backoff=0.01, max_wait=30)
TOKENS = ("tok-jira-SECRET", "tok-gh-SECRET", "tok-az-SECRET", "tok-lin-SECRET")


def github_issue_response(number: int, issue_id: int | None = None, title: str = "t") -> dict:
    user = {k: "https://api.github.com/users/u" for k in (
        "avatar_url", "events_url", "followers_url", "following_url", "gists_url", "html_url", "organizations_url",
        "received_events_url", "repos_url", "starred_url", "subscriptions_url", "url")}
    user.update({"gravatar_id": "", "id": 1, "node_id": "U_1", "login": "po", "site_admin": False, "type": "User"})
    base = f"https://api.github.com/repos/acme/shop/issues/{number}"
    return {"id": issue_id or 1000 + number, "node_id": f"I_{number}", "number": number, "url": base,
            "html_url": f"https://github.com/acme/shop/issues/{number}", "repository_url": "https://api.github.com/repos/acme/shop",
            "labels_url": base + "/labels{/name}", "comments_url": base + "/comments", "events_url": base + "/events",
            "state": "open", "title": title, "locked": False, "labels": [], "assignee": None, "milestone": None,
            "comments": 0, "closed_at": None, "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "user": user}


def client(httpserver, sleeps, **kw) -> TrackerClient:
    return TrackerClient(httpserver.url_for("/"), name="Test", policy=kw.pop("policy", FAST), sleep=sleeps.append,
                         rng=lambda: 1.0, **kw)


# --- retry policy ---------------------------------------------------------------------------------------------
def test_429_retry_after_is_honoured(httpserver):
    httpserver.expect_ordered_request("/x", method="POST").respond_with_response(
        Response("slow down", status=429, headers={"Retry-After": "2"}))
    httpserver.expect_ordered_request("/x", method="POST").respond_with_json({"ok": True}, status=201)
    sleeps: list[float] = []
    with client(httpserver, sleeps) as c:
        assert c.request("POST", "/x", json={}).json() == {"ok": True}
    assert sleeps == [2.0]
    assert len(httpserver.log) == 2


def test_503_with_rate_limit_reset_epoch_and_http_date(httpserver):
    now = 1_800_000_000.0
    httpserver.expect_ordered_request("/y").respond_with_response(
        Response("", status=503, headers={"X-RateLimit-Reset": str(int(now) + 3)}))
    date = email.utils.formatdate(now + 5, usegmt=True)
    httpserver.expect_ordered_request("/y").respond_with_response(Response("", status=429, headers={"Retry-After": date}))
    httpserver.expect_ordered_request("/y").respond_with_json({"n": 1})
    sleeps: list[float] = []
    with client(httpserver, sleeps, clock=lambda: now) as c:
        c.request("GET", "/y")
    assert sleeps == [3.0, 5.0]


def test_post_500_is_not_retried_but_get_502_is(httpserver):
    httpserver.expect_ordered_request("/p", method="POST").respond_with_data("boom", status=500)
    sleeps: list[float] = []
    with client(httpserver, sleeps) as c, pytest.raises(HTTPStatusError) as err:
        c.request("POST", "/p", json={})
    assert err.value.status_code == 500 and sleeps == []  # a POST may have created the issue: no blind retry
    httpserver.expect_ordered_request("/g").respond_with_data("bad gateway", status=502)
    httpserver.expect_ordered_request("/g").respond_with_json({"ok": 1})
    with client(httpserver, sleeps) as c:
        assert c.request("GET", "/g").json() == {"ok": 1}
    assert sleeps == [0.01]


def test_retries_are_bounded(httpserver):
    httpserver.expect_request("/z").respond_with_response(Response("", status=429, headers={"Retry-After": "1"}))
    sleeps: list[float] = []
    with client(httpserver, sleeps) as c, pytest.raises(ExportError, match="after 3 attempts"):
        c.request("POST", "/z", json={})
    assert len(httpserver.log) == 3 and sleeps == [1.0, 1.0]
    httpserver.clear()
    httpserver.expect_request("/w").respond_with_response(Response("", status=429, headers={"Retry-After": "3600"}))
    with client(httpserver, sleeps) as c, pytest.raises(ExportError, match="try again later"):
        c.request("GET", "/w")
    assert len(httpserver.log) == 1  # a wait beyond max_wait fails fast


# --- Jira -------------------------------------------------------------------------------------------------------
class FakeJira:
    """Bulk create with a scripted per-element failure, PUT updates and idempotent remote links by globalId."""

    def __init__(self, fail_summary: str | None = None):
        self.issues: dict[str, dict] = {}
        self.links: dict[str, dict[str, dict]] = {}
        self.calls: list[tuple[str, str]] = []
        self.fail_summary = fail_summary
        self.auth: set[str] = set()

    def __call__(self, request: Request) -> Response:
        self.auth.add(request.headers.get("Authorization", ""))
        self.calls.append((request.method, request.path))
        body = request.get_json(silent=True)
        if request.path == "/rest/api/3/issue/bulk":
            issues, errors = [], []
            for i, update in enumerate(body["issueUpdates"]):
                if self.fail_summary and self.fail_summary in update["fields"]["summary"]:
                    errors.append({"status": 400, "failedElementNumber": i,
                                   "elementErrors": {"errorMessages": [], "errors": {"priority": "Priority is invalid"}}})
                    continue
                key = f"SHOP-{len(self.issues) + 1}"
                self.issues[key] = update["fields"]
                issues.append({"id": str(10000 + len(self.issues)), "key": key, "self": f"http://x/{key}"})
            return Response(json.dumps({"issues": issues, "errors": errors}), status=201 if issues else 400,
                            content_type="application/json")
        m = re.fullmatch(r"/rest/api/3/issue/([A-Z]+-\d+)(/remotelink)?", request.path)
        if m and m.group(2):
            self.links.setdefault(m.group(1), {})[body["globalId"]] = body
            return Response(json.dumps({"id": 1}), status=201, content_type="application/json")
        if m and request.method == "PUT":
            self.issues[m.group(1)].update(body["fields"])
            return Response(status=204)
        return Response("not found", status=404)


def env_for(httpserver) -> dict[str, str]:
    url = httpserver.url_for("").rstrip("/")
    return {
        "JIRA_BASE_URL": url, "JIRA_EMAIL": "po@example.com", "JIRA_API_TOKEN": TOKENS[0], "JIRA_PROJECT_KEY": "SHOP",
        "JIRA_STORY_POINTS_FIELD": "customfield_10016",
        "GITHUB_TOKEN": TOKENS[1], "GITHUB_REPOSITORY": "acme/shop", "GITHUB_API_URL": url, "GITHUB_SUB_ISSUES": "1",
        "AZURE_DEVOPS_ORG_URL": url + "/acme", "AZURE_DEVOPS_PROJECT": "Shop App", "AZURE_DEVOPS_PAT": TOKENS[2],
        "AZURE_DEVOPS_PROCESS": "scrum",
        "LINEAR_API_KEY": TOKENS[3], "LINEAR_TEAM_ID": "team-1", "LINEAR_API_URL": url + "/graphql",
        "BACKLOGSMITH_EVIDENCE_URL": "https://feedback.example.com/items/{item_id}",
    }


def push(ws, target, httpserver, sleeps=None, **kw):
    sleeps = sleeps if sleeps is not None else []
    return push_stories(ws, target, env=env_for(httpserver), policy=FAST,
                        client_options={"sleep": sleeps.append, "rng": lambda: 1.0}, **kw)


def edit(ws, story_id, **changes):
    with ws.transaction() as s:
        story = get_story(s, story_id)
        save_story(s, story.model_copy(update=changes), actor="test", action="edit")


def test_jira_partial_bulk_failure_then_repush_updates_without_duplicates(ready_backlog, httpserver, caplog):
    caplog.set_level(logging.DEBUG)
    jira = FakeJira(fail_summary="Export invoices")
    httpserver.expect_request(re.compile(r"/rest/api/3/.*")).respond_with_handler(jira)
    report = push(ready_backlog, "jira", httpserver)
    by_id = {r.story_id: r for r in report.results}
    assert by_id["S-002"].action == "failed" and "Priority is invalid" in by_id["S-002"].error
    assert by_id["S-001"].action == "created" and by_id["S-hostile"].action == "created"
    assert len(jira.issues) == 4  # 2 epics + 2 stories
    s1 = jira.issues[by_id["S-001"].key]
    assert s1["parent"]["key"] in ("SHOP-1", "SHOP-2") and s1["customfield_10016"] == 3
    links = jira.links[by_id["S-001"].key]
    assert set(links) == {"backlogsmith:story:S-001:evidence:fb-001", "backlogsmith:story:S-001:evidence:fb-002"}
    assert links["backlogsmith:story:S-001:evidence:fb-001"]["object"]["url"] == "https://feedback.example.com/items/fb-001"

    jira.fail_summary = None
    edit(ready_backlog, "S-001", benefit="I never retype my card")
    second = push(ready_backlog, "jira", httpserver)
    by_id2 = {r.story_id: r for r in second.results}
    assert by_id2["S-002"].action == "created"
    assert by_id2["S-001"].action == "updated" and by_id2["S-001"].key == by_id["S-001"].key
    assert by_id2["S-hostile"].action == "unchanged"
    assert len(jira.issues) == 5  # no duplicate epics or stories
    assert "never retype" in json.dumps(jira.issues[by_id["S-001"].key]["description"])
    assert len(jira.links[by_id["S-001"].key]) == 2  # same globalIds: links updated, not added
    bulk_calls = [c for c in jira.calls if c[1].endswith("/bulk")]
    assert len(bulk_calls) == 3  # epics, stories, then only the failed story
    recorded = remotes(ready_backlog, "jira")
    assert {k: v.key for k, v in recorded.items()} == {sid: r.key for sid, r in by_id2.items()}
    # A dry run now plans updates of the known issues only: nothing (epic or story) would be created again.
    plan = push_stories(ready_backlog, "jira", dry_run=True, env=env_for(httpserver)).requests
    assert not [r for r in plan if r["path"].endswith("/bulk")], plan
    assert {(r["method"], r["path"].rsplit("/", 1)[-1]) for r in plan if r["method"] == "PUT"} == {
        ("PUT", r.key) for r in by_id2.values()}
    expected = "Basic " + base64.b64encode(f"po@example.com:{TOKENS[0]}".encode()).decode()
    assert jira.auth == {expected}
    dump = caplog.text + report.model_dump_json() + second.model_dump_json()
    assert not any(t in dump for t in TOKENS)


def test_jira_bulk_is_chunked_at_50(workspace, httpserver):
    from .conftest import make_story

    with workspace.transaction() as s:
        for i in range(120):
            save_story(s, make_story(f"S-{i:03d}", None, goal=f"to do thing {i}", evidence=[]), actor="t", action="c")
    jira = FakeJira()
    httpserver.expect_request(re.compile(r"/rest/api/3/.*")).respond_with_handler(jira)
    report = push(workspace, "jira", httpserver, force=True)  # no evidence: not Ready, pushed anyway
    assert report.count("created") == 120 and "not-Ready" in report.notes[0]
    sizes = [len(r.get_json()["issueUpdates"]) for r, _ in httpserver.log if r.path.endswith("/bulk")]
    assert sizes == [50, 50, 20]


# --- GitHub -----------------------------------------------------------------------------------------------------
class FakeGitHub:
    def __init__(self):
        self.issues: dict[int, dict] = {}
        self.sub_issues: dict[int, list[int]] = {}
        self.rate_limited_once = False

    def __call__(self, request: Request) -> Response:
        assert request.headers["Authorization"] == f"Bearer {TOKENS[1]}"
        if not self.rate_limited_once:  # GitHub's exhausted primary limit: 403 + remaining 0 + reset
            self.rate_limited_once = True
            return Response("{}", status=403, headers={"x-ratelimit-remaining": "0", "x-ratelimit-reset": "4"})
        body = request.get_json()
        m = re.fullmatch(r"/repos/acme/shop/issues(?:/(\d+))?(/sub_issues)?", request.path)
        if m.group(2):
            self.sub_issues.setdefault(int(m.group(1)), []).append(body["sub_issue_id"])
            return Response(json.dumps(github_issue_response(int(m.group(1)))), status=201, content_type="application/json")
        if request.method == "PATCH":
            number = int(m.group(1))
            self.issues[number].update(body)
            return Response(json.dumps(github_issue_response(number)), status=200, content_type="application/json")
        number = len(self.issues) + 1
        self.issues[number] = body
        return Response(json.dumps(github_issue_response(number, title=body["title"])), status=201,
                        content_type="application/json")


def test_github_labels_sub_issues_rate_limit_and_repush(ready_backlog, httpserver):
    gh = FakeGitHub()
    httpserver.expect_request(re.compile(r"/repos/.*")).respond_with_handler(gh)
    sleeps: list[float] = []
    report = push(ready_backlog, "github", httpserver, sleeps)
    assert sleeps == [4.0] and report.count("created") == 3
    need_issues = [n for n, b in gh.issues.items() if "need" in b["labels"]]
    assert len(need_issues) == 2
    story_issue = next(b for b in gh.issues.values() if "export invoices" in b["title"].lower())
    assert {"priority: highest", "points: 5"} <= set(story_issue["labels"])
    assert "**Given**" in story_issue["body"] and "https://feedback.example.com/items/fb-004" in story_issue["body"]
    assert sum(len(v) for v in gh.sub_issues.values()) == 3
    edit(ready_backlog, "S-002", points=8)
    again = push(ready_backlog, "github", httpserver)
    assert {r.action for r in again.results} == {"updated", "unchanged"} and len(gh.issues) == 5
    assert "points: 8" in next(b for b in gh.issues.values() if "export invoices" in b["title"].lower())["labels"]


# --- Azure DevOps -----------------------------------------------------------------------------------------------
def test_azure_json_patch_scrum_effort_and_parent(ready_backlog, httpserver):
    items: dict[int, list] = {}

    def handler(request: Request) -> Response:
        assert request.headers["Content-Type"] == "application/json-patch+json"
        assert request.args["api-version"] == "7.1"
        ops = request.get_json(force=True)
        if request.method == "PATCH":
            item_id = int(request.path.rsplit("/", 1)[1])
            items[item_id] += ops
        else:
            item_id = len(items) + 1
            items[item_id] = [{"type": request.path.rsplit("$", 1)[1]}, *ops]
        url = httpserver.url_for(f"/acme/_apis/wit/workItems/{item_id}")
        return Response(json.dumps({"id": item_id, "url": url, "_links": {"html": {"href": url + "/edit"}}}),
                        status=200, content_type="application/json")

    httpserver.expect_request(re.compile(r"/acme/Shop(%20| )App/_apis/wit/workitems/.*")).respond_with_handler(handler)
    report = push(ready_backlog, "azure", httpserver)
    assert report.count("created") == 3
    types = [ops[0]["type"] for ops in items.values()]
    assert types.count("Feature") == 2 and types.count("Product%20Backlog%20Item") + types.count("Product Backlog Item") == 3
    story_ops = next(ops for ops in items.values() if any("export invoices" in str(o.get("value", "")).lower() for o in ops[1:]))
    fields = {o["path"]: o["value"] for o in story_ops[1:]}
    assert fields["/fields/Microsoft.VSTS.Scheduling.Effort"] == 5
    assert fields["/relations/-"]["url"].endswith("/_apis/wit/workItems/2")
    assert "<ol><li><b>Given</b>" in fields["/fields/Microsoft.VSTS.Common.AcceptanceCriteria"]
    edit(ready_backlog, "S-001", points=2)
    again = push(ready_backlog, "azure", httpserver)
    assert len(items) == 5 and again.count("updated") == 1 and again.count("unchanged") == 2


# --- Linear -----------------------------------------------------------------------------------------------------
def linear_server(httpserver, issues: dict, labels: dict, *, label_create_fails: bool = False) -> None:
    """A Linear stand-in: every request is checked against Linear's schema; labels are looked up and created."""
    schema = build_schema((SCHEMAS / "linear-issues.graphql").read_text(encoding="utf-8"))

    def reply(data: dict, errors: list | None = None) -> Response:
        return Response(json.dumps({"data": data, **({"errors": errors} if errors else {})}), status=200,
                        content_type="application/json")

    def handler(request: Request) -> Response:
        assert request.headers["Authorization"] == TOKENS[3]
        body = request.get_json()
        doc = parse(body["query"])
        assert validate(schema, doc) == []  # the server checks every request against Linear's schema
        op = doc.definitions[0].selection_set.selections[0].name.value
        if op == "issueLabels":
            wanted = body["variables"]["filter"]
            assert input_errors(wanted, schema.get_type("IssueLabelFilter")) == []
            by_name, by_team = wanted["and"]
            assert {"team": {"id": {"eq": "team-1"}}} in by_team["or"]
            names = {c["name"]["eqIgnoreCase"].lower() for c in by_name["or"]}
            return reply({"issueLabels": {"nodes": [{"id": i, "name": n} for n, i in labels.items()
                                                    if n.lower() in names]}})
        if op == "issueLabelCreate":
            new = body["variables"]["input"]
            assert input_errors(new, schema.get_type("IssueLabelCreateInput")) == [] and new["teamId"] == "team-1"
            if label_create_fails:
                return reply(None, [{"message": "not allowed to create labels"}])
            labels[new["name"]] = f"lab-{len(labels) + 1}"
            return reply({"issueLabelCreate": {"success": True, "issueLabel": {"id": labels[new["name"]],
                                                                                "name": new["name"]}}})
        input_type = schema.get_type("IssueCreateInput" if op == "issueCreate" else "IssueUpdateInput")
        assert input_errors(body["variables"]["input"], input_type) == []
        if "hyperlink" in body["variables"]["input"]["title"].lower():
            return reply(None, [{"message": "title rejected"}])
        if op == "issueCreate":
            uid = f"uuid-{len(issues) + 1}"
            issues[uid] = body["variables"]["input"]
        else:
            uid = body["variables"]["id"]
            added = body["variables"]["input"].pop("addedLabelIds", [])
            issues[uid].update(body["variables"]["input"])
            issues[uid]["labelIds"] = list(dict.fromkeys(issues[uid].get("labelIds", []) + added))
        issue = {"id": uid, "identifier": f"SHOP-{uid[-1]}", "url": f"https://linear.app/acme/issue/{uid}"}
        return reply({op: {"success": True, "issue": issue}})

    httpserver.expect_request("/graphql", method="POST").respond_with_handler(handler)


def test_linear_graphql_requests_valid_errors_reported_and_update(ready_backlog, httpserver):
    issues: dict[str, dict] = {}
    labels = {"Backlogsmith": "lab-workspace"}  # made by hand, other case: found, not created again
    linear_server(httpserver, issues, labels)
    report = push(ready_backlog, "linear", httpserver)
    by_id = {r.story_id: r for r in report.results}
    assert by_id["S-hostile"].action == "failed" and "title rejected" in by_id["S-hostile"].error
    assert by_id["S-002"].action == "created" and issues[by_id["S-002"].key]["estimate"] == 5
    assert issues[by_id["S-002"].key]["priority"] == 1
    # every story carries the tool's label and its need's label; one label per need, created once
    need_labels = {n: i for n, i in labels.items() if n.startswith("need-")}
    assert need_labels and "backlogsmith" not in labels and not report.notes
    for issue in issues.values():
        assert issue["labelIds"][0] == "lab-workspace" and issue["labelIds"][1] in need_labels.values()
    # the team adds its own label in Linear; a re-push adds ours and keeps theirs
    issues[by_id["S-002"].key]["labelIds"].append("lab-team-own")
    edit(ready_backlog, "S-002", benefit="we close the month on time")
    again = {r.story_id: r for r in push(ready_backlog, "linear", httpserver).results}
    assert again["S-002"].action == "updated" and again["S-002"].key == by_id["S-002"].key
    assert len(issues) == 2 and "close the month" in issues[by_id["S-002"].key]["description"]
    assert "lab-team-own" in issues[by_id["S-002"].key]["labelIds"]
    assert len(labels) == 1 + len(need_labels)  # the second push found every label and created none


def test_linear_label_failure_still_pushes_issues_and_says_why(ready_backlog, httpserver):
    issues: dict[str, dict] = {}
    linear_server(httpserver, issues, {}, label_create_fails=True)
    report = push(ready_backlog, "linear", httpserver)
    assert report.count("created") == 2 and all("labelIds" not in i for i in issues.values())
    assert report.notes == ["Linear labels not set: could not create label 'backlogsmith': not allowed to create labels"]


# --- dry run and configuration -------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["jira", "github", "azure", "linear", "roundup"])
def test_dry_run_sends_nothing_and_shows_no_token(ready_backlog, httpserver, target):
    env = {**env_for(httpserver), "ROUNDUP_URL": httpserver.url_for("/tr/"), "ROUNDUP_USER": "admin",
           "ROUNDUP_PASSWORD": "pw-SECRET"}
    report = push_stories(ready_backlog, target, dry_run=True, env=env)
    assert report.requests and len(httpserver.log) == 0
    text = report.model_dump_json()
    assert not any(t in text for t in (*TOKENS, "pw-SECRET"))
    assert remotes(ready_backlog, target) == {}


def test_missing_credentials_name_the_variable(ready_backlog):
    with pytest.raises(ConfigError, match="GITHUB_REPOSITORY"):
        push_stories(ready_backlog, "github", env={"GITHUB_TOKEN": "x"})
    with pytest.raises(ConfigError, match="JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN, JIRA_PROJECT_KEY"):
        push_stories(ready_backlog, "jira", env={})


def test_server_wait_understands_each_trackers_headers():
    import httpx

    from assistant.export.http import server_wait

    now = 1_800_000_000.0

    def wait(status=429, **headers):
        return server_wait(httpx.Response(status, headers={k.replace("_", "-"): v for k, v in headers.items()}), now)

    assert wait(Retry_After="7") == 7.0
    assert wait(Retry_After="soon") is None  # unparseable: our own backoff applies
    assert wait(X_RateLimit_Reset=str(int(now) + 30)) == 30.0  # GitHub: epoch seconds
    assert wait(X_RateLimit_Requests_Reset=str(int(now * 1000) + 1500)) == 1.5  # Linear: epoch milliseconds
    assert wait(X_RateLimit_Reset="2027-01-15T08:00:12Z") == pytest.approx(  # Jira: ISO timestamp
        __import__("datetime").datetime.fromisoformat("2027-01-15T08:00:12+00:00").timestamp() - now)
    assert wait(X_RateLimit_Reset="0.25") == 0.25  # Roundup: seconds from now
    assert wait(status=403, X_RateLimit_Reset="5") is None  # a plain 403 is a permission error, not a limit
