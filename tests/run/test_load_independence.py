"""Verdicts do not depend on the worker count or on machine load: budgets are CPU time of the worker
(verify/compare/budget.py), and each claim's seed depends only on the run's seed and the claim's id."""

from __future__ import annotations

import json
from pathlib import Path

from verify.claims.registry import estimated_cost, load_suite
from verify.result import Report
from verify.run.runner import RunOptions, run_suite

ROOT = Path(__file__).resolve().parents[2]


def _json(report: Report) -> str:
    return json.dumps(report.to_dict(), sort_keys=True)


def test_four_workers_give_the_same_json_as_two(bundled_report: Report) -> None:
    # The session's report was made with two workers on the same options; four workers on two cores share
    # the CPU, which a wall-clock budget would have charged to the claims.
    again = run_suite(load_suite([ROOT / "exercises"]), RunOptions(timeout=20, jobs=4, plots=True))
    assert _json(again) == _json(bundled_report)


def test_one_worker_gives_the_same_results_for_the_heaviest_exercises(bundled_report: Report) -> None:
    exercises = sorted(load_suite([ROOT / "exercises"]), key=lambda ex: -estimated_cost(ex))[:12]
    alone = run_suite(exercises, RunOptions(timeout=20, jobs=1, plots=True))
    ids = {ex.id for ex in exercises}
    expected = [r.to_dict() for r in bundled_report.results if r.exercise in ids]
    got = [r.to_dict() for r in alone.results]
    assert sorted(got, key=lambda r: (r["exercise"], r["claim"])) == \
        sorted(expected, key=lambda r: (r["exercise"], r["claim"]))
