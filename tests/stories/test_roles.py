"""The role of a customer story comes from what the cited items say of their writers, and the gate agrees with it:
the agent noun of the activity most of them describe ("reading cbr files" -> reader), only where English has a
common person noun for it; "user" where the metadata names the product; otherwise the gate's finding stays.
Real spaCy parse, real lemminflect, real local embedding model; reviews in the style of the PO-audit inboxes."""

from __future__ import annotations

from assistant.models import FeedbackItem, SourceRef
from assistant.stories.draft import analyse
from assistant.stories.roles import derive_role
from assistant.verify.agents import activities, agent_noun
from assistant.verify.role import role_reason


def _fb(iid: str, text: str, **meta: str) -> FeedbackItem:
    return FeedbackItem(id=iid, text=text, source=SourceRef(path="reviews.csv", row=1), metadata=meta)


def _role(items: list[FeedbackItem]) -> str:
    asks, _ = analyse(items)
    return derive_role(items, [a for a in asks.values() if a is not None])


def test_the_agent_noun_is_a_common_english_person_noun_never_a_thing() -> None:
    assert (agent_noun("read"), agent_noun("play"), agent_noun("buy")) == ("reader", "player", "buyer")
    # an opener, a freezer, a loader, a locker are things; "use" is framing (a "user" needs the product named)
    assert [agent_noun(v) for v in ("open", "freeze", "load", "lock", "use", "crash")] == [None] * 6
    assert agent_noun("lose") is None  # what happens to the writer: "I lost my card" makes no "loser"


def test_only_what_the_writer_does_is_their_activity() -> None:
    assert activities("It says I'm low on memory when reading cbr files") == {"read"}
    assert activities("Cant open CBR or CBZ files on my S4.") == {"open"}
    assert activities("Fix it. Add lock functionality") == set()  # orders to the vendor
    assert activities("The app keeps crashing") == set()  # what the product does
    assert activities("doesnt read from SD Card on my tablet") == set()  # the app does not read, not the writer


def test_readers_who_say_they_read_get_reader_and_the_gate_accepts_it() -> None:
    items = [_fb("r1", "I read comics every night and it crashes on big files"),
             _fb("r2", "It says I'm low on memory when reading cbr files"),
             _fb("r3", "I can't read my comics from the SD card anymore"),
             _fb("r4", "Crashes on my tablet")]
    assert _role(items) == "reader"
    assert role_reason("reader", items) is None
    assert role_reason("reader", items[3:]) is not None  # an item that reads nothing does not support it


def test_user_is_supported_only_where_the_metadata_names_the_product() -> None:
    plain = [_fb("p1", "Crashes on my tablet"), _fb("p2", "Crashes every time on my phone")]
    assert _role(plain) == "customer" and role_reason("customer", plain) is not None  # honest: nothing says who
    named = [_fb(i.id, i.text, app="A Comic Viewer") for i in plain]
    assert _role(named) == "user"
    assert role_reason("user", named) is None and role_reason("user", plain) is not None


def test_a_holder_needs_most_items_to_say_they_hold_it() -> None:
    items = [_fb("h1", "i need to freeze my account now"), _fb("h2", "please freeze my account, my card was stolen"),
             _fb("h3", "how do i freeze my account")]
    assert _role(items) == "account holder" and role_reason("account holder", items) is None


def _ask(iid: str, text: str) -> FeedbackItem:
    return FeedbackItem(id=iid, text=text, kind="stakeholder_ask", source=SourceRef(path="asks.csv", row=1))


def test_what_the_inbox_stakeholders_call_its_writers_supports_a_plain_role_both_ways() -> None:
    """bank audit: 'customer' on support messages was flagged although the bank's own asks speak of 'Customers who
    lose their card'; on app reviews whose asks speak only of 'users', 'customer' stays flagged and the drafter
    takes the inbox's word instead."""
    from assistant.stories.roles import inbox_people, inbox_word

    bank = inbox_people([_ask("a1", "Customers who lose their card must be able to block it in the app in one tap."),
                         _ask("a2", "Let customers raise their own credit limit in the app without calling us."),
                         _fb("f1", "Customers keep asking for it")])  # a customer's words are not the asks'
    assert bank == ["customer", "customer"] and inbox_word(bank) == "customer"
    chats = [_fb("c1", "what is my credit score", channel="support-chat"), _fb("c2", "tell me my credit score")]
    assert role_reason("customer", chats) is not None  # nothing in the messages says who writes them
    assert role_reason("customer", chats, bank) is None  # the bank's stakeholders do
    reviews = inbox_people([_ask("a3", "Paid users keep writing in that they still see ads after buying premium."),
                            _ask("a4", "Under the new privacy law we must let users delete their reading history.")])
    assert inbox_word(reviews) == "user"
    crashes = [_fb("p1", "Crashes on my tablet"), _fb("p2", "Crashes every time on my phone")]
    assert role_reason("customer", crashes, reviews) is not None  # honest: no one here calls them customers
    assert role_reason("paid user", crashes, reviews) is None
    assert role_reason("mobile app user", crashes, reviews) is not None  # 'mobile app' is said by no one
    asks, _ = analyse(crashes)
    assert derive_role(crashes, [a for a in asks.values() if a], people=reviews) == "user"


def test_drafting_takes_the_plain_role_from_the_inboxs_asks_even_in_another_need(workspace) -> None:
    """The inbox's asks sit in needs of their own; the dark-mode need's story still takes their word for the writers
    ("users"), and the gate accepts it, instead of an assumed 'customer' it would flag."""
    from assistant.repository import load_stories
    from assistant.stories import draft

    from story_fixtures import insert_fixture

    plain = {"nd_dark": ("dark mode", "Bright screens at night.", [
        ("please let me turn on dark mode", "feature", {}, "feedback"),
        ("I wish I could turn on dark mode so my eyes don't hurt at night", "feature", {}, "feedback"),
        ("let me turn on a dark mode, the white screen is painful", "complaint", {}, "feedback"),
        ("Can I turn on dark mode?", "feature", {}, "feedback")]),
        "nd_ads": ("ads", "Paid users still see ads.", [
            ("Support: paid users keep writing in that they still see ads after buying premium", "feature",
             {"stakeholder": "Support"}, "stakeholder_ask")])}
    insert_fixture(workspace, plain)
    draft(workspace)
    with workspace.transaction() as s:
        card = [st for st in load_stories(s, need_id="nd_dark") if st.kind == "story"]
    assert card and all(st.role == "user" for st in card), [st.text for st in card]
    assert not [f for st in card for f in st.quality if f.criterion == "role_unsupported"]
