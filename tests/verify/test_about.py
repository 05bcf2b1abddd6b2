"""A story-level citation is a claim that the item asks for the story's goal: the gate checks it on every story
(offline and LLM drafts strip, PO edits flag), with the real spaCy parse, the real local embedder and a real
SQLite workspace.

The bank messages are verbatim CLINC150 banking intents (the bank audit inbox); the others were written here.
"""

from __future__ import annotations

import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import Criterion, FeedbackItem, SourceRef, Story
from assistant.readiness import evaluate_ready
from assistant.stories import draft, edit_story
from assistant.stories.consensus import choose, cites
from assistant.stories.draft import _clean, analyse
from assistant.stories.goal import goal_for
from assistant.verify import CachedEmbed, citation_support, verify_story
from assistant.verify.about import off_goal
from tests.stories.story_fixtures import insert_fixture

LOST = ["how do i report a lost card", "i need to report a lost card", "report my lost card please",
        "i lost my card, how do i report it"]
DAMAGED = "i would like to report a damaged card that was burnt"
GLUE = ("i would like to report my card damaged since i accidentally spilled gorilla glue all over it and the numbers "
        "are now obscured")
FREEZE = ["can you freeze my bank account", "i want to freeze my bank account", "would you freeze my bank account",
          "i need my bank account frozen"]
FROZEN = ["do you know why my bank account is frozen", "how did my bank account get frozen",
          "check with my bank to see why my account is frozen"]
DECLINED = "i don't want to freeze my bank account, just tell me the balance"
CAN_T = "i can't freeze my bank account in the app"


@pytest.fixture(scope="module")
def embed() -> CachedEmbed:
    return CachedEmbed(LocalEmbedder())


def items(texts: list[str], prefix: str) -> dict[str, FeedbackItem]:
    return {f"{prefix}{n}": FeedbackItem(id=f"{prefix}{n}", text=t, source=SourceRef(path="t.csv", row=n + 1))
            for n, t in enumerate(texts)}


def story(goal: str, evidence: list[str], criteria: list[Criterion]) -> Story:
    return Story(id="st_x", role="account holder", goal=goal, benefit="my money is safe while I look for my card",
                 acceptance_criteria=criteria, evidence=evidence, points=2, priority="P1")


def test_lost_card_messages_do_not_support_reporting_a_damaged_card(embed) -> None:
    lost = items(LOST, "lost")
    crit = [Criterion(given="my card is damaged", when="I report it", then="a replacement card is ordered",
                      evidence=[i]) for i in list(lost)[:2]]
    st = story("to report a damaged card", list(lost), crit)
    # words and meaning alone accept them: the old check, and why the object must be read
    assert all(citation_support("report a damaged card", it, embed=embed).supported for it in lost.values())
    drafted = verify_story(st, lost, embed=embed, mode="draft")
    assert not drafted.grounded and all(not s.about for s in drafted.goal_supports)
    blocking = [f for f in drafted.blocking if f.criterion == "unsupported_evidence"]
    assert blocking and "None of the 4 item(s) the story cites asks for 'report a damaged card'" in blocking[0].message
    assert "another thing or action" in blocking[0].message
    done = st.model_copy(update={"quality": drafted.findings})
    ready, why = evaluate_ready(done)
    assert not ready and any(w.startswith("verified: unsupported_evidence: None of the 4") for w in why), why
    # the lost-card messages do support reporting a lost card; a card reported damaged does not
    glued = items([*LOST, GLUE], "g")
    assert off_goal("to report a lost card", list(glued), glued) == ["g4"]


def test_a_frozen_account_complaint_or_a_refusal_does_not_ask_to_freeze_it(embed) -> None:
    msgs = items([*FREEZE, *FROZEN, DECLINED, CAN_T], "fr")
    ids = list(msgs)
    crit = [Criterion(given="my bank account is open", when="I ask to freeze my bank account",
                      then="my bank account is frozen", evidence=ids[:2]),
            Criterion(given="I cannot freeze my bank account in the app", when="I try to freeze my bank account",
                      then="my bank account is frozen", evidence=[ids[-1]])]
    st = story("to freeze my bank account", ids, crit)
    drafted = verify_story(st, msgs, embed=embed, mode="draft")
    off = {i for w, i in drafted.dropped_citations if w == "story"}
    assert off == set(ids[4:8]), [msgs[i].text for i in off]  # the three "why is it frozen" and the refusal
    assert drafted.story.evidence == [*ids[:4], ids[-1]] and drafted.grounded  # "can't freeze" is a complaint: kept
    note = next(f for f in drafted.findings if f.message.startswith("Removed 4 story citation"))
    assert note.severity == "info" and "'freeze my bank account'" in note.message
    edited = verify_story(st, msgs, embed=embed, mode="review")  # a PO edit: nothing removed, a warning
    assert edited.story.evidence == ids
    assert any(f.severity == "warning" and f.message.startswith("4 cited item(s) do not ask for")
               for f in edited.findings)


