"""Benefits read from the grammar of what the evidence states (issue 14 audits: bank, maalej, comic-viewer,
acdisplay), on verbatim items of those inboxes, with the real spaCy parse and the gate's generic_benefit check."""

from __future__ import annotations

import pytest

from assistant.models import Story
from assistant.stories.reasons import stated_reason
from assistant.verify.generic import benefit_reason
from assistant.verify.terms import terms

STATED = [
    # maalej stakeholder ask: a purpose clause with any subject keeps its subject
    ("Many reviews say the app is confusing to use. Redesign the main screen so people find things.",
     "redesign the main screen", "people find things"),
    # maalej stakeholder ask: the gain the ask is the condition of
    ("A retail chain with 2,000 devices will buy the business plan if we add single sign-on with Azure AD.",
     "use single sign-on", "a retail chain with 2,000 devices will buy the business plan"),
    # a step the writer wants to do without (Maalej reviews, triage/maalej_2016_app_reviews.csv)
    ("Wish I could view the clubs and look at their performance without starting a round", "view the clubs",
     "I do not have to start a round"),
    ("I still would like to be able to go directly from the library list to the current place in any given book "
     "without having to pass by the TOC page", "go to the current place in a book", "I do not have to pass by the TOC page"),
    ("Would be nice if you could skip to the oldest newest Pics without scrolling thru each one", "skip to the oldest Pics",
     "I do not have to scroll thru each one"),
    # a stakeholder's gain without the 'only' that made it a threat (comic-viewer ask)
    ("ACME Libraries will only renew if we build a CSV export of reading history for their patrons.",
     "export my reading history to CSV", "ACME Libraries will renew"),
    # acdisplay review: the cost the writer suffers, turned into what they gain
    ("Cannot remove Cannot remove this app from my Galaxy S7. Keeps crashing when I try to remove from device "
     "administrator. Since I cannot remove the app as an administrator I cannot uninstall without a device reset.",
     "uninstall the app without errors", "I can uninstall without a device reset"),
    # comic-viewer review: a workaround the writer had to take
    ("Can't open some comics. So I had to change to another app in order for me to read a comic.",
     "open some comics without errors", "I no longer have to change to another app"),
    # comic-viewer review: a workaround the writer is stuck with now ("I'm having to")
    ("I've downgraded my review from 5 to 2 stars because I'm having to use another app for cbr files.",
     "open my cbr files without errors", "I no longer have to use another app for cbr files"),
    # acdisplay reviews: a step the product costs them now, what it makes them do
    ("On my Samsung Galaxy S6, I have to swipe and then unlock with fingerprints", "unlock with my fingerprint",
     "I no longer have to swipe"),
    ("It freezes at times after unlocking, makes me do a hard reset.", "unlock without freezing",
     "I no longer have to do a hard reset"),
    # what the product's failure takes from the writer (not their own mishap: see test_no_reason_is_made_up)
    ("It crashed and I lost all my notes", "open the editor without crashes", "I do not lose my notes"),
    ("zzzz keeps closing/crashing losing all my work zzzz FIX IT!", "open zzzz without crashes",
     "I do not lose my work"),  # Maalej: the parse takes the app's name for the head of "my work zzzz"
    ("hanging the phone it is hanging the phone so that I must 2 restart>", "use the app without hanging",
     "I no longer have to restart"),  # Maalej: "so that" with a result the writer suffers
    # an authority the ask answers to (comic-viewer and bank stakeholder asks)
    ("Under the new privacy law we must let users delete their reading history and account data within 30 days of "
     "a request. Add a delete-my-data button.", "delete my reading history", "we comply with the new privacy law"),
    ("The regulator requires us to offer statements in large print and audio for visually impaired customers by "
     "January.", "get statements in large print", "we meet what the regulator requires"),
]


