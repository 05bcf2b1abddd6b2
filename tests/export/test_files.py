"""File exports on a real workspace: Gherkin parsed by the official parser, CSVs read back with csv."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import pytest
from gherkin.parser import Parser
from sqlalchemy import select

from assistant.errors import ExportError
from assistant.export import export_stories
from assistant.export.ado_csv import PROCESSES, chunks, groups
from assistant.export.bundle import Bundle, one_line
from assistant.export.csvfile import safe_cell
from assistant.export.gherkin import feature_text
from assistant.models import Criterion, FeedbackItem, Need, SourceRef
from assistant.repository import load_stories
from assistant.tables import ExportRecord

from .conftest import make_story


def parse_feature(path: Path) -> dict:
    return Parser().parse(path.read_text(encoding="utf-8"))


def test_refuses_not_ready_stories_unless_forced(backlog, tmp_path):
    with pytest.raises(ExportError) as err:
        export_stories(backlog, "json", tmp_path / "out.json")
    assert "S-notready" in str(err.value) and "--force" in str(err.value)
    assert "S-001" not in str(err.value)
    report = export_stories(backlog, "json", tmp_path / "out.json", force=True)
    assert "S-notready" in report.forced_not_ready
    assert set(report.story_ids) == {"S-001", "S-002", "S-hostile", "S-notready"}


def test_gherkin_files_parse_and_keep_every_criterion(ready_backlog, tmp_path):
    report = export_stories(ready_backlog, "gherkin", tmp_path / "features")
    files = sorted(Path(f) for f in report.files)
    assert len(files) == 3
    with ready_backlog.transaction() as s:
        stories = {st.id: st for st in load_stories(s, status="approved")}
    for path in files:
        doc = parse_feature(path)
        feature = doc["feature"]
        story = stories[path.stem]
        scenarios = [c["scenario"] for c in feature["children"]]
        assert len(scenarios) == len(story.acceptance_criteria)
        tags = {t["name"] for t in feature["tags"]}
        assert f"@story-{story.id}" in tags and f"@need-{story.need_id}" in tags
        assert all(" " not in t for t in tags)
        assert feature["name"] == one_line(story.text)
        for scenario in scenarios:
            assert [s["keyword"].strip() for s in scenario["steps"]] == ["Given", "When", "Then"]
        # evidence quotes are comments, never structure
        assert story.evidence  # every Ready story cites feedback, so every file must carry its quotes
        comments = " ".join(c["text"] for c in doc["comments"])
        assert all(f"evidence {e}" in comments for e in story.evidence), comments


def test_gherkin_neutralises_hostile_text(ready_backlog, tmp_path):
    export_stories(ready_backlog, "gherkin", tmp_path / "f")
    doc = parse_feature(tmp_path / "f" / "S-hostile.feature")
    feature = doc["feature"]
    assert len(feature["children"]) == 2  # 'Scenario:' inside text did not create a scenario
    first = feature["children"][0]["scenario"]
    assert [t["name"] for t in first["tags"]] == ["@evidence-fb-003"]
    given = first["steps"][0]["text"]
    assert given == "a user Scenario: injected # not comment"  # leading 'Given' dropped, '#' kept as text
    assert first["steps"][1]["text"] == "@tag | table |"
    assert first["steps"][2]["text"].startswith('"""')
    assert "Scenario: hacked" in " ".join(c["text"] for c in doc["comments"])  # the quote stayed in a comment


def _random_text(rng: random.Random) -> str:
    pieces = ["Scenario:", "Feature:", "#", "@", "|", '"""', "```", "\n", "\r\n", "\u2028", "Given", "Examples:",
              "Rule:", "Background:", "*", "  ", "\t", "<x>", "é", "Business Need:", "# language: fr\n"]
    return "".join(rng.choice(pieces) + rng.choice(["", "a", "word ", "x y"]) for _ in range(rng.randint(1, 12)))


def test_gherkin_parser_accepts_200_generated_hostile_features(tmp_path):
    rng = random.Random(7)
    needs = {"n1": Need(id="n1", name=_random_text(rng), statement=_random_text(rng))}
    parsed = 0
    for i in range(200):
        item = FeedbackItem(id=f"fb-{i}", text=_random_text(rng), source=SourceRef(path="a.csv", row=i + 1))
        crits = [Criterion(given=_random_text(rng), when=_random_text(rng), then=_random_text(rng), evidence=[item.id])
                 for _ in range(rng.randint(1, 4))]
        story = make_story(f"S {i} #{rng.randint(0, 9)}", "n1", goal="to " + _random_text(rng), evidence=[item.id],
                           criteria=crits)
        story = story.model_copy(update={"role": _random_text(rng), "benefit": _random_text(rng)})
        bundle = Bundle(stories=[story], needs=needs, items={item.id: item})
        doc = Parser().parse(feature_text(story, bundle))
        assert len(doc["feature"]["children"]) == len(crits)
        assert all(len(c["scenario"]["steps"]) == 3 for c in doc["feature"]["children"])
        parsed += 1
    assert parsed == 200


