"""Indefinite integrals (`\\int x^2 \\, dx`, lowered to an `Integral` without bounds by derive/lower/integrals.py)
are antiderivatives: defined up to a constant of integration. Two expressions of which one holds such an
integral are equal when their derivatives with respect to every variable of integration are: `\\int 2x \\, dx`
equals `x^2` and `x^2 + 5`, never `x^3`. The derivatives are compared by the one engine, with its evidence
and its counterexamples (a point where the derivatives differ)."""

from __future__ import annotations

import sympy as sp

from derive.nodes import atoms_of
from verify.compare.types import Comparison


def integration_variables(*values: sp.Basic) -> list[sp.Symbol]:
    """The variables of the indefinite integrals in `values` (sorted by name), empty when there are none."""
    found: set[sp.Symbol] = set()
    for value in values:
        if not isinstance(value, sp.Basic):
            continue
        for integral in atoms_of(value, sp.Integral):
            found |= {lim[0] for lim in integral.limits if len(lim) == 1}
    return sorted(found, key=str)


def derivatives(claimed: sp.Expr, expected: sp.Expr, variables: list[sp.Symbol]) -> tuple[sp.Expr, sp.Expr]:
    """Both sides differentiated once with respect to each variable (a mixed derivative removes every
    constant of integration of an iterated indefinite integral)."""
    for var in variables:
        claimed, expected = sp.diff(claimed, var), sp.diff(expected, var)
    return claimed, expected


def up_to_a_constant(comp: Comparison, variables: list[sp.Symbol]) -> Comparison:
    """The comparison of the derivatives, said of the antiderivatives."""
    names = ", ".join(str(v) for v in variables)
    if comp.equal is True:
        comp.evidence = f"equal up to a constant of integration (their derivatives in {names}: {comp.evidence})"
    elif comp.equal is False:
        comp.diagnosis = (f"not an antiderivative of the same function: the derivatives in {names} differ"
                          + (f"; {comp.diagnosis}" if comp.diagnosis else ""))
    return comp
