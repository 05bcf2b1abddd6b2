"""Need names a PO can read (issue 15, audit 9 line 5): a bare noun ("Page", "Menu") or one writer's words ("Absurd
angle", "Add ads") gives way to what the items state goes wrong, ask for, or say about the noun; a name most items
share stays. Real spaCy parser; texts are verbatim reviews from the comic-viewer and AcDisplay inboxes."""

from __future__ import annotations

from assistant.models import NeedCounts
from assistant.needs.evidence import statement
from assistant.needs.failure_names import distinct, in_context, problem_name, readable
from assistant.needs.store import _name

BUGS = NeedCounts(total=4, by_kind={"feedback": 4}, by_type={"bug": 4}, by_sentiment={"negative": 4})


def test_a_defect_most_items_state_names_the_need() -> None:
    files = ["Great Except constant file errors, others don't do this.",
             "Error codes Won't load pages of certain books. Asks me to unzip files that are not zipped.",
             "Sucks Way to many errors", "Could be worst It should be able 2 read every zip type file without having 2 unzip it."]
    assert problem_name(files) == ("File errors", 2)
    crash = ["Recent upgrade is causing the app to crash on iPad Needs fixed", "Keeps crashing on my iPad",
             "crashes on ipad after update", "Love it"]
    assert problem_name(crash)[0] == "Crashes on iPad"  # the writer's capitals kept
    one = ["Love the design I love the app. But ever since my phone updated to marshmallow it's stopped working."]
    assert problem_name(one)[0] == "Stops working"
    # asking for a fix is not the defect; a bare "problem" names nothing
    assert problem_name(["Please fix it", "Fix this problem now", "fix asap"]) == ("", 0)


def test_a_bare_noun_becomes_what_its_items_say_about_it() -> None:
    menu = ["No menu button Seems like a good app. I paid for the premium and I can't even bring up a menu.",
            "bad ui design ....", "No menu Will not open at all on Droid razor Max. There is not a menu to open.",
            "Imo I just don't like the user interface"]
    assert _name(["Menu"], [], BUGS, menu) == "No menu"
    ads = ["Paid users keep writing in that they still see ads after buying the premium version. Remove ads for every "
           "paid account today.", "Update add ads popup"]
    assert readable("Add ads", ads) == "See ads after buying premium version"
    assert in_context("Reader", ["Not good Switching to another reader."]) == "Switching to another reader"
    # CLINC150 banking messages: what is on the account, not the bank's act of putting it there
    hold = ["why did my bank place a hold on my bank account", "is there a reason you put a hold on my chase account",
            "what caused a hold on my us bank account", "check to see why us bank placed a hold on my account"]
    assert in_context("Account", hold) == "Hold on account"
    assert in_context("Account", hold[2:] + ["what could cause a hold on my savings account"]) == "Hold on account"


def test_a_name_most_items_share_stays_and_a_request_need_is_named_for_its_ask() -> None:
    memory = ["Out of memory error when opening large cbr files.", "Memory error on every big comic, please fix it.",
              "Keep getting a memory error on my s3", "Frequently crashes with an out of memory message."]
    assert readable("Memory error", memory) == "Memory error"
    wishes = ['Please add ""always on"" mode', "Always on mode Great app. Please add ALWAYS ON MODE",
              "To the developer Please make an always on display option!"]
    assert readable("Display", wishes, ("request", "add always on mode"), asking=True) == "Add always on mode"


def test_same_names_are_told_apart_only_by_words_their_items_say() -> None:
    a = ["Great app", "Love it", "Works great", "Perfect", "Best app ever", "Nice", "Super", "Good", "Cool", "Wow",
         "Amazing", "Brilliant"]
    b = ["Great reader", "love it", "awesome", "fun", "Perfect app", "Excellent", "Great", "Good app", "Nice", "ok"]
    a[0] += " phone pocket"
    a[1] += " phone pocket"  # two reviews in twelve say it: no qualifier
    names = distinct({"n1": "General praise", "n2": "General praise"}, {"n1": a, "n2": b})
    assert sorted(names.values()) == ["General praise", "General praise (2)"]


def test_a_problem_statement_says_when_most_reporters_are_happy() -> None:
    happy = NeedCounts(total=4, by_kind={"feedback": 4}, by_type={"feature_request": 2, "bug": 2},
                       by_sentiment={"positive": 4})
    said = statement(["screen"], happy, "I can't change the screen orientation when my device is rotated", 4)
    assert "(4 of 4 customer items report a problem or ask; 4 of 4 are positive in tone)" in said
    assert "positive in tone" not in statement(["screen"], BUGS, "It crashes", 4)
