"""Shared fixtures: the bundled suite is checked once per test session, not once per test that needs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from verify.claims.registry import load_suite
from verify.report import render
from verify.result import Report
from verify.run.runner import RunOptions, run_suite

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def bundled_report() -> Report:
    """Every spec under exercises/, checked with two workers (the CI machine has two cores), with the plot
    data of wrong claims (the HTML report of the suite draws it)."""
    return run_suite(load_suite([ROOT / "exercises"]), RunOptions(timeout=20, jobs=2, plots=True))


@pytest.fixture(scope="session")
def bundled_report_json(bundled_report: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bundled") / "report.json"
    with path.open("w", encoding="utf-8") as stream:
        render(bundled_report, "json", stream=stream)
    return path
