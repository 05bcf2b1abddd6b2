"""Opt-in pushes into the real trackers: `pytest -m live tests/export/test_live.py`.

Each runs only when that tracker's variables are set (see assistant/export/credentials.py); it creates
real issues (titled "backlogsmith live test ...") in the configured project/repository/team, then re-pushes
and checks that nothing is duplicated. Clean them up by hand afterwards.
"""

from __future__ import annotations

import os

import pytest

from assistant.export import push_stories
from assistant.export.credentials import TARGET_ENV

pytestmark = [pytest.mark.live, pytest.mark.enable_socket]


def _require(target: str) -> None:
    missing = [name for name in TARGET_ENV[target][0] if not os.environ.get(name)]
    if missing:
        pytest.skip(f"{target} live test needs {', '.join(missing)}")


@pytest.mark.parametrize("target", ["jira", "github", "azure", "linear"])
def test_live_push_and_repush(ready_backlog, target):
    _require(target)
    first = push_stories(ready_backlog, target)
    assert first.count("failed") == 0, first.results
    keys = {r.story_id: r.key for r in first.results}
    assert all(keys.values())
    second = push_stories(ready_backlog, target)
    assert {r.story_id: r.key for r in second.results} == keys  # updated in place, never re-created
    assert {r.action for r in second.results} <= {"unchanged", "updated"}
