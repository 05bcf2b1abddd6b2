"""Run every benchmark once and refresh BENCHMARKS.md (the same as `backlogsmith bench`, as a plain script).

Usage: .venv/bin/python benchmarks/run_all.py [--quick] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller corpora (< 3 minutes on 2 cores)")
    parser.add_argument("--json", action="store_true", help="print the result object as JSON")
    parser.add_argument("--note", default=None, help="a line to put at the top of BENCHMARKS.md")
    parser.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from assistant.benchmarks.run import SHARED_NOTE, run_benchmarks, write_markdown

    result = run_benchmarks(args.quick, progress=lambda name: print(f"bench {name} ...", file=sys.stderr))
    write_markdown(result, args.out, note=SHARED_NOTE if args.note is None else args.note)
    print(json.dumps(result, indent=2) if args.json else f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
