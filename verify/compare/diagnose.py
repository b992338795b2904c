"""Say *how* a wrong claim differs: a constant factor, a sign, or a single missing/extra term."""

from __future__ import annotations

import numpy as np
import sympy as sp

from derive.numeric import constant_rational, sampled_ratios
from verify.compare.algebra import merge_sums
from verify.compare.types import Comparison
from verify.write.latex import to_latex


def format_expr(expr: sp.Basic) -> str:
    """Short LaTeX for messages (indexed data printed as x_i)."""
    text = to_latex(expr)
    return "-" + text[2:] if text.startswith("- ") else text


def constant_ratio(claimed: sp.Expr, expected: sp.Expr, seed: int = 7) -> sp.Rational | None:
    # Two sets of points: integers (sizes such as I) take one value per set, so a ratio like 1/I is not constant.
    ratios = []
    for trial in (0, 1):
        got = sampled_ratios(claimed, expected, n=24, seed=seed + 101 * trial, trial=trial)
        if got is None or got.size < 8:
            return None
        ratios.append(got)
    r = constant_rational(np.concatenate(ratios))
    return None if r is None or r == 1 else r


def _terms(expr: sp.Expr) -> list[sp.Expr]:
    return list(sp.Add.make_args(sp.expand(expr)))


def _single_term_difference(claimed: sp.Expr, expected: sp.Expr) -> str | None:

    diff = merge_sums(claimed - expected)
    in_sum = isinstance(diff, sp.Sum)
    body = diff.function if in_sum else diff
    body_terms = [t for t in _terms(body) if t != 0]
    if len(body_terms) != 1:
        return None
    u = body_terms[0]
    where = " inside the sum" if in_sum else ""
    ref = expected.function if in_sum and isinstance(expected, sp.Sum) else expected
    mine = claimed.function if in_sum and isinstance(claimed, sp.Sum) else claimed
    if -u in _terms(ref):
        return f"missing term {format_expr(-u)}{where}"
    if u in _terms(mine):
        return f"extra term {format_expr(u)}{where}"
    return f"differs by {format_expr(u)}{where}"


def diagnose(claimed: sp.Expr, expected: sp.Expr, comparison: Comparison | None = None) -> str | None:
    if isinstance(claimed, sp.MatrixBase) or isinstance(expected, sp.MatrixBase):
        return None
    try:
        ratio = constant_ratio(claimed, expected)
        if ratio is not None:
            if ratio == -1:
                return "sign error (claim is the negative of the derived value)"
            if ratio == 0:   # a factor 0 is no diagnosis: the claim vanishes, the derivation does not
                return f"the claim is 0 where {format_expr(expected)} is derived"
            return f"off by factor {format_expr(ratio)}"
        if claimed.is_number and expected.is_number:
            return f"{format_expr(claimed)} where {format_expr(expected)} is derived"
        return _single_term_difference(claimed, expected)
    except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError):
        return None
