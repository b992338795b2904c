"""Expectations and variances of functions of declared random variables.

`symbols: {a: {normal: [0, sigma]}}` declares a ~ Normal(mean 0, standard deviation sigma). In formulas,
`\\mathbb{E}[...]` and `\\text{Var}[...]` are computed exactly with sympy.stats and cross-checked by a
seeded Monte Carlo estimate at random parameter values; when the exact result cannot be found or the two
disagree, the expectation cannot be decided (ExpectationUndecided -> unverified), never guessed.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy as sp
from sympy import stats

from derive.numeric import Evaluator, NumericError, SamplePoints
from derive.spec.declarations import Declarations

EXPECTATION_NAMES = {"bb_E", "E", "mathbb_E"}
VARIANCE_NAMES = {"Var", "var", "bb_V", "V"}
MC_SAMPLES = 400_000
MC_SEED = 12345


class ExpectationUndecided(ValueError):
    """An expectation that could not be computed reliably."""


def _param(decls: Declarations, v: Any) -> sp.Expr:
    if isinstance(v, str):
        decls.assumptions.setdefault(v, {"positive": True})
        return decls.symbol(v)
    return sp.nsimplify(v)


def _random_variables(decls: Declarations) -> dict[sp.Symbol, Any]:
    out = {}
    for name, (kind, mean, std) in decls.distributions.items():
        if kind == "normal":
            out[decls.symbol(name)] = stats.Normal(f"rv_{name}", _param(decls, mean), _param(decls, std))
    return out


# Each claim of an exercise lowers the exercise's givens again, so the same expectation is asked for many times
# in one process; it depends only on the expression and the distributions (a budget running out is never kept).
_MEMO: dict[tuple, sp.Expr | ExpectationUndecided] = {}
_MEMO_SIZE = 512


def expectation(expr: sp.Expr, decls: Declarations, *, variance: bool = False) -> sp.Expr:
    """E[expr] (or Var[expr]) over the declared random variables, exact and Monte-Carlo checked."""
    rvs = _random_variables(decls)
    used = {s: rv for s, rv in rvs.items() if s in expr.free_symbols}
    if not used:
        return sp.Integer(0) if variance else expr
    key = (expr, variance, tuple(sorted((s.name, rv.pspace.distribution.args) for s, rv in used.items())))
    hit = _MEMO.get(key)
    if isinstance(hit, ExpectationUndecided):
        raise ExpectationUndecided(str(hit))
    if hit is not None:
        return hit
    if len(_MEMO) >= _MEMO_SIZE:
        _MEMO.clear()
    try:
        value = _expectation(expr, used, decls, variance)
    except ExpectationUndecided as exc:
        _MEMO[key] = exc
        raise
    _MEMO[key] = value
    return value


def _expectation(expr: sp.Expr, used: dict, decls: Declarations, variance: bool) -> sp.Expr:
    target = expr.xreplace(used)
    exact = _by_intervals(expr, used, variance) if len(used) == 1 else None
    try:
        if exact is None:
            exact = stats.variance(target) if variance else stats.E(target)
        exact = sp.simplify(exact)
    except TimeoutError:
        raise   # a budget (this claim's or an inner one) ran out: never "could not be computed"
    except Exception as exc:  # noqa: BLE001 - sympy.stats raises many kinds
        raise ExpectationUndecided(f"the expectation could not be computed exactly ({type(exc).__name__})") from None
    if exact.has(sp.Integral) or exact.has(stats.rv.RandomSymbol):
        raise ExpectationUndecided("the expectation has no closed form here")
    _monte_carlo_check(expr, exact, used, decls, variance)
    return exact


def _kinks(expr: sp.Expr, a: sp.Symbol) -> list[sp.Expr] | None:
    """Points where a piecewise function of a changes formula (ReLU, |a|, step, cases), or None."""
    pieces: list[sp.Expr] = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Max, sp.Min)) and node.has(a):
            pieces.extend(u - v for u, v in zip(node.args, node.args[1:], strict=False))
        elif isinstance(node, (sp.Heaviside, sp.Abs, sp.sign)) and node.has(a):
            pieces.append(node.args[0])
        elif isinstance(node, sp.Piecewise) and node.has(a):
            for _, cond in node.args:
                for rel in cond.atoms(sp.core.relational.Relational):
                    pieces.append(rel.lhs - rel.rhs)
    roots: set[sp.Expr] = set()
    for p in pieces:
        poly = sp.Poly(p, a) if p.is_polynomial(a) else None
        if poly is None or poly.degree() > 1:
            return None
        if poly.degree() == 1:
            roots.add(sp.simplify(-poly.all_coeffs()[1] / poly.all_coeffs()[0]))
    if not all(r.is_number for r in roots):
        return None
    return sorted(roots, key=lambda r: float(r))


def _branch(expr: sp.Expr, a: sp.Symbol, point: sp.Expr) -> sp.Expr | None:
    """expr with every piecewise part replaced by the formula it has around `point`."""
    def pick_max(node):
        values = [(arg, arg.xreplace({a: point})) for arg in node.args]
        if not all(v.is_number for _, v in values):
            raise ValueError
        choose = max if isinstance(node, sp.Max) else min
        return choose(values, key=lambda av: float(av[1]))[0]

    try:
        out = expr.replace(lambda n: isinstance(n, (sp.Max, sp.Min)) and n.has(a), pick_max)
        out = out.replace(lambda n: isinstance(n, sp.Heaviside) and n.has(a),
                          lambda n: sp.Integer(1) if n.args[0].xreplace({a: point}) > 0 else sp.Integer(0))
        out = out.replace(lambda n: isinstance(n, sp.Abs) and n.has(a),
                          lambda n: n.args[0] if n.args[0].xreplace({a: point}) > 0 else -n.args[0])
        out = out.replace(lambda n: isinstance(n, sp.sign) and n.has(a),
                          lambda n: sp.Integer(1) if n.args[0].xreplace({a: point}) > 0 else sp.Integer(-1))
        out = out.replace(lambda n: isinstance(n, sp.Piecewise) and n.has(a),
                          lambda n: next(v for v, c in n.args if bool(c.xreplace({a: point}))))
    except (ValueError, TypeError, StopIteration):
        return None
    return out


def _by_intervals(expr: sp.Expr, used: dict, variance: bool) -> sp.Expr | None:
    """E[g(a)] for one normal a and a piecewise g: one ordinary integral per piece (fast, exact).

    sympy.stats spends seconds on E[ReLU(a)^4] because it integrates through Max; between the kinks g is one
    formula, and the normal density integrates against it directly. None when g is not of that kind.
    """
    (a, rv), = used.items()
    dist = rv.pspace.distribution
    mean, std = dist.mean, dist.std
    kinks = _kinks(expr, a)
    if kinks is None:
        return None
    density = sp.exp(-(a - mean) ** 2 / (2 * std ** 2)) / (sp.sqrt(2 * sp.pi) * std)
    edges = [-sp.oo, *kinks, sp.oo]

    def integral(g: sp.Expr) -> sp.Expr | None:
        total = sp.Integer(0)
        for lo, hi in zip(edges, edges[1:], strict=False):
            point = (lo + hi) / 2 if lo.is_finite and hi.is_finite else (hi - 1 if lo == -sp.oo else lo + 1)
            if lo == -sp.oo and hi == sp.oo:
                point = sp.Integer(0)
            piece = _branch(g, a, point)
            if piece is None or piece.has(sp.Max, sp.Min, sp.Heaviside, sp.Piecewise, sp.Abs, sp.sign):
                return None
            if piece == 0:
                continue
            value = sp.integrate(sp.expand(piece) * density, (a, lo, hi))
            if value.has(sp.Integral):
                return None
            total += value
        return total

    first = integral(expr)
    if first is None or not variance:
        return first
    second = integral(sp.expand(expr ** 2))
    return None if second is None else second - first ** 2


def _monte_carlo_check(expr, exact, used, decls: Declarations, variance: bool) -> None:
    rng = np.random.default_rng(MC_SEED)
    dist_params = {s for rv in used.values() for s in rv.pspace.distribution.free_symbols}
    params = sorted((exact.free_symbols | expr.free_symbols | dist_params) - set(used), key=lambda s: s.name)
    values = {p: sp.Float(rng.uniform(0.5, 2.0)) for p in params}
    samples = {}
    for sym, rv in used.items():
        dist = rv.pspace.distribution
        mean, std = (float(sp.N(x.xreplace(values))) for x in (dist.mean, dist.std))
        samples[sym] = rng.normal(mean, std, MC_SAMPLES)
    # The tree-walking evaluator, never lambdify: expressions from spec text must not reach exec.
    pts = SamplePoints(n=MC_SAMPLES, seed=MC_SEED)
    for sym, draw in samples.items():
        pts.scalars[sym.name] = draw
    for p in params:
        pts.scalars[p.name] = np.full(MC_SAMPLES, float(values[p]))
    try:
        draws = Evaluator(pts)(expr)
    except (NumericError, TypeError, ValueError) as exc:
        raise ExpectationUndecided(f"Monte Carlo evaluation failed ({type(exc).__name__})") from None
    draws = np.broadcast_to(draws, (MC_SAMPLES,))
    estimate = draws.var() if variance else draws.mean()
    spread = (draws - draws.mean()) ** 2 if variance else draws
    stderr = float(spread.std()) / np.sqrt(MC_SAMPLES)
    target = float(sp.N(exact.xreplace(values)))
    if not abs(estimate - target) <= 6 * stderr + 1e-9 * max(1.0, abs(target)):
        raise ExpectationUndecided(f"exact value {target:.6g} and Monte Carlo estimate {estimate:.6g} disagree")
