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

from derive.declarations import Declarations

EXPECTATION_NAMES = {"bb_E", "E", "mathbb_E"}
VARIANCE_NAMES = {"Var", "var", "bb_V", "V"}
MC_SAMPLES = 400_000
MC_SEED = 12345


class ExpectationUndecided(ValueError):
    """An expectation that could not be computed reliably."""


def declared_distribution(value: Any) -> tuple[str, Any, Any]:
    if not (isinstance(value, list) and len(value) == 2):
        raise ValueError("normal takes [mean, standard deviation]")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f"a distribution parameter is a number or a name, got {v!r}")
    return ("normal", value[0], value[1])


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


def expectation(expr: sp.Expr, decls: Declarations, *, variance: bool = False) -> sp.Expr:
    """E[expr] (or Var[expr]) over the declared random variables, exact and Monte-Carlo checked."""
    rvs = _random_variables(decls)
    used = {s: rv for s, rv in rvs.items() if s in expr.free_symbols}
    if not used:
        return sp.Integer(0) if variance else expr
    target = expr.xreplace(used)
    try:
        exact = stats.variance(target) if variance else stats.E(target)
        exact = sp.simplify(exact)
    except Exception as exc:  # noqa: BLE001 - sympy.stats raises many kinds
        raise ExpectationUndecided(f"the expectation could not be computed exactly ({type(exc).__name__})") from None
    if exact.has(sp.Integral) or exact.has(stats.rv.RandomSymbol):
        raise ExpectationUndecided("the expectation has no closed form here")
    _monte_carlo_check(expr, exact, used, decls, variance)
    return exact


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
    fn = sp.lambdify(list(used) + params, expr.xreplace({}), modules="numpy")
    try:
        draws = np.asarray(fn(*samples.values(), *[float(values[p]) for p in params]), dtype=float)
    except Exception as exc:  # noqa: BLE001
        raise ExpectationUndecided(f"Monte Carlo evaluation failed ({type(exc).__name__})") from None
    draws = np.broadcast_to(draws, (MC_SAMPLES,))
    estimate = draws.var() if variance else draws.mean()
    spread = (draws - draws.mean()) ** 2 if variance else draws
    stderr = float(spread.std()) / np.sqrt(MC_SAMPLES)
    target = float(sp.N(exact.xreplace(values)))
    if not abs(estimate - target) <= 6 * stderr + 1e-9 * max(1.0, abs(target)):
        raise ExpectationUndecided(f"exact value {target:.6g} and Monte Carlo estimate {estimate:.6g} disagree")
