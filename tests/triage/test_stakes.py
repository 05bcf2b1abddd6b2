"""What a stakeholder ask states is at stake (deadline, a third party's move) and why it sits in its need: the
sentences a decision note carries, from the real spaCy parse (PO audits: the notes ignored renewal threats and
deadlines, and claimed '10 customer items raise the same problem' for a need that shares one word)."""

from __future__ import annotations

from assistant.needs.asks import focus_terms
from assistant.triage.stakes import ask_stakes, fit, stated


def test_deadlines_and_stakes_from_the_parse() -> None:
    assert ask_stakes("We need a dark mode for night reading before the tablet campaign in March.") == (
        "before the tablet campaign in March", "")
    assert ask_stakes("We must show a consent screen at first launch before the EU audit on 1 June.")[0] == (
        "before the EU audit on 1 June")
    assert ask_stakes("The regulator requires us to offer statements in large print by January.")[0] == "by January"
    assert ask_stakes("ACME Libraries will only renew if we build a CSV export of reading history.") == (
        "", "ACME Libraries will only renew")
    assert ask_stakes("Nordphone, who preload us on 40,000 handsets, say they will not renew next quarter unless "
                      "the app stops draining the battery.")[1] == "Nordphone say they will not renew next quarter"
    assert ask_stakes("A corporate client threatens to move its payroll if we cannot show when transfers arrive.")[1] == (
        "A corporate client threatens to move its payroll")
    # a means, a place, our own plan: no deadline, no stake
    for text in ("Please fix it by hand.", "Show the screen before the login page.",
                 "We will sign if you ship a dark theme.", "Add a PIN lock."):
        assert ask_stakes(text) == ("", ""), text
    assert stated("Add a PIN lock.") == ""
    assert "'before the tablet campaign in March'" in stated("We need a dark mode before the tablet campaign in March.")


def test_fit_says_what_is_true() -> None:
    ask = "Users keep writing that they cannot uninstall the app. Add an uninstall button."
    note = fit(ask, "Uninstall", ["Can't uninstall it", "Won't let me uninstall", "Battery drains fast"])
    assert note.startswith("In need 'Uninstall': 2 of its 3 customer items use the ask's words (uninstall)")
    assert "none of them uses the ask's words" in fit(ask, "Battery", ["Battery drains fast"])
    assert fit(ask, "Uninstall button", []).startswith("Opens its own need 'Uninstall button'")


def test_routing_words_are_what_the_ask_is_about() -> None:
    # who reports and the verb of the obligation are not the topic; a noun's detail is not either
    assert focus_terms("Many reviews say the app is confusing to use. Redesign the main screen.") == {"confusing"}
    gdpr = focus_terms("The app reads the text of every notification. Under GDPR we must show a privacy notice "
                       "saying so and let users turn off reading message text before the privacy audit on 1 September.")
    assert "notification" not in gdpr and "show" not in gdpr and {"privacy", "notice"} <= gdpr
    assert {"declined", "card"} <= focus_terms("Declined card payments abroad drive complaints. Send a push "
                                              "notification with the reason when a card is declined.")


def test_an_own_need_note_quotes_customers_elsewhere_asking_the_same(workspace) -> None:  # type: ignore[no-untyped-def]
    from assistant.repository import load_items
    from assistant.triage import triage_items
    from assistant.triage.stakes import elsewhere
    from tests.needs.corpus import add_items

    add_items(workspace, [
        ("Love this app, I only wish the interface was better. It would be perfect if it gave you the front covers "
         "of the comics in the library, like other readers do."),
        "Dark Good app",  # praise: asks for nothing, whatever its words
        "Crashes every time I open a big file.",
        "No longer supports in streaming videos Downloaded videos are still traceble",  # held-out DDG review
    ])
    triage_items(workspace)
    with workspace.transaction() as s:
        items = load_items(s, kind="feedback")
    vectors = workspace.index.get_vectors([it.id for it in items])
    ask = "Competitors show comic covers as thumbnails in the library. Build a cover-grid library view."
    note = elsewhere(ask, items, vectors, workspace.embedder.embed, {}, 0.4)
    assert note.startswith("1 customer item elsewhere uses its words") and "front covers" in note, note
    assert elsewhere("We need a dark mode for night reading.", items, vectors, workspace.embedder.embed, {}, 0.4) == ""
    # the parse names no wanted thing the customer's words share ("... clears their data"): two of the ask's own
    # rarer words and the routing's closeness still find the customer who reports it
    legal = ("Downloaded files and videos must not be traceable. Store downloads in the app's private storage and "
             "delete them when the user clears their data.")
    note = elsewhere(legal, items, vectors, workspace.embedder.embed, {}, 0.4)
    assert note.startswith("1 customer item elsewhere uses its words") and "traceble" in note, note