@pytest.mark.parametrize(("text", "goal", "benefit"), STATED)
def test_a_reason_the_item_states_is_the_benefit_and_the_gate_accepts_it(text: str, goal: str, benefit: str) -> None:
    assert stated_reason(text) == benefit
    story = Story(id="st_b", need_id="n", role="user", goal=goal, benefit=benefit, evidence=["fb_1"])
    assert benefit_reason(story, evidence=terms(text)) is None  # not restated, not stock: it comes from the item


@pytest.mark.parametrize("text", [
    "So I'm sad about this as I used to like this app a lot.",  # a discourse 'so' opening the sentence
    "The app is so slow that it is useless",  # 'so' of degree, a verdict
    "Users keep saying the app crashes after the latest update. Roll back the update or hotfix the crash.",
    "A corporate client threatens to move its payroll if we cannot show when direct transfers arrive.",
    "I want to see a notification without errors",  # 'without' a noun: no step to skip
    # 'call' is a stop word: "I do not have to call" names nothing the gate finds in the item (bank ask SA-06)
    "I never book a room without checking the reviews on this site first!",  # the step is wanted
    "I can't leave home without it",  # praise
    "I have recommended to friends I can't live without my Evernote",  # Maalej reviews: praise, not a cost
    ("I downloaded the city app while I was travelling and was very happy to find that the maps worked even without "
     "using data"),
    "This update would be a step up if you could actually see PDF's with it",
    "It should be able 2 read every zip type file without having 2 unzip it.",  # the app acts, not the writer
    "It is a shame that it can rarely get through a whole comic without crashing.",
    "if i'm in portland can i still use my card without getting charged extra",
    "Let customers raise their own credit limit in the app without calling us.",
    "Customers who lose their card must be able to block it in the app in one tap, any time.",
    "i lost my card and need to report it",  # the writer's mishap, not what the product cost them
    "i have to pay my water bill but need help doing it",  # opens with the ask itself
    "what do i have to do to use my credit points acquired through purchases",  # a question without its '?'
    "I have to say this is the best reader",  # saying is no step it costs
    "It makes me want to throw my phone",  # a feeling, not a step
    "In order to use this software, you will have to look in the custom controls",  # an instruction's condition
])
def test_no_reason_is_made_up(text: str) -> None:
    assert stated_reason(text) == ""


def test_a_folded_duplicate_brings_its_stated_reason_to_the_story_it_joins() -> None:
    from assistant.models import Provenance
    from assistant.stories.reasons import adopt_benefit, placeholder

    keep = Story(id="st_k", role="user", goal="uninstall the app without errors",
                 benefit=placeholder("uninstall the app without errors"), evidence=["fb_1"],
                 provenance=Provenance(engine="offline", prompt="benefit:none"))
    other = Story(id="st_o", role="user", goal="remove this app", benefit="I can uninstall without a device reset",
                  evidence=["fb_2"], provenance=Provenance(engine="offline", prompt="benefit:customer"))
    update = adopt_benefit(keep, other)
    assert update["benefit"] == "I can uninstall without a device reset"
    assert update["provenance"].prompt == "benefit:customer"
    assert adopt_benefit(other, keep) == {}  # a story with its own reason keeps it
    restating = other.model_copy(update={"benefit": "I can uninstall the app"})
    assert adopt_benefit(keep, restating) == {}  # a reason that restates the kept goal is no reason


def test_a_reason_goes_only_to_a_story_whose_goal_its_sentence_speaks_of() -> None:
    """acdisplay: a GDPR ask cited by a 'see a notification' story gave it 'we comply with GDPR'; the reason's own
    sentence is about a privacy notice, so only a privacy-notice story takes it."""
    from assistant.stories.reasons import benefit_for, is_placeholder

    gdpr = stated_reason("The app reads the text of every notification. Under GDPR we must show a privacy notice "
                         "saying so and let users turn off reading message text.")
    assert gdpr == "we comply with GDPR"
    assert is_placeholder(benefit_for([gdpr], "see a notification without errors")[0])
    assert benefit_for([gdpr], "see a privacy notice")[0] == "we comply with GDPR"
