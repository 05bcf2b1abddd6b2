"""End-to-end: push stories into a real Roundup tracker (pip `roundup`) served on loopback.

The tracker is created from Roundup's classic template in a temp dir, with its REST rate limiter on
(so real 429 + Retry-After answers exercise the shared retry policy), and read back over its own REST API.
"""

from __future__ import annotations

import getpass
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from assistant.export import push_stories
from assistant.repository import get_story, save_story
from tests.loopback import free_port, stop, wait_until_up

BIN = Path(sys.executable).parent
ADMIN_PW = "e2e-admin-SECRET"


def _admin(home: Path, *args: str) -> None:
    subprocess.run([str(BIN / "roundup-admin"), "-i", str(home), *args], check=True, capture_output=True,
                   stdin=subprocess.DEVNULL, timeout=60)


@pytest.fixture(scope="module")
def roundup_tracker(tmp_path_factory):
    if not (BIN / "roundup-server").exists():
        pytest.fail("roundup is missing: it is a test dependency (pip install -e '.[test]')")
    home = tmp_path_factory.mktemp("roundup") / "tracker"
    port = free_port()
    web = f"http://127.0.0.1:{port}/shop/"
    _admin(home, "install", "classic", "anydbm")
    config = (home / "config.ini").read_text(encoding="utf-8")
    config = config.replace("#web = NO DEFAULT", f"web = {web}").replace("#domain = NO DEFAULT", "domain = localhost")
    # A real rate limit: a burst of 6 REST calls, then one call per 1/3 s for the same user.
    config = config.replace("api_calls_per_interval = 0", "api_calls_per_interval = 6")
    config = config.replace("api_interval_in_sec = 3600", "api_interval_in_sec = 2")
    # Hashing the admin password with 250,000 PBKDF2 rounds on every Basic-auth request would make each call slow.
    config = config.replace("password_pbkdf2_default_rounds = 250000", "password_pbkdf2_default_rounds = 1000")
    (home / "config.ini").write_text(config, encoding="utf-8")
    _admin(home, "initialise", ADMIN_PW)
    # roundup-server refuses to run as root unless told which user to run as; naming ourselves works for both.
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        [str(BIN / "roundup-server"), "-u", getpass.getuser(), "-p", str(port), "-n", "127.0.0.1", f"shop={home}"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )
    def up() -> bool:
        try:
            httpx.get(web + "rest/data/status", auth=("admin", ADMIN_PW), timeout=2)
            return True
        except httpx.TransportError:
            return False

    try:
        wait_until_up(proc, up, what="roundup-server", timeout=30, log=home / "server.log")
        yield web
    finally:
        stop(proc)
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def _env(web: str) -> dict[str, str]:
    return {"ROUNDUP_URL": web, "ROUNDUP_USER": "admin", "ROUNDUP_PASSWORD": ADMIN_PW,
            "BACKLOGSMITH_EVIDENCE_URL": "https://feedback.example.com/items/{item_id}"}


class Reader:
    """Reads the tracker back through its REST API (politely: it retries its own 429s)."""

    def __init__(self, web: str):
        self.http = httpx.Client(base_url=web + "rest/data", auth=("admin", ADMIN_PW),
                                 headers={"X-Requested-With": "rest"}, timeout=10)

    def get(self, path: str, **params) -> dict:
        for _ in range(40):
            r = self.http.get(path, params=params)
            if r.status_code != 429:
                r.raise_for_status()
                return r.json()["data"]
            time.sleep(max(0.3, float(r.headers.get("Retry-After", "0"))))
        raise AssertionError("tracker kept rate limiting the reader")

    def issues(self) -> list[dict]:
        return [self.get(f"/issue/{i['id']}") for i in self.get("/issue")["collection"]]

    def message_text(self, msg_id: str) -> str:
        return self.get(f"/msg/{msg_id}/content")["data"]

    def keyword_names(self, ids: list[str]) -> set[str]:
        return {self.get(f"/keyword/{i}")["attributes"]["name"] for i in ids}


def test_push_into_real_roundup_and_repush_without_duplicates(ready_backlog, roundup_tracker):
    reader = Reader(roundup_tracker)
    for _ in range(8):  # use up the burst allowance so the push meets the tracker's real 429s
        reader.get("/status")
    report = push_stories(ready_backlog, "roundup", env=_env(roundup_tracker))
    assert report.count("created") == 3 and report.count("failed") == 0, report
    assert report.retry_waits, "the tracker's rate limiter should have answered 429 at least once"
    issues = reader.issues()
    assert len(issues) == 3
    by_key = {r.story_id: r.key for r in report.results}
    invoices = next(i for i in issues if i["id"] == by_key["S-002"])
    assert invoices["attributes"]["title"] == "Export invoices as CSV"
    assert {"backlogsmith", "story-s-002", "need-finance-export-monthly", "priority-highest"} <= reader.keyword_names(
        [k["id"] for k in invoices["attributes"]["keyword"]])
    text = reader.message_text(invoices["attributes"]["messages"][0]["id"])
    assert "**Given** a returning buyer with a saved card **When** they check out" in text  # criteria arrived
    assert "[fb-004](https://feedback.example.com/items/fb-004)" in text  # evidence links arrived
    assert "Finance export \\| monthly" in text

    # re-push after an edit: same issue updated (new message), untouched stories left alone, nothing duplicated
    with ready_backlog.transaction() as s:
        story = get_story(s, "S-002")
        save_story(s, story.model_copy(update={"goal": "to export invoices as CSV and XLSX"}), actor="po", action="edit")
    again = push_stories(ready_backlog, "roundup", env=_env(roundup_tracker))
    actions = {r.story_id: r.action for r in again.results}
    assert actions == {"S-001": "unchanged", "S-002": "updated", "S-hostile": "unchanged"}
    issues = reader.issues()
    assert len(issues) == 3
    invoices = next(i for i in issues if i["id"] == by_key["S-002"])
    assert invoices["attributes"]["title"] == "Export invoices as CSV and XLSX"
    messages = invoices["attributes"]["messages"]
    assert len(messages) == 2 and "XLSX" in reader.message_text(messages[-1]["id"])