def test_a_denied_condition_supports_no_criterion(embed) -> None:
    comics = items(["Very useful I don't have iOS 7 so I don't really have any compatibility issues",
                    "Compatibility issues on iOS 7: the app closes when I open a comic",
                    "The app closes when I open a comic, please fix the compatibility issues"], "ios")
    on_ios = {"given": "I am on iOS 7", "when": "I open a comic", "then": "the app does not close"}
    st = Story(id="st_i", role="comic reader", goal="to open a comic without the app closing",
               benefit="I can read my comics", evidence=list(comics), acceptance_criteria=[
                   Criterion(**on_ios, evidence=["ios0"]), Criterion(**on_ios, evidence=["ios1"])])
    assert set(citation_support("Given I am on iOS 7", comics["ios0"], embed=embed).missing) >= {"ios", "7"}
    out = verify_story(st, comics, embed=embed, mode="draft")
    assert out.dropped_criteria == [1] and [c.evidence for c in out.story.acceptance_criteria] == [["ios1"]]
    assert any(f.message.startswith("Criterion 1") and "removed" in f.message for f in out.findings), out.findings


def test_the_gate_keeps_every_citation_the_offline_drafting_chose(embed) -> None:
    cards = items([DAMAGED, *LOST], "c")
    asks, _ = analyse(list(cards.values()))
    best, _ = choose([a for a in asks.values() if a], list(cards.values()), asks, embed, _clean, list(cards.values()))
    assert best is not None
    cited = [i for i, it in cards.items() if cites(best.object_words, best.ask.verb, it, asks[i], best.head,
                                                   best.ask.kind)]
    assert len(cited) >= 3 and "c0" not in cited
    goal = goal_for(best.ask)
    assert off_goal(goal, cited, cards, asks) == [] and off_goal(goal, ["c0"], cards, asks) == ["c0"]


def test_a_po_edit_to_another_goal_keeps_the_citations_and_says_why_it_is_not_ready(workspace) -> None:
    insert_fixture(workspace)
    st = next(s for s in draft(workspace, need_ids=["nd_card"]).stories if s.kind == "story")
    assert "card" in st.goal
    edited = edit_story(workspace, st.id, {"goal": "connect my bank account"}, actor="po",
                        expected_version=st.version)
    assert edited.evidence == st.evidence and not edited.ready
    found = [f for f in edited.quality if f.criterion == "unsupported_evidence" and f.severity == "warning"]
    assert any("asks for 'connect my bank account'" in f.message for f in found), edited.quality


def test_an_item_asking_for_the_thing_in_its_own_words_backs_a_goal_acting_on_it() -> None:
    """"Please add ... wallpaper support" asks for the thing "set a wallpaper" acts on; wanting another action on
    the account ("open a new one", "add money to it") does not ask to freeze it."""
    walls = items(["I would love to be able to set a wallpaper of my own",
                   "please add custom lock screen wallpaper support so the lock screen looks different",
                   "I'd love to see a feature for a different wallpaper than the home screen one",
                   "The wallpaper is ugly"], "w")
    assert off_goal("to set a wallpaper", list(walls), walls) == ["w3"]  # a complaint asks for nothing
    accounts = items([*FREEZE, "i need to open a new bank account", "how do i add money to my bank account"], "a")
    assert off_goal("to freeze my bank account", list(accounts), accounts) == ["a4", "a5"]


def test_the_action_with_no_object_of_its_own_acts_on_the_product() -> None:
    """"Can't uninstall", "Doesn't let me uninstall" are about uninstalling the app the inbox is about (acdisplay: the
    gate turned them away from "uninstall the app" and they were listed as urgent reports the story does not cover);
    uninstalling something else is not."""
    reports = items(["Can't uninstall.", "Lame! Doesn't let me uninstall", "Useless and can't uninstall why can't I "
                     "Uninstall it", "I cannot uninstall the widget"], "u")
    assert off_goal("to uninstall the app", list(reports), reports, common=frozenset({"app"})) == ["u3"]
    assert off_goal("to uninstall the app", list(reports), reports) == list(reports)  # 'app' is no inbox word here
