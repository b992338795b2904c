"""Rewrites that let SymPy cancel what a proof or a diagnosis needs cancelled."""

from __future__ import annotations

import sympy as sp


def merge_sums(expr: sp.Expr) -> sp.Expr:
    """Σf - Σg over the same range -> Σ(f - g), so the summands can be simplified together."""
    expr = sp.expand(expr, deep=False, mul=True, power_base=False, power_exp=False, log=False)
    if not isinstance(expr, sp.Add):
        return expr
    groups: dict[tuple, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for term in expr.args:
        coeff, body = term.as_coeff_Mul()
        if isinstance(body, sp.Sum) and len(body.limits) == 1:
            groups.setdefault(body.limits[0], []).append(coeff * body.function)
        else:
            rest.append(term)
    merged = [sp.Sum(sp.Add(*terms), lim) for lim, terms in groups.items()]
    return sp.Add(*rest, *merged)
