"""PII redaction: each kind is replaced by its typed placeholder; look-alikes (dates, versions, ids) are left alone."""

from __future__ import annotations

import pytest

from ingest.redact import redact_text, redact_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Email me at jane.doe+test@acme-corp.co.uk please", "Email me at [EMAIL] please"),
        ("Call me on +1 (415) 555-2671 or 020 7946 0958", "Call me on [PHONE] or [PHONE]"),
        ("my phone is 4155552671", "my phone is [PHONE]"),
        ("Call +49 30 1234567 tomorrow", "Call [PHONE] tomorrow"),
        ("Card 4111 1111 1111 1111 was charged twice", "Card [CARD] was charged twice"),
        ("card 4111111111111111", "card [CARD]"),
        ("amex 3782 822463 10005", "amex [CARD]"),
        ("IBAN DE89 3704 0044 0532 0130 00 THANKS", "IBAN [IBAN] THANKS"),
        ("pay to GB82WEST12345698765432.", "pay to [IBAN]."),
        ("login from 203.0.113.45 today", "login from [IP] today"),
        ("ipv6 2001:db8::8a2e:370:7334 seen", "ipv6 [IP] seen"),
        ("https://x.example/reset?token=abc123XYZ&user=5", "https://x.example/reset?token=[SECRET]&user=5"),
        ("key sk-proj-abcdefghijklmnop1234 here", "key [SECRET] here"),
        ("ghp_abcdefghijklmnopqrstuvwxyz0123 leaked", "[SECRET] leaked"),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws [SECRET]"),
        ("Authorization: Bearer abcdefghijklmnop.qrstuv", "Authorization: Bearer [SECRET]"),
        ("password: hunter22 and api_key=ZXhhbXBsZWtleQ", "password: [SECRET] and api_key=[SECRET]"),
        ("session 5f4dcc3b5aa765d61d8327deb882cf99 stuck", "session [SECRET] stuck"),
    ],
)
def test_each_kind_of_pii_gets_its_placeholder(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Updated to version 2.3.1 yesterday and build 10.4.2.1 today",
        "Since 2024-03-15 (15/03/2024, 03/15/2024) it is slow",
        "Order #1234567890 failed and invoice 4155552671 is wrong",
        "Ticket 100234 reopened, case no. 7781234",
        "Card 4111 1111 1111 1112 fails the Luhn check so it is not a card",
        "Ref 2024-03-15-000123 in the export",
        "We have 12000 invoices, 3.5 seconds, 1,299.00 EUR, 2023 Q4, 9 out of 10",
        "Meeting at 10:30:15, price 29 to 49 per month, 555 users",
        "GB00 NOTA REAL IBAN 1234",
        "The token expired and the password reset page is blank",
        "Error message says token: expired, password: required",
    ],
)
def test_look_alikes_are_not_redacted(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi Maria, the export fails.", "Hi [NAME], the export fails."),
        ("Export is broken.\nRegards,\nTom Baker", "Export is broken.\nRegards,\n[NAME]"),
        ("Best regards,\nLena Fischer\nHead of Finance", "Best regards,\n[NAME]\nHead of Finance"),
        ("Thanks, Hannah", "Thanks, [NAME]"),
        ("Best,\nA. Dalton", "Best,\n[NAME]"),
        ("My name is Jane Doe and I run a bakery.", "My name is [NAME] and I run a bakery."),
        ("I'm Sarah from Acme, we need SSO.", "I'm [NAME] from Acme, we need SSO."),
        ("My accountant Maria asked for a CSV.", "My accountant [NAME] asked for a CSV."),
        ("the agent Smith was rude", "the agent [NAME] was rude"),
        ("I spoke to Tom yesterday", "I spoke to [NAME] yesterday"),
        ("Mike from support said it is fixed.", "[NAME] from support said it is fixed."),
        ("Dr. Jones recommended it", "Dr. [NAME] recommended it"),
        ("cc: Priya Patel", "cc: [NAME]"),
        ("Dear Jean-Luc O'Neil, thanks", "Dear [NAME], thanks"),
        ("I spoke to Tom's manager", "I spoke to [NAME]'s manager"),
    ],
)
def test_person_names_are_redacted_where_the_words_around_say_a_person(text: str, expected: str) -> None:
    assert redact_text(text) == expected


# Seen in real app reviews: products, titles and capitalised words after the same cue words are nobody's name.
@pytest.mark.parametrize(
    "text",
    [
        "Thanks Dropbox!", "Thank you Evernote!  I'm now regaining some time", "Thanks Evernote team!",
        "this is Awesome!", "Trip advisor. Really swell", "Best Printing App Ever!", "Office manager. Really like this",
        "brought to a halt my MS Office especially outlook", "Someone from support said no", "Hi team, great app",
        "Hi there!", "Great app. Thanks!", "Like a boss. At first I didn't", "hit share to find yours.  Uninstalled.",
        "visit my mom She has a whole dinner planned", "Thanks!  Handy, peace of mind.",
    ],
)
def test_name_look_alikes_are_not_redacted(text: str) -> None:
    assert redact_text(text) == text


def test_redaction_is_idempotent() -> None:
    text = (
        "Hi Jane,\n<jane@x.io>, +44 20 7946 0958, 4111 1111 1111 1111, DE89 3704 0044 0532 0130 00, 10.0.0.1, "
        "https://a.example/?api_key=s3cr3tValue&x=1, ghp_abcdefghijklmnopqrstuvwxyz0123"
    )
    once = redact_text(text)
    assert redact_text(once) == once
    for placeholder in ("[EMAIL]", "[PHONE]", "[CARD]", "[IBAN]", "[IP]", "[SECRET]", "[NAME]"):
        assert placeholder in once
    assert not any(ch.isdigit() for ch in once.replace("&x=1", ""))


def test_redact_value_walks_metadata_and_leaves_numbers() -> None:
    meta = {"author": "Ann <ann@x.com>", "rating": 4, "tags": ["call 020 7946 0958", None], "nested": {"ip": "10.1.2.3"}}
    assert redact_value(meta) == {"author": "Ann <[EMAIL]>", "rating": 4, "tags": ["call [PHONE]", None], "nested": {"ip": "[IP]"}}
    assert redact_value(("a@b.co",)) == ("[EMAIL]",)