def test_jira_csv_columns_parents_first_and_injection_guard(ready_backlog, tmp_path):
    report = export_stories(ready_backlog, "jira-csv", tmp_path / "jira.csv")
    with open(report.files[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], rows[1:]
    for column in ("Summary", "Description", "Issue Type", "Priority", "Story Points", "Acceptance Criteria",
                   "Issue ID", "Parent"):
        assert column in header
    assert header.count("Labels") >= 3
    col = {name: header.index(name) for name in header}
    types = [r[col["Issue Type"]] for r in data]
    assert types == ["Epic", "Epic", "Story", "Story", "Story"]
    ids_seen: set[str] = set()
    for r in data:
        if r[col["Parent"]]:
            assert r[col["Parent"]] in ids_seen  # parents first
        ids_seen.add(r[col["Issue ID"]])
    hostile = next(r for r in data if "S-hostile" in r[col["Description"]])
    assert hostile[col["Summary"]].startswith("'=")  # CSV injection guard
    assert hostile[col["Priority"]] == "Highest"
    assert hostile[col["Acceptance Criteria"]].count("\n") == 1  # two criteria, one per line
    labels = [c for i, c in enumerate(hostile) if header[i] == "Labels" and c]
    assert all(" " not in label for label in labels) and "story-s-hostile" in labels
    export = next(r for r in data if "S-002" in r[col["Description"]])
    assert export[col["Story Points"]] == "5"
    assert "'=SUM" not in export[col["Description"]]  # guard only applies to a cell's first character


def test_safe_cell_guard():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2") == "'-2" and safe_cell("+x") == "'+x"
    assert safe_cell("plain") == "plain" and safe_cell(-3) == -3 and safe_cell(None) == ""


def test_ado_csv_hierarchy_html_and_effort_column(ready_backlog, tmp_path):
    report = export_stories(ready_backlog, "ado-csv", tmp_path / "ado.csv")
    with open(report.files[0], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["Work Item Type"] for r in rows] == ["Feature", "User Story", "User Story", "Feature", "User Story"]
    assert all(r["Title 2"] for r in rows if r["Work Item Type"] == "User Story")
    assert all(r["Title 1"] and not r["Title 2"] for r in rows if r["Work Item Type"] == "Feature")
    hostile = next(r for r in rows if "S-hostile" in r["Description"])
    assert "&lt;script&gt;" in hostile["Description"] and "<script>" not in hostile["Description"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in hostile["Acceptance Criteria"]
    assert hostile["Acceptance Criteria"].count("<li>") == 2
    assert hostile["Story Points"] == "3"
    assert hostile["Tags"].split("; ")[0] == "backlogsmith"
    scrum = export_stories(ready_backlog, "ado-csv", tmp_path / "scrum.csv", ado_process="scrum")
    header = next(csv.reader(open(scrum.files[0], encoding="utf-8-sig")))
    assert "Effort" in header and "Story Points" not in header


def test_ado_csv_splits_at_the_row_limit_keeping_children_with_parents():
    needs = {f"n{i}": Need(id=f"n{i}", name=f"need {i}", statement="s") for i in range(7)}
    stories = [make_story(f"S{i}", f"n{i % 7}", goal="to do thing", evidence=[]) for i in range(60)]
    stories.append(make_story("S-big", None, goal="to x", evidence=[]))
    bundle = Bundle(stories=stories, needs=needs)
    files = chunks(groups(bundle, PROCESSES["agile"]), limit=12)
    assert all(len(f) <= 12 for f in files)
    assert sum(1 for f in files for r in f if r[1] == "User Story") == 61
    for rows in files:
        for r in rows:
            if r[3]:  # a Title 2 child must have a parent row above it in the same file
                assert rows[0][1] == "Feature"
    big = chunks(groups(Bundle(stories=[make_story(f"B{i}", "n0", goal="to y", evidence=[]) for i in range(30)],
                               needs=needs), PROCESSES["agile"]), limit=10)
    assert len(big) == 4 and all(f[0][1] == "Feature" and len(f) <= 10 for f in big)


def test_json_and_markdown_documents(ready_backlog, tmp_path):
    jr = export_stories(ready_backlog, "json", tmp_path)
    data = json.loads(Path(jr.files[0]).read_text(encoding="utf-8"))
    assert data["schema"] == "backlogsmith.backlog/1"
    assert [s["id"] for s in data["stories"]] == ["S-001", "S-002", "S-hostile"]
    s1 = data["stories"][0]
    assert len(s1["acceptance_criteria"]) == 2 and s1["evidence_items"][0]["source"]["row"] == 1
    mr = export_stories(ready_backlog, "markdown", tmp_path / "review.md")
    text = Path(mr.files[0]).read_text(encoding="utf-8")
    assert text.startswith("# Backlog") and "## Faster checkout" in text
    assert "## Finance export \\| monthly" in text
    assert "**Given** a returning buyer with a saved card" in text
    assert "> I want to save my card so checkout is one step" in text
    assert "<script>" not in text and "\\<script\\>" in text
    assert "\nScenario: hacked" not in text  # hostile quote collapsed to one line
    assert "**Given** Given" not in text and "**Given** a user Scenario: injected" in text


def test_export_records_kept_and_status_stays_approved(ready_backlog, tmp_path):
    export_stories(ready_backlog, "gherkin", tmp_path / "g")
    export_stories(ready_backlog, "gherkin", tmp_path / "g")  # re-export updates, never duplicates
    with ready_backlog.transaction() as s:
        records = list(s.scalars(select(ExportRecord).where(ExportRecord.target == "file:gherkin")))
        assert len(records) == 3 and all(r.payload_hash for r in records)
        assert {st.status for st in load_stories(s) if st.id in {r.story_id for r in records}} == {"approved"}


def test_unknown_format_and_empty_selection(workspace, tmp_path):
    with pytest.raises(ExportError, match="Unknown export format"):
        export_stories(workspace, "xml", tmp_path)
    with pytest.raises(ExportError, match="No stories"):
        export_stories(workspace, "json", tmp_path)
