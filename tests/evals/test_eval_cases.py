"""Case YAML files: the shipped ones validate; broken ones fail with a message naming the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import ConfigError
from evals.cases import SUITES, load_case_file, load_cases


def test_shipped_cases_validate_and_cover_every_suite():
    grouped = load_cases()
    assert set(grouped) == set(SUITES)
    assert len(grouped["triage"]) >= 25 and len(grouped["injection"]) >= 10
    corpus = grouped["needs"][0].inputs["items"]
    assert len(corpus) >= 20 and all(i["topic"] for i in corpus)
    for cases in grouped.values():
        for case in cases:
            assert case.graders, f"{case.source}:{case.name} has no grader"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_grader_names_and_args(tmp_path):
    path = _write(tmp_path, """
suite: triage
cases:
  - name: a
    inputs: {text: "crash"}
    expected: {type: bug}
    graders: [type_match, {name: label_match, args: {field: type}}]
""")
    case = load_case_file(path).cases[0]
    assert [g.name for g in case.graders] == ["type_match", "label_match"]
    assert case.graders[1].args == {"field": "type"} and case.suite == "triage" and case.source == "cases.yaml"


@pytest.mark.parametrize("body,message", [
    ("suite: nope\ncases: [{name: a, inputs: {}}]", "unknown suite"),
    ("suite: triage\ncases: [{name: a, inputs: {}, graders: [no_such_grader]}]", "unknown grader 'no_such_grader'"),
    ("suite: triage\ncases: [{inputs: {}}]", "cases.0.name"),
    ("suite: triage\ncases: [{name: a, inputs: {}, extra: 1}]", "cases.0.extra"),
    ("suite: triage\ncases: [{name: a, inputs: {}}, {name: a, inputs: {}}]", "used twice"),
    ("suite: triage\ncases: []", "cases"),
    ("suite: triage\ncases: [{name: a, inputs: {corpus: missing}}]", "cannot be read"),
    ("suite: [unclosed", "cannot read"),
])
def test_invalid_files_name_file_and_field(tmp_path, body, message):
    path = _write(tmp_path, body)
    with pytest.raises(ConfigError) as err:
        load_case_file(path)
    assert message in str(err.value) and "cases.yaml" in str(err.value)


def test_load_cases_filters_by_suite(tmp_path):
    (tmp_path / "a.yaml").write_text("suite: triage\ncases: [{name: a, inputs: {text: x}}]", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("suite: pii\ncases: [{name: b, inputs: {items: []}}]", encoding="utf-8")
    assert set(load_cases(tmp_path, ["pii"])) == {"pii"}
    with pytest.raises(ConfigError):
        load_cases(tmp_path / "missing")
