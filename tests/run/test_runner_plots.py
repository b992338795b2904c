"""Plot data is opt-in (`RunOptions(plots=True)`), computed by the checker's wrong-result call sites, changes
no verdict, and is cached under its own key."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import verify.run.runner as runner
from verify.claims.registry import load_suite
from verify.result import ClaimResult, Verdict
from verify.run.runner import RunOptions, run_suite

SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    symbols: {x: {indexed: i}, y: {indexed: i}}
    given:
      L: '\sum_{i=1}^{I} (\phi_0 + \phi_1 x_i - y_i)^2'
    claims:
      - id: chain
        line: 3
        latex: '\frac{\partial L}{\partial \phi_0} = \sum_i 2(\phi_0 + \phi_1 x_i - y_i) = \sum_i [2\phi_0 + 2\phi_1 x_i]'
        expect: 'diff(L, phi_0)'
      - id: free-index
        line: 4
        latex: '\frac{\partial L}{\partial \phi_0} = 2(\phi_0 + \phi_1 x_i - y_i)'
        expect: 'diff(L, phi_0)'
      - id: right
        line: 5
        latex: '\frac{\partial L}{\partial \phi_1} = \sum_i 2 x_i (\phi_0 + \phi_1 x_i - y_i)'
        expect: 'diff(L, phi_1)'
  - id: t/2
    given: {M: '(\phi_0 - u)^2'}
    unknowns: [phi_0]
    claims:
      - id: equation
        line: 7
        latex: '\phi_0 = 2 u'
        expect: 'diff(M, phi_0) = 0'
      - id: number
        line: 8
        latex: '2 + 2 = 5'
"""


@pytest.fixture(scope="module")
def exercises(tmp_path_factory):
    path = tmp_path_factory.mktemp("spec") / "t.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return load_suite([path])


def _by_claim(results: list[ClaimResult]) -> dict[str, ClaimResult]:
    return {r.claim: r for r in results}


def test_plot_data_is_opt_in_and_changes_nothing_else(exercises):
    plain = run_suite(exercises, RunOptions(seed=3))
    plotted = run_suite(exercises, RunOptions(seed=3, plots=True))
    assert all(r.plot is None for r in plain.results)
    for a, b in zip(plain.results, plotted.results, strict=True):
        assert {**a.to_dict(), "plot": None} == {**b.to_dict(), "plot": None}
    r = _by_claim(plotted.results)
    assert r["chain"].verdict is Verdict.WRONG and r["chain"].plot.drawable
    assert (r["chain"].plot.c0, r["chain"].plot.e0) == pytest.approx(
        (r["chain"].counterexample.claimed, r["chain"].counterexample.expected), rel=1e-4)  # point: 6 digits
    assert r["free-index"].verdict is Verdict.ILL_POSED and "free index i = 1" in r["free-index"].plot.note
    assert r["equation"].verdict is Verdict.WRONG and r["equation"].plot.ylabel == "phi_0"
    assert r["right"].plot is None  # nothing to plot for a correct claim
    wrong_without_curves = [x for x in plotted.results if x.verdict is Verdict.WRONG and not x.plot.drawable]
    assert all(x.plot.note for x in wrong_without_curves)  # every wrong claim says why it has no plot


def test_plot_runs_have_their_own_cache_entries(exercises, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    run_suite(exercises, RunOptions(seed=3, cache_dir=cache))
    plotted = run_suite(exercises, RunOptions(seed=3, cache_dir=cache, plots=True))
    assert _by_claim(plotted.results)["chain"].plot.drawable  # not the plain run's cached results

    def boom(item):
        raise AssertionError("symbolic work on a warm run")

    monkeypatch.setattr(runner, "_check_claim", boom)
    warm = run_suite(exercises, RunOptions(seed=3, cache_dir=cache, plots=True))
    assert [r.to_dict() for r in warm.results] == [r.to_dict() for r in plotted.results]


def test_verify_plots_writes_them_into_the_json(tmp_path, exercises):
    root = Path(__file__).resolve().parents[2]
    spec = tmp_path / "t.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    done = subprocess.run([sys.executable, str(root / "cli.py"), "verify", str(spec), "--format", "json", "--plots",
                           "--no-cache", "--select", "t/1"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    results = {r["claim"]: r for r in json.loads(done.stdout)["results"]}
    assert len(results["chain"]["plot"]["x"]) == len(results["chain"]["plot"]["claimed"]) > 400
