"""End to end in a real browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

A PO pastes feedback, finds needs, drafts stories, edits a criterion, approves, exports and downloads; the
database is checked after each step and a screenshot of each page is kept in tests/ui/artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from assistant.settings import resolve_settings
from assistant.tables import ExportRecord, FeedbackRow, NeedRow, StoryRow
from assistant.workspace import Workspace
from tests.loopback import free_port, stop, wait_until_up
from assistant.ui.stories_model import story_page
from ui_helpers import APP, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(600)]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
FEEDBACK = """\
Exporting invoices to CSV takes forever, I need it for month end
The invoice export to CSV times out when I have more than 500 invoices
Please make the CSV export of invoices faster, month end close is painful
I can't export my invoices as CSV at all since the last update
Let me save my credit card so I don't type it at every checkout
Saving a card for later purchases would make checkout so much quicker
Please remember my payment card between orders
Checkout asks for my card number every single time, let me store it"""

if not CHROMIUM.is_file():
    pytest.skip("/usr/bin/chromium is missing (apt-get install chromium; .ci/run installs it)", allow_module_level=True)
import playwright.sync_api as sync_api  # a test dependency: missing means a broken install, not a skip


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Workspace]]:
    """`streamlit run app.py` on a free loopback port with a tmp workspace; yields (base url, workspace handle)."""
    folder = tmp_path / "ws"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BACKLOGSMITH_", "OPENAI_", "AZURE_OPENAI_"))}
    env.update(BACKLOGSMITH_WORKSPACE=str(folder), BACKLOGSMITH_ACTOR="e2e-po", ANONYMIZED_TELEMETRY="False")
    log = (tmp_path / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    def up() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        wait_until_up(proc, up, what="streamlit", timeout=60, log=tmp_path / "streamlit.log", poll=0.3)
        ws = Workspace(resolve_settings(env={}, workspace=folder))
        yield url, ws
        ws.close()
    finally:
        stop(proc)
        log.close()


def _count(ws: Workspace, stmt) -> int:  # type: ignore[no-untyped-def]
    with ws.transaction() as s:
        return s.scalar(stmt) or 0


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _nav(page, title: str) -> None:  # type: ignore[no-untyped-def]
    """Open a page from the sidebar, like a PO does (keeps the same browser session)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()
    sync_api.expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()


def _idle(page) -> None:  # type: ignore[no-untyped-def]
    """Wait until the Streamlit script run triggered by the last action has finished."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=180_000)


def test_paste_draft_edit_approve_export(server, tmp_path: Path):
    url, ws = server
    expect = sync_api.expect
    expect.set_options(timeout=120_000)  # drafting on a contended 2-core machine can take a while
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(90_000)
        try:
            # 1. Paste feedback into the inbox.
            page.goto(url)  # the Inbox is the start page
            page.get_by_label("Feedback, one item per line or paragraph").fill(FEEDBACK)
            page.get_by_role("button", name="Add to inbox").click()
            expect(page.get_by_text("8 added")).to_be_visible()
            assert _count(ws, select(func.count()).select_from(FeedbackRow)) == 8
            _shot(page, "1-inbox")

            # 2. Triage and group into needs.
            page.get_by_role("button", name="Triage and find needs").click()
            expect(page.get_by_text("needs updated")).to_be_visible()
            assert _count(ws, select(func.count()).select_from(NeedRow)) >= 2
            _nav(page, "Needs")
            expect(page.get_by_text("Open a need")).to_be_visible()
            _shot(page, "2-needs")

            # 3. Draft stories.
            _nav(page, "Stories")
            page.get_by_text("Draft stories from needs").click()
            page.get_by_role("button", name="Draft stories", exact=True).click()
            expect(page.get_by_text("Drafted")).to_be_visible()
            with ws.transaction() as s:
                first = s.scalars(select(StoryRow).order_by(StoryRow.position, StoryRow.id)).first()
                assert first is not None
            _idle(page)

            # 4. Edit the first criterion of the first story shown, in place.
            story_id = story_page(ws, statuses=("draft", "approved")).stories[0].id  # the first card on the page
            card = page.locator('[data-testid="stForm"]').first
            card.get_by_label("Then").first.fill("I see a confirmation message within 2 seconds")
            card.get_by_label("Estimate (points, 0 = none)").fill("3")
            card.get_by_role("button", name="Save", exact=True).click()
            expect(page.get_by_text(f"Saved. ({story_id})")).to_be_visible()
            with ws.transaction() as s:
                row = s.get(StoryRow, story_id)
                assert row.criteria[0].then == "I see a confirmation message within 2 seconds"
                assert row.points == 3
            _idle(page)
            _shot(page, "3-stories-edited")

            # 5. Approve it.
            page.get_by_role("button", name="Approve", exact=True).first.click()
            expect(page.get_by_text(f"Approved. ({story_id})")).to_be_visible()
            assert _count(ws, select(func.count()).select_from(StoryRow).where(StoryRow.status == "approved")) == 1
            with ws.transaction() as s:
                assert s.get(StoryRow, story_id).status == "approved"

            # 6. Export: the gate, a preview, and the download.
            _nav(page, "Export")
            expect(page.get_by_text("Definition of Ready")).to_be_visible()
            expect(page.get_by_text("1 of 1 approved stories are Ready")).to_be_visible()
            page.get_by_role("button", name="Preview export").click()
            expect(page.get_by_text("Preview of 1 stories")).to_be_visible()
            assert _count(ws, select(func.count()).select_from(ExportRecord)) == 0  # a preview is not an export
            with page.expect_download() as info:
                page.get_by_test_id("stDownloadButton").get_by_role("button").click()
            download = info.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.stat().st_size > 0
            expect(page.get_by_text("Recorded the gherkin export of 1 stories")).to_be_visible()
            with ws.transaction() as s:
                assert [r.story_id for r in s.scalars(select(ExportRecord))] == [story_id]
            _shot(page, "4-export")
        except Exception:
            _shot(page, "failure")
            raise
        finally:
            browser.close()
