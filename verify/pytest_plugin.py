"""pytest plugin: `pytest exercises/` collects each spec file as a module and each claim as a test.

A thin adapter over the same engine as `derivcheck verify`, run by the same runner (each exercise in a worker
process under the hard CPU-time and memory limits). Claims whose verdict is in `--derivcheck-fail-on` (default
as `verify --fail-on`: wrong, ill-posed, unparsed) fail with the claim, the derived answer, the diagnosis and the
counterexample; the others that are not correct are skipped with their reason, so they stay visible.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.spec.errors import SpecError
from derive.spec.files import SPEC_SUFFIXES
from derive.spec.model import ExerciseSpec
from verify.claims.registry import load_file
from verify.exit_codes import DEFAULT_FAIL_ON, UsageError, parse_fail_on
from verify.report import detail_lines
from verify.result import ClaimResult, Verdict
from verify.run.runner import RunOptions, run_suite


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("derivcheck")
    group.addoption("--derivcheck-seed", type=int, default=0, help="seed for derivcheck's numeric checks")
    group.addoption("--derivcheck-timeout", type=float, default=10.0, help="CPU seconds per claim")
    group.addoption("--derivcheck-fail-on", default=",".join(DEFAULT_FAIL_ON),
                    help="verdicts that fail a claim's test (comma-separated; all, none)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    # Only specs under an `exercises/` folder: other YAML in a repository is not ours.
    if file_path.suffix in SPEC_SUFFIXES and "exercises" in file_path.parts:
        return SpecFile.from_parent(parent, path=file_path)
    return None


class ClaimFailed(Exception):
    def __init__(self, result: ClaimResult) -> None:
        super().__init__(result.message)
        self.result = result


class SpecFile(pytest.File):
    def collect(self):
        try:
            exercises = load_file(self.path)
        except SpecError as exc:
            raise self.CollectError(str(exc)) from None
        for ex in exercises:
            for claim in ex.claims or [None]:
                name = f"{ex.id}::{claim.id if claim else 'answer'}"
                yield ClaimItem.from_parent(self, name=name, exercise=ex, claim_id=claim.id if claim else "-")

    def results_for(self, ex: ExerciseSpec) -> dict[str, ClaimResult]:
        cache = self.__dict__.setdefault("_results", {})
        if ex.id not in cache:
            cfg = self.config
            opts = RunOptions(seed=cfg.getoption("derivcheck_seed"), timeout=cfg.getoption("derivcheck_timeout"))
            results = run_suite([ex], opts).results
            cache[ex.id] = {r.claim: r for r in results}
        return cache[ex.id]


class ClaimItem(pytest.Item):
    def __init__(self, *, exercise: ExerciseSpec, claim_id: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.exercise = exercise
        self.claim_id = claim_id

    def runtest(self) -> None:
        try:
            result = self.parent.results_for(self.exercise)[self.claim_id]
        except SpecError as exc:
            raise pytest.UsageError(str(exc)) from None
        try:
            fail_on = parse_fail_on(self.config.getoption("derivcheck_fail_on"))
        except UsageError as exc:
            raise pytest.UsageError(str(exc)) from None
        if result.verdict.value in fail_on:
            raise ClaimFailed(result)
        if result.verdict is not Verdict.CORRECT:
            pytest.skip(f"{result.verdict.value}: {result.message}")

    def repr_failure(self, excinfo, style=None) -> str:
        if isinstance(excinfo.value, ClaimFailed):
            # The same detail lines as `verify`'s text report: claimed, derived, diagnosis, counterexample, ...
            r = excinfo.value.result
            return "\n".join([f"{r.verdict.value}: {r.message}", *(f"  {line}" for line in detail_lines(r))])
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        line = self.exercise.spec_line - 1
        return self.path, line, f"{self.exercise.id} {self.claim_id}"
