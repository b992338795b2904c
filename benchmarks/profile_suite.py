"""Where the suite's time goes: per-exercise and per-stage CPU time, and a flame-graph file.

Usage:
    .venv/bin/python benchmarks/profile_suite.py [PATH ...] [--top 10] [--flame FILE] [--interval MS]

Checks the exercises in this one process, the way a worker does (declarations once per exercise, then each claim
with `check_one`), while a sampling profiler (SIGVTALRM every `--interval` ms of user CPU time; the claims' own
budgets use the other timer, ITIMER_PROF, so the two never meet) records the call stack. Each sample is charged to
the innermost stage on its stack:

    parse     derive/parse (the LaTeX grammar and its transformer), recipe parsing
    lower     derive/lower (tree -> SymPy), declarations
    derive    derive/recipes, derive/kernels, the truth of a claim (verify/claims/context.py)
    sample    floating-point sampling (verify/compare/engine.py sampled_*, derive/numeric.py)
    confirm   exact / 50-digit evaluation (engine _exact_agreement, _precise*, _confirm, verify/compare/point_values.py, derive/exact.py, derive/precise.py)
    prove     symbolic proof attempts (engine prove, simplify)
    diagnose  verify/compare/diagnose.py
    write     printing results (verify/write, verify/report)
    check     the rest of the claim kinds' own logic (verify/claims, verify/compare)
    other     everything else (start-up, imports)

The flame-graph file is in the folded format (`frame;frame;frame count` per line) that flamegraph.pl,
speedscope and inferno read. No assertion: a benchmark, never a test.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.lower.definitions import build_declarations  # noqa: E402
from verify.claims.registry import load_suite  # noqa: E402
from verify.run.check import check_one, exercise_notation  # noqa: E402

# (path fragment, function names or None for any, stage); the first rule matching a frame, innermost frame first.
_RULES: list[tuple[str, frozenset[str] | None, str]] = [
    ("verify/compare/engine.py", frozenset({"prove"}), "prove"),
    ("verify/compare/engine.py", frozenset({"_exact_agreement", "_precise_trial", "_precise_point", "_confirm",
                                            "_exact_difference"}), "confirm"),
    ("verify/compare/point_values.py", None, "confirm"),
    ("verify/compare/engine.py", frozenset({"sampled_comparison", "_sampled_trial"}), "sample"),
    ("derive/precise.py", None, "confirm"),
    ("derive/exact.py", None, "confirm"),
    ("derive/numeric.py", None, "sample"),
    ("verify/compare/diagnose.py", None, "diagnose"),
    ("derive/parse/", None, "parse"),
    ("derive/recipes/interpreter.py", frozenset({"parse_recipe"}), "parse"),
    ("derive/lower/", None, "lower"),
    ("derive/spec/", None, "lower"),
    ("derive/recipes/", None, "derive"),
    ("derive/kernels/", None, "derive"),
    ("verify/claims/context.py", frozenset({"derive_truth", "derive_expected", "truth"}), "derive"),
    ("verify/write/", None, "write"),
    ("verify/report/", None, "write"),
    ("sympy/simplify/", None, "prove"),
    ("verify/claims/", None, "check"),
    ("verify/compare/", None, "check"),
]
STAGES = ["parse", "lower", "derive", "sample", "confirm", "prove", "diagnose", "write", "check", "other"]


def _stage(frame: FrameType | None) -> str:
    while frame is not None:
        path = frame.f_code.co_filename.replace("\\", "/")
        name = frame.f_code.co_name
        for fragment, names, stage in _RULES:
            if fragment in path and (names is None or name in names):
                return stage
        frame = frame.f_back
    return "other"


def _label(frame: FrameType) -> str:
    path = frame.f_code.co_filename.replace("\\", "/")
    root = str(ROOT).replace("\\", "/") + "/"
    if path.startswith(root):
        where = path[len(root):]
    elif "site-packages/" in path:
        where = path.split("site-packages/", 1)[1]
    else:
        where = Path(path).name
    return f"{where}:{frame.f_code.co_name}"


class Sampler:
    """Call stacks every `interval` seconds of user CPU time, charged to stages and folded for a flame graph."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.stages: Counter[str] = Counter()
        self.folded: Counter[str] = Counter()

    def _on_tick(self, signum, frame) -> None:  # noqa: ARG002
        self.stages[_stage(frame)] += 1
        stack = []
        while frame is not None:
            stack.append(_label(frame))
            frame = frame.f_back
        self.folded[";".join(reversed(stack))] += 1

    def __enter__(self) -> Sampler:
        signal.signal(signal.SIGVTALRM, self._on_tick)
        signal.setitimer(signal.ITIMER_VIRTUAL, self.interval, self.interval)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, signal.SIG_DFL)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(ROOT / "exercises")])
    ap.add_argument("--top", type=int, default=10, help="exercises to list (default 10)")
    ap.add_argument("--flame", type=Path, default=Path("profile-suite.folded"), help="folded-stacks output file")
    ap.add_argument("--interval", type=float, default=2.0, help="sampling interval in ms of CPU time")
    args = ap.parse_args()

    start_wall, start_cpu = time.perf_counter(), time.process_time()
    exercises = load_suite([Path(p) for p in args.paths])
    load_cpu = time.process_time() - start_cpu
    per_exercise: list[tuple[float, str, int]] = []
    claims = 0
    with Sampler(args.interval / 1000) as sampler:
        for ex in exercises:
            t0 = time.process_time()
            decls = build_declarations(ex)
            settings = exercise_notation(ex)
            for claim in ex.claims:
                check_one(ex, claim, decls, settings=settings)
            claims += len(ex.claims)
            per_exercise.append((time.process_time() - t0, ex.id, len(ex.claims)))
    cpu = time.process_time() - start_cpu
    wall = time.perf_counter() - start_wall
    total = sum(sampler.stages.values()) or 1

    print(f"{claims} claims in {len(exercises)} exercises: {cpu:.1f} s CPU in one process "
          f"({wall:.1f} s wall; loading the specs {load_cpu:.2f} s), {claims / cpu:.1f} claims per CPU second")
    print(f"\nstage       share   CPU s   ({total} samples)")
    for stage in STAGES:
        n = sampler.stages.get(stage, 0)
        # (CPU seconds from the share: the kernel's timer runs at its own tick, often coarser than asked)
        print(f"{stage:<10} {100 * n / total:5.1f} %  {n / total * cpu:6.2f}")
    print(f"\nthe {args.top} costliest exercises (CPU s, claims, share of the suite):")
    for seconds, name, n in sorted(per_exercise, reverse=True)[:args.top]:
        print(f"  {seconds:6.2f}  {n:3d}  {100 * seconds / cpu:5.1f} %  {name}")
    args.flame.write_text("".join(f"{stack} {n}\n" for stack, n in sampler.folded.most_common()), encoding="utf-8")
    print(f"\nflame-graph stacks: {args.flame} ({len(sampler.folded)} distinct stacks; flamegraph.pl, speedscope)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
