"""A need is named for what its items report, never two keywords joined by "and" that no item says together.
Real spaCy parser; texts are reviews in the shape of the comic-viewer inbox (one app's Google Play reviews)."""

from __future__ import annotations

from assistant.models import NeedCounts
from assistant.needs.failure_names import failure_name, joined_words, says_pair
from assistant.needs.store import _name

PROBLEM = NeedCounts(total=2, by_kind={"feedback": 2}, by_type={"bug": 2}, by_sentiment={"negative": 2})


def test_a_keyword_pair_the_items_never_say_becomes_the_failure_they_report() -> None:
    one = ["Idk. It worked fine on my Evo but on this phone... nope wont even open. Sad I really liked the app."]
    assert _name(["Evo", "phone"], [], PROBLEM, one) == "Does not open"
    sd = ["Doesn't work Could not find comics on Droid razr m sd card"]
    assert _name(["Sd card", "droid"], [], PROBLEM, sd) == "Cannot find comics"


def test_a_failure_names_the_need_only_when_most_items_state_it() -> None:
    zoom = ["Low res when try to zoom in", "Scaling is wack, how am I supposed to read with such limited zooming!",
            "I couldn't zoom in farther than the comics fit the screen", "Poor quality scaling, fuzzy when I zoom"]
    assert failure_name(zoom) == "Cannot zoom in"
    # "lock" here is a thing asked for ("a lock pin"), not an action that fails: one item's "doesn't lock" is not theirs
    lock = ["I suggest a lock pin or pattern at least.", "You need more lock security", "Doesn't actually lock anything.",
            "The locker is cool but you need a security option"]
    assert failure_name(lock) == ""
    # one stakeholder's "will not renew" is not what the need's items report
    assert failure_name(["Needs a battery percentage bar.", "They will not renew next quarter unless it stops."]) == ""
    assert failure_name(["It never crashes and doesn't crash.", "Doesn't crash at all, love it."]) == ""


def test_and_stays_only_where_the_items_say_it() -> None:
    assert says_pair("Card freeze and blocking", ["Please handle card freeze and blocking in the app"])
    assert not says_pair("Beer and budget", ["do i spend too much on beer", "am i over my chocolate budget"])
    points = ["how do i cash in my amex reward points", "my rewards points balance", "how many reward points"]
    assert joined_words("Points and rewards", points) == "Reward points"
    assert _name(["Points", "rewards"], [], PROBLEM, points) == "Reward points"
    # the part more items say ("beer"), then, as a bare noun, in the words the items use it in
    assert _name(["Beer", "budget"], [], PROBLEM, ["do i spend too much on beer", "my budget for beer"]) == \
        "Spend too much on beer"


def test_of_two_unsaid_keywords_the_name_keeps_the_one_more_items_say() -> None:
    sso = ["Our IT team requires single sign-on with Okta.", "Please support SAML SSO for Azure AD.",
           "We cannot deploy without SSO through Okta.", "Without SSO login IT will not approve the tool."]
    assert _name(["Okta", "SSO"], [], PROBLEM, sso) == "SSO"
    names = ["how do i change the name on my account", "change name on my bank account", "my account name is wrong"]
    assert _name(["Change name", "account"], [], PROBLEM, names) == "Change name"
