"""A loose need is two requests side by side and is cut in two; an ask is routed on what it is about, not on the
circumstances it mentions; a need only asks are in is named for what they ask for; names say the state a thing is
in; two needs are merged for a shared name only when they are about the same thing. Real embeddings, real parser."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.embeddings import LocalEmbedder
from assistant.models import FeedbackItem, SourceRef
from assistant.needs import core, naming
from assistant.needs.asks import ask_object, focus_terms
from assistant.needs.cluster import normalise, split_catch_alls
from tests.needs.corpus import THEMES

FRAUD = [
    "there is a charge on my card i did not make",
    "someone used my card without my permission",
    "i see a purchase on my statement that i never made",
    "my card was charged by a store i have never been to",
    "i need to report a transaction i did not authorise",
    "somebody made purchases with my card number",
    "there are two payments on my account that are not mine",
    "a stranger bought things online with my card",
]
NAME_CHANGE = [
    "i got married and need to change the name on my account",
    "how do i update my last name on my account",
    "please change the name on my account to my new name",
    "i want to put my new surname on my account",
    "my name changed, how do i update it on my profile",
    "can i change my name on my account after my divorce",
]


@pytest.fixture(scope="module")
def embedder() -> LocalEmbedder:
    return LocalEmbedder()


def test_a_loose_need_of_ordinary_size_is_cut_in_two_along_its_requests(embedder: LocalEmbedder) -> None:
    tight = [t for ts in THEMES.values() for t in ts]
    x = normalise(embedder.embed(tight + FRAUD + NAME_CHANGE))
    theme = np.repeat(np.arange(len(THEMES)), [len(ts) for ts in THEMES.values()])
    lumped = len(THEMES)  # fraud reports and name changes given as one need of 14, no bigger than the limit
    labels = np.concatenate([theme, np.full(len(FRAUD) + len(NAME_CHANGE), lumped)])
    after = split_catch_alls(x, labels)
    fraud, names = after[len(tight):len(tight) + len(FRAUD)], after[len(tight) + len(FRAUD):]
    assert len(set(fraud.tolist())) == 1 and len(set(names.tolist())) == 1 and fraud[0] != names[0]
    assert len(set(after[:len(tight)].tolist())) == len(THEMES)  # the tight needs stay as they are


def test_ask_object_is_what_the_ask_asks_for() -> None:
    assert ask_object("Our biggest reseller will churn unless we build a PDF export of invoices for their "
                      "accountants.") == "PDF export of invoices"
    assert ask_object("Customers forget passwords all the time. Add a forgot-password link.") == "Forgot-password link"
    wanted = ask_object("We need an offline mode for field work before the spring launch.")
    assert wanted == "Offline mode for field work"
    assert ask_object("Hide the banner for premium users today.") == "Banner for premium users"
    assert ask_object("Thanks!") == ""


def test_focus_terms_leave_out_the_circumstances_of_an_ask() -> None:
    later = focus_terms("We need an offline mode before the tablet rollout in May.")
    assert {"offline", "mode"} <= later and "tablet" not in later
    assert "delivery" in focus_terms("Thousands of chats ask for the delivery date.")  # what they ask for
    assert "sync" in focus_terms("Half the tickets are sync errors when uploading large photos.")
    assert "photo" not in focus_terms("Half the tickets are sync errors when uploading large photos.")
    assert "dark" in focus_terms("Contoso will sign if we ship a dark theme before their demo.")  # its condition


def test_names_say_the_state_a_thing_is_in() -> None:
    declined = ["why was my card declined at the store", "my card got declined again",
                "why is my card declined when i have money", "my card was declined online",
                "card declined at the gas station, why"]
    apr = ["what is the apr on my card", "tell me my card's apr", "what apr does my card have",
           "how high is the apr on my card", "what's the interest rate apr for my card"]
    got = naming.phrases({"declined": declined, "apr": apr})
    assert got["declined"][0] == "declined card"
    assert "apr" in got["apr"][0].lower()


def _item(i: int, text: str) -> FeedbackItem:
    return FeedbackItem(id=f"fb_{i}", text=text, source=SourceRef(path="t.csv", row=i + 1))


def test_same_name_merges_only_needs_about_the_same_thing(embedder: LocalEmbedder) -> None:
    texts = FRAUD[:4] + NAME_CHANGE[:4] + FRAUD[4:]
    items = [_item(i, t) for i, t in enumerate(texts)]
    vec = dict(zip([it.id for it in items], normalise(embedder.embed(texts))))
    by_id = {it.id: it for it in items}
    ids = [it.id for it in items]

    def run(members: dict[str, list[str]]) -> dict[str, list[str]]:
        assign = {i: n for n, ms in members.items() for i in ms}
        phrases = {n: ["Account"] for n in members}  # one generic name for all of them
        core.merge_same_names(members, phrases, by_id, assign, {}, None, vec)
        return members

    far = run({"a": ids[:4], "b": ids[4:8]})  # fraud vs name changes: same name, different things
    assert set(far) == {"a", "b"}
    near = run({"a": ids[:4], "c": ids[8:]})  # fraud reports in two needs: one need
    assert len(near) == 1 and sorted(next(iter(near.values()))) == sorted(ids[:4] + ids[8:])


def test_a_serious_report_no_need_took_joins_reports_like_it_or_shares_a_need_with_them(embedder: LocalEmbedder) -> None:
    """A loose fraud report joins the need of fraud reports; loose reports of an unusable app share one need (not a
    row each); a report of another kind far from that need is still a need; praise stays loose; ids are stable."""
    from assistant.needs import identity
    from assistant.needs.build import says_something
    from assistant.needs.serious import place_serious
    from assistant.triage.engine import triage_batch

    fraud = ["Someone used my card without my permission", "There are charges on my account I did not make",
             "I see a purchase on my card I never made, this is fraud", "My card was used for transactions I did not "
             "authorise"]
    loose = ["There is a charge on my statement I never made", "The app will not even open on my phone",
             "It freezes on every page, I cannot use it at all", "Nice colours, I like it.",
             "Your download page points to a fake site that installs malware."]
    texts = fraud + loose
    items = [_item(i, t) for i, t in enumerate(texts)]
    vecs = embedder.embed(texts)
    for it, tri in zip(items, triage_batch(texts, [None] * len(texts), vecs, embedder)):
        it.triage = tri
    vec = {it.id: v for it, v in zip(items, vecs)}
    assign: dict[str, str | None] = {it.id: ("fraud" if k < 4 else None) for k, it in enumerate(items)}
    taken = identity.Taken({"fraud"}, {it.id: identity.content_key(it.kind, it.text) for it in items})
    grouped = place_serious(items, vec, assign, taken, says_something)
    charge, wont_open, freezes, praise, fake_site = (assign[it.id] for it in items[4:])
    assert charge == "fraud"  # the same kind of serious, and close: the need about it
    assert wont_open == freezes and wont_open not in (None, "fraud")  # one need for both, not one each
    assert praise is None
    assert fake_site not in (None, "fraud", wont_open)  # fraud too, but far from card charges: a need of its own
    # the needs made of reports grouped by their reason say so (the store names them by it)
    assert grouped == {wont_open: items[5].triage.urgency.reason, fake_site: items[8].triage.urgency.reason}
    old = {n: {i for i, m in assign.items() if m == n} for n in {wont_open, fake_site}}
    again: dict[str, str | None] = {it.id: ("fraud" if k < 4 else None) for k, it in enumerate(items)}
    place_serious(items, vec, again, identity.Taken({"fraud", *old}), says_something, old)  # a recluster
    assert again == assign


def test_needs_of_reports_serious_for_one_reason_and_close_are_one_need(embedder: LocalEmbedder) -> None:
    """Two needs of fraud reports in different words are one need; a need of crash reports, serious for another
    reason, stays apart."""
    from assistant.needs.serious import join_serious
    from assistant.triage.engine import triage_batch

    groups = {"tx": ["I have a fraudulent transaction on my account", "there is a fraudulent charge on my card",
                     "i think a transaction on my account is fraud"],
              "act": ["who do i contact to report fraud on my card", "how do i report fraudulent activity",
                      "i need to report fraud on my account"],
              "crash": ["The app crashes every time I open it", "It will not even start, crashes on launch",
                        "Crashes on start, I cannot use it at all"]}
    texts = [t for ts in groups.values() for t in ts]
    items = [_item(i, t) for i, t in enumerate(texts)]
    vecs = embedder.embed(texts)
    for it, tri in zip(items, triage_batch(texts, [None] * len(texts), vecs, embedder)):
        it.triage = tri
    vec = {it.id: v for it, v in zip(items, vecs)}
    need_of = [n for n, ts in groups.items() for _ in ts]
    assign: dict[str, str | None] = {it.id: n for it, n in zip(items, need_of)}
    join_serious(items, vec, assign)
    assert {assign[it.id] for it in items[:6]} == {"act"}  # one fraud need (ties keep the first id by name)
    assert {assign[it.id] for it in items[6:]} == {"crash"}
    capped: dict[str, str | None] = {it.id: n for it, n in zip(items, need_of)}
    join_serious(items, vec, capped, similarity=0.0)  # however close, another reason is never joined
    assert {capped[it.id] for it in items[6:]} == {"crash"}


def test_a_need_of_serious_reports_grouped_by_reason_is_named_by_it(workspace) -> None:  # type: ignore[no-untyped-def]
    """Serious reports no need took, of different problems, share one need per reason: its name says that reason, not
    a keyword of one report ("Bloom county" named three unrelated churn threats)."""
    from assistant.needs import build_needs
    from assistant.triage import triage_items
    from tests.needs.corpus import add_items

    add_items(workspace, ["Love this app, great design", "Great app, I use it every day", "Wonderful app, thank you",
                          "Best app I have installed this year", "Really great app, love it", "Great work, lovely app"])
    add_items(workspace, ["The app will not even open on my phone since Tuesday",
                          "It freezes on every single page, I cannot use it at all"])
    triage_items(workspace)
    needs = build_needs(workspace)
    with workspace.transaction() as s:
        from assistant.repository import load_items

        by_text = {it.text: it for it in load_items(s)}
    wont_open = by_text["The app will not even open on my phone since Tuesday"]
    reason = wont_open.triage.urgency.reason  # type: ignore[union-attr]
    need = next(n for n in needs if wont_open.id in n.item_ids)
    assert by_text["It freezes on every single page, I cannot use it at all"].id in need.item_ids
    assert need.name == f"Urgent reports: {reason}", need.name
