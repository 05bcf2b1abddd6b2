"""A small realistic corpus with planted themes, stored as FeedbackRow rows with vectors in the index."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from assistant.tables import FeedbackRow

THEMES: dict[str, list[str]] = {
    "csv_export": [
        "Please let me export my expenses to CSV for my accountant.",
        "We need a CSV export of all expenses, copying them by hand is painful.",
        "Would be great to export expenses as a CSV or Excel file for my tax return.",
        "Can you add an export of expense reports to CSV? Our accountant asks every month.",
        "Exporting expenses to a spreadsheet is impossible, I retype everything into Excel.",
        "CSV export of expenses is a must for us, our accountant imports them into DATEV.",
        "I wish I could download my expenses as a CSV file.",
        "No way to get my expense data out as CSV, please add an export.",
    ],
    "bank_sync": [
        "Bank sync broke again, my transactions stopped importing since Tuesday.",
        "The bank feed keeps disconnecting from HSBC and I have to reconnect every day.",
        "Bank synchronisation fails with an error for my business account.",
        "Since the update my bank transactions are no longer syncing.",
        "Bank sync has failed four times this month, reconciliation is a mess.",
        "My bank connection stopped working, no new transactions for a week.",
        "Bank feed import is broken again, transactions from Barclays are missing.",
        "Sync with my bank account errors out every morning.",
    ],
    "sso": [
        "Our IT team requires single sign-on with Okta before we roll this out.",
        "Please support SAML SSO so employees can log in with Azure AD.",
        "We cannot deploy to 400 people without SSO through Okta.",
        "Single sign-on is a hard requirement from our security team.",
        "Is SAML single sign-on on the roadmap? Our company mandates it.",
        "Add Okta SSO and SCIM provisioning for enterprise accounts.",
        "Without SSO login our IT department will not approve the tool.",
        "Need SSO with Google Workspace for all our staff logins.",
    ],
    "dark_mode": [
        "Please add a dark mode, the white screen hurts my eyes at night.",
        "Dark theme would be so nice for working late.",
        "I wish the app had a dark mode like every other app.",
        "Any plans for a night mode? The bright interface is blinding.",
        "A dark colour scheme option would make evening use much easier.",
        "Dark mode please! My eyes are burning in the evening.",
        "The app needs a dark theme for low-light use.",
        "Can you add a dark appearance setting? The white background is too bright.",
    ],
    "receipt_ocr": [
        "Receipt scanning reads the wrong amount, 48.90 became 4890.",
        "OCR cannot read receipts photographed at an angle.",
        "The receipt scanner gets the total wrong about half the time.",
        "Scanning German receipts with a decimal comma gives wrong amounts.",
        "Receipt photo recognition misses the date and the merchant name.",
        "Scanned receipts show the tax amount instead of the total.",
        "The camera receipt capture keeps misreading the numbers on my receipts.",
        "Receipt OCR is useless for French receipts, every amount is wrong.",
    ],
}

PRAISE = ["Love this app, great job!", "Excellent, highly recommend.", "Five stars, thank you!"]


def add_items(ws: Any, texts: Sequence[str], *, kind: str = "feedback", meta: Sequence[dict[str, Any]] | None = None,
              path: str = "corpus.csv", start_row: int = 1) -> list[str]:
    """Store rows like ingest would (id from the text) and upsert their vectors; returns the ids."""
    ids = ["fb_" + hashlib.sha1(f"{path}:{t}".encode()).hexdigest()[:16] for t in texts]
    metas = list(meta) if meta else [{} for _ in texts]
    with ws.transaction() as s:
        for n, (iid, text, m) in enumerate(zip(ids, texts, metas)):
            s.add(FeedbackRow(id=iid, text=text, text_hash=hashlib.sha256(text.encode()).hexdigest(), kind=kind,
                              source_path=path, source_row=start_row + n, meta=m, indexed=True))
    vectors = ws.embedder.embed(list(texts))
    ws.index.upsert(ids, vectors, [{"kind": kind} for _ in texts])
    return ids


def planted(ws: Any, per_theme: int = 8, segment_of: dict[str, str] | None = None) -> dict[str, list[str]]:
    """Store the first per_theme items of every theme; returns theme -> ids."""
    out: dict[str, list[str]] = {}
    for n, (theme, texts) in enumerate(THEMES.items()):
        seg = (segment_of or {}).get(theme, "pro")
        metas = [{"segment": seg, "channel": "app store", "date": f"2024-0{1 + i % 3}-1{i}", "author": f"user{i}"}
                 for i in range(per_theme)]
        out[theme] = add_items(ws, texts[:per_theme], meta=metas, path=f"{theme}.csv", start_row=1)
    return out
