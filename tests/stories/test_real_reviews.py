"""Drafting on real reviews nobody here wrote (tests/data/reviews/README.md): the goal is a clean verb phrase the
items share, every criterion cites only items that hold its facts, benefits are stated reasons or a visible
placeholder, praise gets no story, and what cannot be written is handed over as a story to write."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from assistant.export.bundle import collect
from assistant.errors import ExportError, QualityError
from assistant.models import BENEFIT_TO_WRITE
from assistant.repository import load_items
from assistant.stories import approve_story, draft
from assistant.stories.criteria import Member, write_criteria
from assistant.stories.draft import analyse, story_id
from assistant.stories.goal import problem
from assistant.tables import FeedbackRow, NeedRow
from assistant.triage.service import triage_items
from assistant.verify import garbled_reason

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "reviews" / "comic_viewer_sample.csv"
_WORD = re.compile(r"[a-z]{3,}")
_FACT = re.compile(r"\d+(?:\.\d+)*|\b[A-Z][A-Za-z]*\d[\w.]*|\b[A-Z]{2,}\b|(?<=\")[a-z][^\"]+(?=\")")  # 3, S4, CBR, "oops"
# alternatives of one test: 'a Galaxy S3 or a Galaxy S4', '"out of memory" or "lack of memory"'
_EITHER = re.compile(r'(?:"[^"]+"|(?:an? )?[\w.-]+(?: [\w.-]+)?)(?: or (?:"[^"]+"|(?:an? )?[\w.-]+(?: [\w.-]+)?))+')
_ANY = re.compile(r"any of: (.+?)(?= and I | When |$)")
STOP = {"the", "and", "for", "with", "without", "from", "that", "this", "are", "can", "have", "not", "errors", "app",
        "they", "want", "why", "feedback", "states", "reason", "benefit", "write", "longer"}


@pytest.fixture(scope="module")
def drafted(tmp_path_factory):
    from assistant.settings import resolve_settings
    from assistant.workspace import Workspace

    ws = Workspace(resolve_settings(env={}, workspace=tmp_path_factory.mktemp("reviews") / "ws"))
    with open(SAMPLE, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with ws.transaction() as s:
        for need in dict.fromkeys(r["need"] for r in rows):
            s.add(NeedRow(id=f"nd_{need}", name=need, statement=f"Reviews about {need}.", quotes=[], counts={}))
        s.flush()
        for n, r in enumerate(rows, 1):
            s.add(FeedbackRow(id=f"fb_{r['id'][-12:]}", text=r["text"], text_hash=r["id"], source_path=SAMPLE.name,
                              source_row=n, source_id=r["id"], meta={"rating": r["rating"]}, need_id=f"nd_{r['need']}"))
    triage_items(ws)  # the real offline triage, so praise is recognised as a PO's tool would
    report = draft(ws)
    with ws.transaction() as s:
        items = {i.id: i for i in load_items(s, [f"fb_{r['id'][-12:]}" for r in rows])}
    yield ws, report, items
    ws.close()


def test_praise_gets_no_story(drafted) -> None:
    _, report, _ = drafted
    assert not [st for st in report.stories if st.need_id == "nd_praise"]
    assert "nd_praise" in report.no_ask


def test_goal_is_a_clean_verb_phrase_the_items_share(drafted) -> None:
    _, report, items = drafted
    written = [st for st in report.stories if st.kind == "story"]
    assert written, "at least one need states a shared, clean ask"
    for st in written:
        assert problem(st.goal) is None and garbled_reason(st.goal) is None, st.goal
        words = set(_WORD.findall(st.goal.lower())) - STOP
        holding = [i for i in st.evidence if words & set(_WORD.findall(items[i].text.lower()))]
        assert len(holding) >= 2, (st.goal, st.evidence)  # not one review's words


def _holds_its_facts(criteria, items) -> None:
    """Every cited item holds every fact of the criterion, or one of each list of alternatives ('S3 or S4'),
    and each alternative is held by some cited item."""
    for c in criteria:
        claim = f"{c.given} {c.then}"
        facts = set(_FACT.findall(claim))
        assert facts, c  # no criterion without a concrete fact
        # 'any of: a Galaxy S3, a device with 512 MB or 2 GB of RAM': each cited item holds one whole alternative
        listed = [[set(_FACT.findall(alt)) for alt in span.split(", ")] for span in _ANY.findall(claim)]
        rest = _ANY.sub("", claim)
        either = [set(_FACT.findall(span)) for span in _EITHER.findall(rest) if len(set(_FACT.findall(span))) > 1]
        alone = set(_FACT.findall(rest)) - set().union(*either)
        texts = [items[i].text.lower() for i in c.evidence]
        for text in texts:
            assert all(f.lower() in text for f in alone), (c, text)
            assert all(any(f.lower() in text for f in alts) for alts in either), (c, text)
            assert all(any(all(f.lower() in text for f in alt) for alt in alts) for alts in listed), (c, text)
        assert all(any(f.lower() in t for t in texts) for alts in either for f in alts), c
        assert all(any(all(f.lower() in t for f in alt) for t in texts) for alts in listed for alt in alts), c


def test_criteria_from_the_crash_reports_cite_only_items_that_hold_their_facts(drafted) -> None:
    _, _, items = drafted
    crashes = [i for i in items.values() if i.need_id == "nd_cbr"]
    asks, facts = analyse(crashes)
    members = [Member(i, asks[i.id], facts[i.id]) for i in crashes]
    criteria = [c for a in {a.key: a for a in asks.values() if a}.values() for c in write_criteria(a, members)]
    assert criteria, "the crash reports state devices, sizes, file types and error messages"
    _holds_its_facts(criteria, items)
    assert any("out of memory error" in c.then for c in criteria)  # a named error becomes its own criterion


def test_drafted_criteria_cite_only_items_that_hold_their_facts(drafted) -> None:
    _, report, items = drafted
    _holds_its_facts([c for st in report.stories for c in st.acceptance_criteria], items)


def test_benefit_is_a_stated_reason_or_a_visible_placeholder(drafted) -> None:
    _, report, items = drafted
    for st in report.stories:
        if st.kind == "to_write":
            continue
        if st.benefit.startswith(BENEFIT_TO_WRITE):
            assert not st.ready and any(f.criterion == "benefit_missing" for f in st.quality)
            continue
        words = set(_WORD.findall(st.benefit.lower())) - STOP
        cited = " ".join(items[i].text.lower() for i in st.evidence)
        assert words and all(w in cited for w in words), st.benefit  # the customers' words, not a stock phrase


def test_a_story_to_write_carries_the_brief_and_is_never_exported(drafted) -> None:
    ws, report, _ = drafted
    briefs = [st for st in report.stories if st.kind == "to_write"]
    # urgent reports the written story does not cite get their own brief (never buried); they must be urgent
    urgent = [st for st in briefs if st.id == story_id(st.need_id, "to_write:urgent")]
    with ws.transaction() as s:
        items = {i.id: i for i in load_items(s, [e for st in urgent for e in st.evidence])}
    assert all(items[e].triage.urgency.label == "high" for st in urgent for e in st.evidence)
    to_write = [st for st in briefs if st not in urgent]
    # bare complaints state no goal to write from; a need whose items share no phrasing is left to the PO too
    assert "nd_memory" in [st.need_id for st in to_write] and "nd_praise" not in [st.need_id for st in to_write]
    for st in to_write:
        assert not st.goal and not st.ready and st.brief and st.brief.quotes and st.brief.counts["items"] >= 1
        assert st.text.startswith("Story to write:")
    with pytest.raises(QualityError, match="story to write"):  # no goal yet: nothing to approve
        approve_story(ws, to_write[0].id, actor="po")
    with pytest.raises(ExportError, match="story to write"):
        collect(ws, status="draft", force=True, story_ids=[to_write[0].id])
