"""Whole-suite wall time and claims per second: `python benchmarks/suite.py [-j N] [PATH ...]`.

Runs `derivcheck verify` in a fresh process (cold: imports and all symbolic work included) and
prints the figures; no assertion, so it never makes a test flaky. Warm runs: answered from the run memo
(JSON and the default text report), and with the memo removed, so the per-exercise result cache answers (what
a run costs after one spec changed: every other exercise is a cache hit).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="*", default=["exercises"])
    ap.add_argument("-j", "--jobs", type=int, nargs="*", default=[1, 2])
    args = ap.parse_args()
    import tempfile

    cache = tempfile.mkdtemp(prefix="derivcheck-bench-")
    runs = [(f"cold -j {j}", ["--no-cache", "-j", str(j)]) for j in args.jobs]
    runs += [("fill cache", ["--cache-dir", cache]), ("warm (run memo)", ["--cache-dir", cache]),
             ("warm (run memo), text report", ["--cache-dir", cache, "--format", "text"]),
             ("warm (result cache, no run memo)", ["--cache-dir", cache, "--forget-memo"])]
    summary: dict = {}
    for label, extra in runs:
        if "--forget-memo" in extra:
            extra = [e for e in extra if e != "--forget-memo"]
            for memo in Path(cache).glob("run-*.json"):
                memo.unlink()
        fmt = [] if "--format" in extra else ["--format", "json"]
        start = time.perf_counter()
        out = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", *args.paths, *fmt, *extra],
                             cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if out.returncode not in (0, 1):
            print(out.stderr, file=sys.stderr)
            return 2
        if fmt:   # (the text report prints the same suite as the JSON run before it)
            summary = json.loads(out.stdout)["summary"]
        claims = summary["claims"]
        print(f"{label}: {claims} claims in {summary['exercises']} exercises, wall {elapsed:.2f} s, "
              f"{claims / elapsed:.1f} claims/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
