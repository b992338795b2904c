"""`equiv --batch` on a generated file of mixed pairs: expressions, equations and numbers, true and false.

    .venv/bin/python benchmarks/equiv_mixed.py [--jobs 1] [--keep FILE]

Writes the pairs (about 330, each with the answer it should get) to a JSONL file, runs `derivcheck equiv --batch`
on it in a fresh process (start-up included), and prints the wall time per pair, the time of `import sympy` in
a fresh process measured in the same run (the floor of any SymPy-based checker's start-up) and the ratio, and how
many answers match the expected ones (decided right / decided wrong / undecided). No assertion: a benchmark.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _expressions(k: int) -> list[tuple[str, str, bool, dict]]:
    pos = {"x": "positive"}
    return [
        (f"(x + {k})^2", f"x^2 + {2 * k} x + {k * k}", True, {}),
        (f"(x + {k})^2", f"x^2 + {2 * k + 1} x + {k * k}", False, {}),
        (f"\\frac{{d}}{{dx}} x^{{{k + 1}}}", f"{k + 1} x^{{{k}}}", True, {}),
        (f"\\frac{{d}}{{dx}} x^{{{k + 1}}}", f"{k} x^{{{k}}}", False, {}),
        (f"\\sin^2({k}x) + \\cos^2({k}x)", "1", True, {}),
        (f"\\log(x^{{{k}}})", f"{k} \\log x", True, pos),
        (f"\\log(x^{{{k}}})", f"{k + 1} \\log x", False, pos),
        (f"e^{{{k} a + b}}", f"(e^{{a}})^{{{k}}} e^{{b}}", True, {}),
        (f"\\frac{{x^2 - {k * k}}}{{x - {k}}}", f"x + {k}", True, {}),
        (f"\\frac{{x^2 - {k * k}}}{{x - {k}}}", f"x - {k}", False, {}),
        (f"\\sum_{{i=1}}^{{n}} {k} i", f"\\frac{{{k} n (n + 1)}}{{2}}", True, {"n": "positive integer"}),
        (f"\\sum_{{i=1}}^{{n}} {k} i", f"\\frac{{{k} n (n - 1)}}{{2}}", False, {"n": "positive integer"}),
        (f"\\tanh({k} x)", f"\\frac{{e^{{{2 * k} x}} - 1}}{{e^{{{2 * k} x}} + 1}}", True, {}),
    ]


def _equations(k: int) -> list[tuple[str, str, bool, dict]]:
    return [
        (f"2x + {k} = {3 * k}", f"x = {k}", True, {}),
        (f"2x + {k} = {3 * k}", f"x = {k + 1}", False, {}),
        (f"y = {k} x + 1", f"y - 1 = {k} x", True, {}),
        (f"y = {k} x + 1", f"y + 1 = {k} x", False, {}),
        (f"(x - {k})(x + {k}) = 0", f"x^2 = {k * k}", True, {}),
    ]


def _numbers(k: int) -> list[tuple[str, str, bool, dict]]:
    return [
        (f"\\frac{{{k}}}{{8}}", f"{k / 8}", True, {}),
        (f"\\frac{{1}}{{{k + 2}}}", f"{1 / (k + 2):.6f}", (k + 2) in (2, 4, 5, 8, 10, 16), {}),
        (f"\\sqrt{{{4 * k * k}}}", f"{2 * k}", True, {}),
        (f"\\binom{{{k + 3}}}{{2}}", f"{(k + 3) * (k + 2) // 2}", True, {}),
        (f"{k + 2}!", f"{_factorial(k + 2) + 1}", False, {}),
    ]


def _factorial(n: int) -> int:
    out = 1
    for m in range(2, n + 1):
        out *= m
    return out


def mixed_pairs() -> list[dict]:
    pairs = []
    for k in range(1, 15):
        for a, b, same, symbols in _expressions(k) + _equations(k) + _numbers(k):
            item = {"id": f"m{len(pairs)}", "a": a, "b": b, "expected": same}
            if symbols:
                item["symbols"] = symbols
            pairs.append(item)
    return pairs


def _wall(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=False)
    return time.perf_counter() - start, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="also write the pairs file here")
    args = ap.parse_args()
    pairs = mixed_pairs()
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for p in pairs:
            fh.write(json.dumps({k: p[k] for k in ("id", "a", "b", "symbols") if k in p}) + "\n")
    if args.keep:
        args.keep.write_text(Path(fh.name).read_text())
    sympy_s, _ = _wall([sys.executable, "-c", "import sympy"])
    wall, out = _wall([sys.executable, str(ROOT / "cli.py"), "equiv", "--batch", fh.name, "-j", str(args.jobs), "-q"])
    answers = {a["id"]: a for a in map(json.loads, out.stdout.splitlines())}
    right = wrong = undecided = 0
    for p in pairs:
        got = answers.get(p["id"], {}).get("equivalent")
        if got is None:
            undecided += 1
        elif got == p["expected"]:
            right += 1
        else:
            wrong += 1
            print(f"  unexpected: {p['id']} {p['a']!r} vs {p['b']!r}: {got}", file=sys.stderr)
    per_pair = 1000 * wall / len(pairs)
    print(f"pairs: {len(pairs)} (expressions, equations, numbers; half of the kinds false)")
    print(f"equiv --batch -j {args.jobs}: {wall:.2f} s wall, {per_pair:.1f} ms per pair with start-up")
    print(f"import sympy in a fresh process: {sympy_s:.2f} s; the batch costs {wall / sympy_s:.1f}x that "
          f"({per_pair / (1000 * sympy_s):.3f}x per pair)")
    print(f"answers: {right} as expected, {wrong} not, {undecided} undecided")
    return 0


if __name__ == "__main__":
    sys.exit(main())
