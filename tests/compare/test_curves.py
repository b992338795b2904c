"""Curve data of wrong claims, computed at check time from the expressions the checker compared."""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp

from verify.compare.curves import (
    collecting_plots,
    curves_for,
    equation_curves,
    fixed_index_curves,
    plots_enabled,
    unplotted,
)
from verify.report.html.plots import render_svg
from verify.result import ClaimResult, Counterexample, Location, PlotData, Verdict

x, phi_0, phi, i = sp.symbols("x phi_0 phi i", real=True)


def _cx(point: dict, claimed: float, derived: float) -> Counterexample:
    return Counterexample(point=point, claimed=claimed, expected=derived)


def _curves(claimed, derived, cx, **kw) -> PlotData:
    with collecting_plots():
        plot = curves_for(claimed, derived, cx, seed=kw.pop("seed", 0), **kw)
    assert plot is not None
    return plot


def test_off_unless_asked_for():
    assert not plots_enabled()
    assert curves_for(x, 2 * x, _cx({"x": 1.5}, 1.5, 3.0), seed=0) is None
    with collecting_plots():
        assert plots_enabled()
        with collecting_plots(False):
            assert fixed_index_curves(x, x, {"i"}, seed=0) is None
    assert not plots_enabled()


def test_kinks_are_located_and_drawn_sharp():
    plot = _curves(sp.Max(0, x - sp.Rational(3137, 10000)), x, _cx({"x": -1.5}, 0.0, -1.5))
    assert plot.drawable and plot.xlabel == "x" and plot.x0 == -1.5 and (plot.c0, plot.e0) == (0.0, -1.5)
    assert len(plot.kinks_claimed) == 1 and abs(plot.kinks_claimed[0] - 0.3137) < 1e-6
    assert plot.kinks_derived == []  # a straight line has none
    assert plot.kinks_claimed[0] in plot.x  # the corner itself is a sample, not cut by the grid
    assert plot.x[0] <= -2.5 and plot.x[-1] >= 2.5 and "kinks or jumps" in plot.note
    svg = render_svg(plot)
    assert 'id="kinks-claimed"' in svg and 'id="kinks-derived"' not in svg and 'id="counterexample"' in svg


def test_fast_oscillation_is_zoomed_in_not_aliased():
    plot = _curves(sp.sin(40 * x), -sp.sin(40 * x), _cx({"x": 0.3}, math.sin(12), -math.sin(12)))
    assert plot.x[0] < 0.3 < plot.x[-1] and plot.x[-1] - plot.x[0] < 1.5  # a few periods, not 25
    assert plot.claimed == pytest.approx(np.sin(40 * np.array(plot.x)).tolist())


def test_several_variables_move_along_a_line():
    y = sp.Symbol("y", real=True)
    plot = _curves(x * y, x + y, _cx({"x": 1.0, "y": 2.0}, 2.0, 3.0))
    assert plot.xlabel == "t" and "moves x, y together" in plot.note and plot.x0 == 0.0
    t = np.array(plot.x)
    assert plot.derived == pytest.approx((3.0 + 2 * t / math.sqrt(2)).tolist())


def test_a_pole_is_a_gap_not_a_number():
    plot = _curves(1 / x, 2 / x, _cx({"x": 0.5}, 2.0, 4.0))
    assert None in plot.claimed and all(v is None or math.isfinite(v) for v in plot.claimed)


def test_no_plot_unless_the_expressions_give_the_reported_values():
    assert "reported values" in _curves(x**2, 2 * x, _cx({"x": 1.5}, 99.0, 3.0)).note
    assert not _curves(x**2, 2 * x, _cx({"x": 1.5}, 99.0, 3.0)).drawable
    assert "a number" in _curves(sp.Integer(8), sp.Integer(4), _cx({}, 8.0, 4.0)).note
    assert "whole numbers" in _curves(sp.Integer(2), 2 * sp.Symbol("I"), _cx({"I": 2}, 2.0, 4.0)).note
    assert "no counterexample" in _curves(x, 2 * x, None).note
    assert "auxiliary" in _curves(x, 2 * x, _cx({"x__1": 1.0}, 1.0, 2.0)).note


def test_equation_claim_plots_the_unknown_each_equation_gives():
    with collecting_plots():
        plot = equation_curves(phi_0 - x, 2 * phi_0 - 4 * x, _cx({"x": 1.5}, 1.5, 0.0), seed=0,
                               diagnosis="not equivalent: with phi_0 solving the derived equation, this one fails")
    assert plot.ylabel == "phi_0" and (plot.c0, plot.e0) == (1.5, 3.0)
    assert plot.claimed == pytest.approx(plot.x) and plot.derived == pytest.approx([2 * v for v in plot.x])


def test_matrix_claim_plots_its_first_wrong_entry():
    plot = _curves(sp.Matrix([[x, 2 * x]]), sp.Matrix([[x, 3 * x]]), _cx({"x": 1.5}, 3.0, 4.5),
                   diagnosis="entry (1,2): differs")
    assert plot.ylabel == "entry (1,2)" and (plot.c0, plot.e0) == (3.0, 4.5)
    assert plot.derived == pytest.approx([3 * v for v in plot.x])


def test_an_ill_posed_free_index_is_plotted_as_read_at_one():
    with collecting_plots():
        plot = fixed_index_curves(2 * phi + i, 2 * phi, {"i"}, seed=5)
    assert plot.drawable and "free index i = 1" in plot.note
    assert plot.claimed == pytest.approx([v + 1 for v in plot.derived])
    with collecting_plots():
        same = fixed_index_curves(2 * phi + i - 1, 2 * phi, {"i"}, seed=5)
        eq = fixed_index_curves(phi + i, sp.Eq(phi, 0), {"i"}, seed=5)
    assert not same.drawable and "does not differ" in same.note
    assert not eq.drawable and "equation or a matrix" in eq.note


def test_unplotted_results_say_why():
    r = ClaimResult("t/1", "c", Verdict.WRONG, Location("n.md", 1), "differs",
                    counterexample=_cx({"entry": "3"}, 1.0, 2.0))
    assert unplotted(r).note == "the claim is a number, not a function of a real variable"
    r.counterexample = None
    assert "no counterexample" in unplotted(r).note


def test_a_failure_is_a_note_never_an_exception(monkeypatch):
    import verify.compare.curves as curves

    def broken(*args, **kwargs):
        raise AttributeError("no")

    monkeypatch.setattr(curves, "_along_line", broken)
    plot = _curves(x, 2 * x, _cx({"x": 1.5}, 1.5, 3.0))
    assert plot.note == "the plot could not be computed (AttributeError)"
