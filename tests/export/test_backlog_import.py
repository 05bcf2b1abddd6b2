"""Backlog import with the real local embedder: existing stories flag the needs they already cover."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from assistant.backlog_import import covered_needs, import_backlog, read_backlog
from assistant.errors import IngestError
from assistant.tables import NeedRow

from .conftest import ITEMS


def write_jira_export(path):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Summary", "Issue key", "Issue id", "Issue Type", "Description"])
        w.writerow(["Remember the customer's payment card at checkout", "SHOP-12", "10012", "Story",
                    "Returning buyers should not type their card again"])
        w.writerow(["Monthly invoice export to CSV for the finance team", "SHOP-13", "10013", "Story", ""])
        w.writerow(["Upgrade the logging library to the latest version", "SHOP-14", "10014", "Task", ""])


def test_reads_jira_csv_and_text_lines(tmp_path):
    write_jira_export(tmp_path / "jira.csv")
    entries = read_backlog(tmp_path / "jira.csv")
    assert [e.key for e in entries] == ["SHOP-12", "SHOP-13", "SHOP-14"]
    assert entries[0].text.startswith("Remember the customer's payment card at checkout. Returning buyers")
    (tmp_path / "backlog.txt").write_text("SHOP-20: As a buyer I want my card saved\n\n- Improve onboarding emails\n#7 Dark mode\n",
                                          encoding="utf-8")
    lines = read_backlog(tmp_path / "backlog.txt")
    assert [(e.key, e.text) for e in lines] == [("SHOP-20", "As a buyer I want my card saved"),
                                                ("backlog:3", "Improve onboarding emails"), ("#7", "Dark mode")]
    (tmp_path / "bad.csv").write_text("Key,Whatever\n1,x\n", encoding="utf-8")
    with pytest.raises(IngestError, match="no Summary or Title column"):
        read_backlog(tmp_path / "bad.csv")


def test_import_flags_needs_already_in_backlog(backlog, tmp_path):
    write_jira_export(tmp_path / "jira.csv")
    report = import_backlog(backlog, tmp_path / "jira.csv")
    by_key = {m.key: m for m in report.matches}
    assert by_key["SHOP-12"].need_id == "n-checkout"
    assert by_key["SHOP-13"].need_id == "n-export"
    assert by_key["SHOP-14"].need_id is None  # unrelated work is not a match
    assert by_key["SHOP-14"].score < report.threshold <= min(by_key["SHOP-12"].score, by_key["SHOP-13"].score)
    assert covered_needs(backlog) == {"n-checkout": "SHOP-12", "n-export": "SHOP-13"}
    assert "Faster checkout (n-checkout): already in backlog: SHOP-12" in report.messages()
    again = import_backlog(backlog, tmp_path / "jira.csv")  # re-import upserts by key
    assert len(again.matches) == 3 and covered_needs(backlog) == {"n-checkout": "SHOP-12", "n-export": "SHOP-13"}


def test_import_uses_stored_centroids_from_member_feedback(backlog, tmp_path):
    # centroids as the needs step stores them: the mean of the members' vectors, normalised
    vecs = backlog.embedder.embed([ITEMS["fb-001"][0], ITEMS["fb-002"][0]])
    cent = vecs.mean(axis=0)
    with backlog.transaction() as s:
        row = s.get(NeedRow, "n-checkout")
        row.centroid = [float(x) for x in cent / np.linalg.norm(cent)]
        row.name, row.statement = "Need 1", "(unnamed)"  # the centroid alone must carry the match
    (tmp_path / "b.txt").write_text("SHOP-30: Let buyers save their card so checkout takes one step\n", encoding="utf-8")
    report = import_backlog(backlog, tmp_path / "b.txt")
    assert report.matches[0].need_id == "n-checkout", report.matches
