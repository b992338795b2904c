"""Densities and probability mass functions for the recipe language, read off `sympy.stats` (never typed in).

`poisson_pmf(k, rate)`, `normal_pdf(y, mean, std)`, `von_mises_pdf(y, mean, kappa)`,
`bernoulli_pmf(y, p)` (y in {0, 1}, written p^y (1 - p)^(1 - y)). The arguments may be any expressions, e.g.
`normal_pdf(y_i, latex("f[x_i, \\phi]"), sigma)`: the density is built with fresh parameters and then
evaluated at them, so assumptions that sympy.stats insists on (a positive rate) never leak into the spec.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp
from sympy import stats

from derive.safe import as_expr


def _fresh(name: str, **flags: bool) -> sp.Symbol:
    return sp.Dummy(name, **flags)


def _instantiate(density: sp.Expr, mapping: dict[sp.Symbol, Any]) -> sp.Expr:
    return density.xreplace({k: as_expr(v) if isinstance(v, (int, float)) else v for k, v in mapping.items()})


def poisson_pmf(k: Any, rate: Any) -> sp.Expr:
    kk, lam = _fresh("k", integer=True, nonnegative=True), _fresh("lambda", positive=True)
    return _instantiate(stats.density(stats.Poisson("K", lam))(kk), {kk: k, lam: rate})


def normal_pdf(y: Any, mean: Any, std: Any) -> sp.Expr:
    yy, mu, sd = _fresh("y", real=True), _fresh("mu", real=True), _fresh("sigma", positive=True)
    return _instantiate(stats.density(stats.Normal("Y", mu, sd))(yy), {yy: y, mu: mean, sd: std})


def von_mises_pdf(y: Any, mean: Any, kappa: Any) -> sp.Expr:
    yy, mu, kk = _fresh("y", real=True), _fresh("mu", real=True), _fresh("kappa", positive=True)
    return _instantiate(stats.density(stats.VonMises("Y", mu, kk))(yy), {yy: y, mu: mean, kk: kappa})


def bernoulli_pmf(y: Any, p: Any) -> sp.Expr:
    """p^y (1 - p)^(1 - y): the pmf of sympy.stats' Bernoulli at y = 0 and y = 1, written for symbolic y."""
    pp = _fresh("p", positive=True)
    pmf = stats.density(stats.Bernoulli("B", pp))
    one, zero = pmf[1], pmf[0]
    yy = _fresh("y", integer=True, nonnegative=True)
    return _instantiate(one ** yy * zero ** (1 - yy), {yy: y, pp: p})


RECIPE_OPS: dict[str, Callable[..., Any]] = {
    "poisson_pmf": poisson_pmf, "normal_pdf": normal_pdf, "von_mises_pdf": von_mises_pdf,
    "bernoulli_pmf": bernoulli_pmf,
}
