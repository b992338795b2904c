"""Run `lint` on the shared notes and the d2l chapters; print spans, checked steps and findings per file.

Usage: .venv/bin/python benchmarks/lint_eval.py [--findings]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.lint import lint_file  # noqa: E402

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> None:
    show = "--findings" in sys.argv
    files = sorted((SHARED / "notes").glob("*.md")) + sorted((SHARED / "corpus" / "d2l").rglob("*.md"))
    totals = {"notes": [0, 0, 0], "d2l": [0, 0, 0]}
    start = time.perf_counter()
    print(f"{'file':60} {'spans':>6} {'checked':>8} {'found':>6} {'/1000':>7} {'share':>6}")
    for f in files:
        o = lint_file(f)
        group = "d2l" if "d2l" in f.parts else "notes"
        n = len(o.findings)
        for k, v in enumerate((o.spans, o.checked, n)):
            totals[group][k] += v
        rate = 1000 * n / o.checked if o.checked else 0.0
        share = o.checked / o.spans if o.spans else 0.0
        name = str(f.relative_to(SHARED))
        print(f"{name:60} {o.spans:6d} {o.checked:8d} {n:6d} {rate:7.1f} {share:6.1%}")
        if show:
            for r in o.findings:
                print(f"    {r.location.line}:{r.location.column} {r.verdict.value}: {r.message[:160]}")
    elapsed = time.perf_counter() - start
    for group, (spans, checked, found) in totals.items():
        rate = 1000 * found / checked if checked else 0.0
        print(f"total {group}: {spans} spans, {checked} checked steps, {found} findings, {rate:.1f} per 1000 steps")
    steps = totals["notes"][1] + totals["d2l"][1]
    print(f"{steps} steps in {elapsed:.1f}s: {steps / elapsed:.1f} steps/second")


if __name__ == "__main__":
    main()
