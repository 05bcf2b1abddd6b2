"""PO-audit inboxes built from public data nobody on this project wrote (see ../shared/PO_AUDIT.md).

`python -m evals.public.inboxes OUT` writes one folder per inbox, each in the shape a PO gets it — one product or
one service at a time — plus the stakeholder asks we wrote for it (solutions, not needs, like real stakeholders):

- `comic-viewer/`: the Google Play reviews of one app ("A Comic Viewer", URR golden set), rating, no date.
- `acdisplay/`: the Google Play reviews of a second URR app ("AcDisplay", a lock-screen notification app: 204
  reviews, mostly asks for a PIN/pattern lock, an uninstall that fails, and always-on display), same shape.
- `maalej/`: 400 app-store reviews (Maalej et al.), title + text + rating, one row per distinct text.
- `bank/`: the banking + credit-card intents of CLINC150 (900 customer messages) as a bank's support inbox.
- held out (`HELD_OUT`, written only when named): `duckduckgo/` (178 reviews of a private search app and browser)
  and `batterybot/` (169 reviews of a battery indicator), both mostly praise with a few real problems buried in it.

Each folder holds the feedback file and `stakeholder_asks.csv`. `ASKS_TRUTH` says, for every ask, which gold
label (URR topic / Maalej label / CLINC intent) the need serving it should be made of, or None when the ask serves
no existing need ("opens its own need"), so routing can be measured. Nothing here ships with the product.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from pathlib import Path
from typing import Any

from evals.public import DATASETS

BANKING_INTENTS = (
    "transfer", "transactions", "balance", "freeze_account", "pay_bill", "bill_balance", "bill_due",
    "interest_rate", "routing", "min_payment", "order_checks", "pin_change", "report_fraud", "account_blocked",
    "spending_history",
)
CREDIT_CARD_INTENTS = (
    "credit_score", "report_lost_card", "credit_limit", "rewards_balance", "new_card", "application_status",
    "card_declined", "international_fees", "apr", "redeem_rewards", "credit_limit_change", "damaged_card",
    "replacement_card_duration", "improve_credit_score", "expiration_date",
)
BANK_INTENTS = BANKING_INTENTS + CREDIT_CARD_INTENTS

# (requested_by, role, channel, ask text, gold label of the need it serves or None for "opens its own need")
ASKS: dict[str, list[tuple[str, str, str, str, str | None]]] = {
    "comic-viewer": [
        ("Dana Reyes", "Head of Sales", "sales call",
         "ACME Libraries will only renew if we build a CSV export of reading history for their patrons.", None),
        ("Owen Park", "Customer Success", "internal",
         "Paid users keep writing in that they still see ads after buying the premium version. Remove ads for "
         "every paid account today.", "LICENSING"),
        ("Lena Vogt", "Support Lead", "internal",
         "Half our tickets are 'out of memory' errors when opening big CBR files. Add a bigger memory cache "
         "setting so users can raise it.", "MEMORY"),
        ("Sam Okafor", "CEO", "leadership",
         "We need a dark mode for night reading before the tablet campaign in March.", "UI"),
        ("Priya Das", "Legal", "internal",
         "Under the new privacy law we must let users delete their reading history and account data within "
         "30 days of a request. Add a delete-my-data button.", None),
        ("Marco Bianchi", "Product Marketing", "internal",
         "Competitors show comic covers as thumbnails in the library. Build a cover-grid library view.",
         "APP USABILITY"),
        ("Lena Vogt", "Support Lead", "internal",
         "Several users report the app crashes or shows the oops error on Android 4.4 tablets. Ship a fix "
         "for the crash on KitKat devices.", "ERROR"),
    ],
    # Gold = the first URR topic most reviews the ask is about carry (the routing check wants ≥ 30% of the need).
    "acdisplay": [
        ("Lena Vogt", "Support Lead", "internal",
         "Users keep writing that they cannot uninstall the app: unticking it as device administrator crashes "
         "Settings. Add an uninstall button inside the app that removes the admin rights first.", "ERROR"),
        ("Sam Okafor", "CEO", "leadership",
         "Reviewers say a lock screen without a lock is useless. Add a PIN, pattern and fingerprint lock before "
         "the autumn campaign.", "SECURITY"),
        ("Owen Park", "Customer Success", "QBR",
         "Nordphone, who preload us on 40,000 handsets, say they will not renew next quarter unless the app "
         "stops draining the battery in the background.", "BATTERY"),
        ("Priya Das", "Legal", "internal",
         "The app reads the text of every notification. Under GDPR we must show a privacy notice saying so and "
         "let users turn off reading message text before the privacy audit on 1 September.", None),
        ("Marco Bianchi", "Product Marketing", "internal",
         "Since phones updated to Android 6 Marshmallow the app freezes or stops showing anything for many "
         "people. Make it work on Marshmallow.", "ANDROID VERSION"),
        ("Dana Reyes", "Head of Sales", "sales call",
         "A hospital group wants a kiosk mode for shared ward phones that only shows notifications from apps IT "
         "approved.", None),
    ],
    "maalej": [
        ("Dana Reyes", "Head of Sales", "sales call",
         "A retail chain with 2,000 devices will buy the business plan if we add single sign-on with Azure AD.",
         None),
        ("Owen Park", "Customer Success", "internal",
         "Users keep saying the app crashes after the latest update. Roll back the update or hotfix the crash.",
         "bug_report"),
        ("Sam Okafor", "CEO", "leadership",
         "Add the features people keep asking for in reviews, starting with an offline mode.", "feature_request"),
        ("Priya Das", "Legal", "internal",
         "We must show a cookie and tracking consent screen at first launch before the EU audit on 1 June.",
         None),
        ("Lena Vogt", "Support Lead", "internal",
         "Many reviews say the app is confusing to use. Redesign the main screen so people find things.",
         "user_experience"),
    ],
    "duckduckgo": [
        ("Lena Vogt", "Support Lead", "internal",
         "People keep complaining the app is slow: pages take half a minute to load or never load at all. Make "
         "search and page loads fast.", "PERFORMANCE"),
        ("Sam Okafor", "CEO", "leadership",
         "Every other browser has tabs. Add multiple tabs before the spring launch.", "UI"),
        ("Priya Das", "Legal", "internal",
         "Downloaded files and videos must not be traceable. Store downloads in the app's private storage and "
         "delete them when the user clears their data.", None),
    ],
    "batterybot": [
        ("Lena Vogt", "Support Lead", "internal",
         "Since Android 5 updates the battery percentage is often wrong or stuck. Fix the reading on Lollipop.",
         "ANDROID VERSION"),
        ("Owen Park", "Customer Success", "internal",
         "Pro buyers say nothing changed after they upgraded. Show what Pro unlocks right after the purchase.",
         "LICENSING"),
        ("Marco Bianchi", "Product Marketing", "internal",
         "Let users hide the status bar icon and the lock screen notification.", "UI"),
    ],
    "bank": [
        ("Dana Reyes", "Head of Retail Banking", "leadership",
         "Customers who lose their card must be able to block it in the app in one tap, any time. Build a "
         "lock-card button.", "report_lost_card"),
        ("Owen Park", "Fraud Operations", "internal",
         "Fraud reports come in through chat and wait for hours. Add a report-fraud button that opens a case "
         "with the fraud team immediately.", "report_fraud"),
        ("Lena Vogt", "Contact Centre Lead", "internal",
         "Thousands of calls a month just ask for the balance. Put the balance on the app's login screen.",
         "balance"),
        ("Marco Bianchi", "Cards Product Manager", "internal",
         "Declined card payments abroad drive complaints. Send a push notification with the reason when a "
         "card is declined.", "card_declined"),
        ("Priya Das", "Compliance", "internal",
         "The regulator requires us to offer statements in large print and audio for visually impaired "
         "customers by January.", None),
        ("Sam Okafor", "CEO", "leadership",
         "Let customers raise their own credit limit in the app without calling us.", "credit_limit_change"),
        ("Owen Park", "Customer Success", "QBR",
         "A corporate client threatens to move its payroll if we cannot show when direct transfers arrive. "
         "Add transfer tracking.", "transfer"),
    ],
}


def _stable(key: str) -> str:
    return hashlib.sha1(key.encode()).hexdigest()


def urr_app(app: str) -> list[dict[str, Any]]:
    """The reviews of one app of the URR golden set; gold is each review's first topic."""
    with open(DATASETS / "themes" / "urr_golden_set.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["app"] == app]
    return [{"review_id": r["id"], "rating": r["rating"], "review": r["text"],
             "gold": (r["topics"] or "OTHER").split(";")[0].strip()} for r in rows]


def comic_viewer() -> list[dict[str, Any]]:
    return urr_app("A Comic Viewer")


def acdisplay() -> list[dict[str, Any]]:
    return urr_app("AcDisplay")


def duckduckgo() -> list[dict[str, Any]]:
    return urr_app("Duck Duck GO")


def batterybot() -> list[dict[str, Any]]:
    return urr_app("BatteryBot Battery Indicator")


def maalej(n: int = 400) -> list[dict[str, Any]]:
    """n distinct Maalej reviews, a deterministic sample (by hash of the text)."""
    with open(DATASETS / "triage" / "maalej_2016_app_reviews.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(r["text"].strip(), r)
    picked = sorted(seen.values(), key=lambda r: _stable(r["text"]))[:n]
    return [{"review_id": f"M-{r['id']}", "rating": r["rating"], "title": r["title"], "review": r["text"],
             "gold": r["label"]} for r in picked]


def bank() -> list[dict[str, Any]]:
    """CLINC150's banking + credit-card messages as a bank's support inbox."""
    with open(DATASETS / "themes" / "clinc150_test.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["label"] in BANK_INTENTS]
    rows.sort(key=lambda r: _stable(r["id"]))  # an inbox is not sorted by intent
    return [{"message_id": f"C-{r['id']}", "channel": "support-chat", "message": r["text"], "gold": r["label"],
             "urgency_gold": r["urgency"]} for r in rows]


# The four inboxes the engine was measured and tuned on in the PO audits ...
AUDITED = ("comic-viewer", "maalej", "bank", "acdisplay")
# ... and two apps of the same dataset nobody looked at while changing the engine: a check that what was tuned on the
# four generalises (read only after a change, never used to choose one).
HELD_OUT = ("duckduckgo", "batterybot")
BUILDERS = {"comic-viewer": comic_viewer, "acdisplay": acdisplay, "maalej": maalej, "bank": bank,
            "duckduckgo": duckduckgo, "batterybot": batterybot}


def write_inbox(name: str, out: Path, limit: int | None = None) -> Path:
    """Write one inbox folder (feedback file without the gold columns + stakeholder asks); return the folder.
    `limit` keeps only the first rows of the feedback file (tests use a slice of a real inbox)."""
    rows = BUILDERS[name]()[:limit]
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    fields = [k for k in rows[0] if k not in ("gold", "urgency_gold")]
    with open(folder / "feedback.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    with open(folder / "stakeholder_asks.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "requested_by", "role", "channel", "ask"])
        for k, (who, role, channel, text, _gold) in enumerate(ASKS[name], 1):
            w.writerow([f"SA-{k:02d}", who, role, channel, text])
    return folder


def gold(name: str) -> dict[str, str]:
    """Gold label per feedback text (the text is what survives ingest; ids are content hashes)."""
    return {r.get("review") or r.get("message"): r["gold"] for r in BUILDERS[name]()}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        print("usage: python -m evals.public.inboxes OUT_DIR [NAME ...]", file=sys.stderr)
        return 2
    out = Path(args[0])
    for name in args[1:] or list(AUDITED):
        print(write_inbox(name, out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
