"""Payload builders checked against the trackers' official schemas (vendored in tests/data/schemas)."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from graphql import build_schema, parse, validate
from graphql import Undefined
from graphql.utilities import coerce_input_value, validate_input_value

from assistant.export.bodies import criteria_adf, need_adf, story_adf
from assistant.export.bundle import collect
from assistant.export.credentials import resolve_tracker
from assistant.export.github import GitHubTarget
from assistant.export.jira import JiraTarget
from assistant.export.linear import CREATE, CREATE_LABEL, LABELS, UPDATE, LinearTarget
from assistant.export.push import PushContext, PushReport
from assistant.export.azure import AzureTarget

from .conftest import SCHEMAS, load_schema

ENV = {
    "JIRA_BASE_URL": "https://example.atlassian.net", "JIRA_EMAIL": "po@example.com", "JIRA_API_TOKEN": "tok-jira",
    "JIRA_PROJECT_KEY": "SHOP", "JIRA_STORY_POINTS_FIELD": "customfield_10016",
    "JIRA_ACCEPTANCE_CRITERIA_FIELD": "customfield_10050",
    "GITHUB_TOKEN": "tok-gh", "GITHUB_REPOSITORY": "acme/shop",
    "AZURE_DEVOPS_ORG_URL": "https://dev.azure.com/acme", "AZURE_DEVOPS_PROJECT": "Shop", "AZURE_DEVOPS_PAT": "tok-az",
    "LINEAR_API_KEY": "tok-lin", "LINEAR_TEAM_ID": "team-1",
}


@pytest.fixture
def bundle(ready_backlog):
    return collect(ready_backlog)


@pytest.fixture(scope="module")
def adf_validator():
    schema = load_schema("adf-full.schema.json")
    return jsonschema.Draft4Validator(schema)


def test_adf_documents_validate_against_atlaskit_schema(bundle, adf_validator):
    checked = 0
    for story in bundle.stories:
        for doc in (story_adf(story, bundle), criteria_adf(story)):
            adf_validator.validate(doc)
            checked += 1
    adf_validator.validate(need_adf("Finance | cannot\nreconcile"))
    assert checked == 2 * len(bundle.stories)


def test_adf_schema_rejects_a_broken_document(bundle, adf_validator):
    # control: the vendored schema really constrains documents, so a pass above means something
    doc = story_adf(bundle.stories[0], bundle)
    broken = copy.deepcopy(doc)
    broken["content"][0]["content"][0]["text"] = ""
    assert not adf_validator.is_valid(broken)
    broken = copy.deepcopy(doc)
    broken["content"].append({"type": "listItem", "content": []})
    assert not adf_validator.is_valid(broken)


def test_jira_bulk_fields_carry_adf_custom_fields_and_parent(bundle, adf_validator):
    cfg = resolve_tracker("jira", ENV)
    target = JiraTarget(cfg, None)
    ctx = PushContext(None, "jira", bundle, PushReport(target="jira"))
    plan = target.plan(ctx)
    bulks = [p for p in plan if p["path"].endswith("/issue/bulk")]
    epics, stories = bulks[0]["body"]["issueUpdates"], bulks[1]["body"]["issueUpdates"]
    assert [e["fields"]["issuetype"]["name"] for e in epics] == ["Epic", "Epic"]
    for update in stories:
        fields = update["fields"]
        adf_validator.validate(fields["description"])
        adf_validator.validate(fields["customfield_10050"])
        assert fields["customfield_10016"] in (3, 5)
        assert fields["parent"]["key"].startswith("<epic for")
        assert fields["project"] == {"key": "SHOP"}
        assert all(" " not in label for label in fields["labels"])
    links = [p for p in plan if p["path"].endswith("/remotelink")]
    assert links and all(p["body"]["globalId"].startswith("backlogsmith:story:") for p in links)
    assert len({p["body"]["globalId"] for p in links}) == len(links)


def openapi_to_jsonschema(node):
    """OpenAPI 3.0 'nullable: true' is not JSON Schema: turn it into an explicit null alternative."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: openapi_to_jsonschema(v) for k, v in node.items() if k != "nullable"}
    if node.get("nullable"):
        if "enum" in out:
            out["enum"] = [*out["enum"], None]
        return {"anyOf": [out, {"type": "null"}]}
    return out


