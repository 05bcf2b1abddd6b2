"""Start-and-stop helpers for the real servers tests run on loopback (chroma, PostgreSQL, Roundup, Streamlit)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, probe: Callable[[], bool], *, what: str, timeout: float,
                  log: Path | None = None, poll: float = 0.2) -> None:
    """Call probe() until it is true; fail the test with the server's log tail if it exits or the time runs out."""
    deadline = time.monotonic() + timeout
    while not probe():
        if proc.poll() is not None or time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
            pytest.fail(f"{what} did not start within {timeout:g} s: {tail}")
        time.sleep(poll)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """SIGTERM, then SIGKILL if the server does not exit in time."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout)
