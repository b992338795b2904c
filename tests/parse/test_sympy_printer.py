"""Everything `sympy.latex()` writes is read back as the same value (issue 15, item 1).

Random expressions of symbols, rationals, floats, + - * /, powers, roots, exp/log, every trig and hyperbolic
function and its inverse, Abs, factorial, binomial, floor/ceiling, Min/Max, Piecewise, and sums, products,
derivatives, integrals (definite, iterated, indefinite), limits (one- and two-sided) and matrices, printed with
each of the printer's options (sympy_printer_cases.OPTIONS), must be read by the entry `derivcheck equiv` uses
and have the same value at two rational points. Derandomized (CI meets the same 2000+ examples every run), each
example under a CPU budget so one slow SymPy call fails with its example instead of stalling the suite.
"""

from __future__ import annotations

import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sympy_printer_cases import (
    OPTIONS,
    agree,
    ambiguous_print,
    compared,
    expressions,
    read,
    truth,
    values,
    wrapped,
)

from verify.compare.budget import time_limit

BUDGET = 10.0
EXAMPLES = settings(max_examples=1500, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
WRAPPED = settings(EXAMPLES, max_examples=500)


def _round_trip(e: sp.Basic, options: dict) -> None:
    assume(not ambiguous_print(e, options))
    latex = sp.latex(e, **options)
    with time_limit(BUDGET):
        meant, got = truth(e), compared(read(latex))
        if got == meant:
            return   # the same expression (same symbols and assumptions): nothing to evaluate
        expected, found = values(meant), values(got)
    assert agree(expected, found), (latex, options, expected, found)


@EXAMPLES
@given(expressions(), st.sampled_from(OPTIONS))
def test_sympy_latex_of_an_expression_reads_back_as_the_same_value(e: sp.Expr, options: dict) -> None:
    _round_trip(e, options)


@WRAPPED
@given(wrapped(), st.sampled_from(OPTIONS))
def test_sympy_latex_of_sums_derivatives_integrals_limits_matrices_reads_back(e: sp.Basic, options: dict) -> None:
    _round_trip(e, options)