def _github_ops():
    ops = load_schema("github-issues.openapi.json")["operations"]
    return {name: {k: openapi_to_jsonschema(v) for k, v in op.items()} for name, op in ops.items()}


def test_github_bodies_validate_against_octokit_openapi(bundle):
    ops = _github_ops()
    create = ops["issues/create"]["request_schema"]
    update = ops["issues/update"]["request_schema"]
    sub = ops["issues/add-sub-issue"]["request_schema"]
    target = GitHubTarget(resolve_tracker("github", {**ENV, "GITHUB_SUB_ISSUES": "1"}), None)
    for story in bundle.stories:
        body = target.issue_body(story, bundle)
        jsonschema.validate(body, create)
        jsonschema.validate(body, update)
        assert "<!-- backlogsmith:story:" in body["body"]
        assert all(len(label) <= 50 for label in body["labels"])
    jsonschema.validate(target.need_body("n-checkout", bundle), create)
    jsonschema.validate({"sub_issue_id": 12345}, sub)
    with pytest.raises(jsonschema.ValidationError):  # control: the schema enforces required fields
        jsonschema.validate({"body": "no title"}, create)


def test_github_response_fixture_matches_schema():
    # The canned answers our HTTP tests serve must look like GitHub's, or those tests prove little.
    from .test_push_http import github_issue_response

    jsonschema.validate(github_issue_response(7), _github_ops()["issues/create"]["response_schema"])


def input_errors(value, input_type) -> list[str]:
    """Every problem graphql-core finds in `value` for `input_type` (plus a coercion check)."""
    errors: list[str] = []
    validate_input_value(value, input_type, lambda error, path: errors.append(f"{path}: {error}"))
    if not errors and coerce_input_value(value, input_type) is Undefined:
        errors.append("could not be coerced")
    return errors


@pytest.fixture(scope="module")
def linear_schema():
    return build_schema((SCHEMAS / "linear-issues.graphql").read_text(encoding="utf-8"))


def test_linear_mutations_and_variables_validate_against_schema(bundle, linear_schema, ready_backlog):
    assert validate(linear_schema, parse(CREATE)) == []
    assert validate(linear_schema, parse(UPDATE)) == []
    assert validate(linear_schema, parse(LABELS)) == [] and validate(linear_schema, parse(CREATE_LABEL)) == []
    target = LinearTarget(resolve_tracker("linear", ENV), None)
    create_input = linear_schema.get_type("IssueCreateInput")
    update_input = linear_schema.get_type("IssueUpdateInput")
    ids = {"backlogsmith": "lab-1"} | {f"need-{n}": f"lab-{n}" for n in ("a", "b")}
    for story in bundle.stories:
        for labels in (None, ids):
            assert input_errors(target.issue_input(story, bundle, create=True, label_ids=labels), create_input) == []
            assert input_errors(target.issue_input(story, bundle, create=False, label_ids=labels), update_input) == []
    query = target.labels_query(["backlogsmith", "need-x"])
    assert input_errors(query["variables"]["filter"], linear_schema.get_type("IssueLabelFilter")) == []
    # controls: the subset schema really rejects unknown fields, a missing teamId and wrong types
    assert input_errors({"title": "x", "teamId": "t", "storyPoints": 3}, create_input)
    assert input_errors({"title": "x"}, create_input)
    assert input_errors({"title": "x", "teamId": "t", "estimate": "three"}, create_input)


def test_azure_patch_uses_process_effort_field_and_acceptance_criteria(bundle):
    for process, field in [("agile", "StoryPoints"), ("scrum", "Effort"), ("cmmi", "Size")]:
        target = AzureTarget(resolve_tracker("azure", {**ENV, "AZURE_DEVOPS_PROCESS": process}), None)
        ops = target.story_patch(bundle.stories[0], bundle, "https://dev.azure.com/acme/_apis/wit/workItems/1",
                                 create=True)
        paths = {o["path"]: o["value"] for o in ops}
        assert f"/fields/Microsoft.VSTS.Scheduling.{field}" in paths
        assert paths["/fields/Microsoft.VSTS.Common.AcceptanceCriteria"].startswith("<ol><li>")
        assert all(o["op"] == "add" for o in ops)
        assert paths["/relations/-"]["rel"] == "System.LinkTypes.Hierarchy-Reverse"
    update = target.story_patch(bundle.stories[0], bundle, "u", create=False)
    assert not any(o["path"].startswith("/relations") for o in update)  # re-push never duplicates the parent link
