"""Property recipes (`kind: property`): what a sentence of the notes asserts, decided with evidence.

Each recipe returns a `Property`: whether it holds (True, False, or None when it cannot be decided), how that
was established, and for a failure the witness (a point, a direction, an eigenvector). "Holds" needs a proof
or exact arithmetic; "fails" needs an exactly checked witness. Sampling only *finds* witnesses.

    convex(f, [x, y], domain=positive)   Hessian positive semidefinite on the domain (default: all reals)
    strictly_convex(f, [x, y])           Hessian positive definite (sufficient; a singular Hessian somewhere
                                         is undecided unless f is quadratic)
    concave(f, [x]) / strictly_concave   the same for -f
    psd(M) / pd(M)                       a matrix (numbers or symbols)
    maximum(f, x, [a, b]) / minimum(...) an extremum with its location: `.value` and `.at`
    increasing(f, x, [a, b]) / decreasing(...)   monotone on the interval (strictly: f' > 0 but at points)
    tends_to(e, t, target, where=[rho, 0, 1])    the limit as t -> oo, for every rho in the open interval
    overflows(e, "float16") / underflows(e, "float32")   IEEE formats' limits, from NumPy's finfo
    equals(a, b), less(a, b), at_most(a, b)       exact comparisons of derived values
    all_of(p, q, ...), not_(p)                    a sentence asserting several things, or a negation
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any

import numpy as np
import sympy as sp

from derive.recipes.comparisons import (
    SAMPLES,
    all_of,
    equals,
    exact_sign,
    negation,
    ordered,
    point_text,
    show,
)
from derive.recipes.errors import DerivationFailed, RecipeError
from derive.recipes.floats import format_limits, overflows, underflows
from derive.recipes.verdicts import Property


@dataclass
class Extremum:
    """`maximum(f, x, [a, b])`: the value and where it is attained (`.value`, `.at`)."""

    value: sp.Expr
    at: sp.Expr
    recipe_record = True   # components are read with `.value` / `.at`

    def component(self, name: str) -> sp.Expr:
        if name not in ("value", "at"):
            raise RecipeError(f"an extremum has .value and .at, not .{name}")
        return self.value if name == "value" else self.at


def _symbols(vs: Any) -> list[sp.Symbol]:
    items = list(vs) if isinstance(vs, (list, tuple, sp.MatrixBase)) else [vs]
    if not items or not all(isinstance(v, sp.Symbol) for v in items):
        raise RecipeError("variables are a name or a list of names")
    return items


def _domain_point(vs: list[sp.Symbol], rng: random.Random, positive: bool) -> dict[sp.Symbol, sp.Rational]:
    def draw() -> sp.Rational:
        q = sp.Rational(rng.randint(1, 400), rng.randint(1, 40))
        return q if positive or rng.random() < 0.5 else -q
    return {v: draw() for v in vs}


def _data_point(symbols: list[sp.Symbol], rng: random.Random) -> dict[sp.Symbol, sp.Rational]:
    """Values of the other names (data, constants) within their declared signs."""
    point = {}
    for o in symbols:
        point.update(_domain_point([o], rng, bool(o.is_positive or o.is_nonnegative)))
    return point


def _semidefinite(h: sp.Matrix, strict: bool) -> bool | None:
    """Whether a symbolic matrix is PSD (PD) for every value of its symbols, from its principal minors
    (Sylvester's criterion; for PSD all principal minors, not only the leading ones); None when SymPy cannot
    tell the sign of one."""
    n = h.shape[0]
    subsets = [list(range(k)) for k in range(1, n + 1)] if strict else \
        [list(c) for k in range(1, n + 1) for c in combinations(range(n), k)]
    for rows in subsets:
        minor = sp.simplify(h.extract(rows, rows).det())
        sign = minor.is_positive if strict else minor.is_nonnegative
        if sign is None:
            return None
        if not sign:
            return False
    return True


def _negative_direction(h: sp.Matrix, strict: bool) -> sp.Matrix | None:
    """A small rational direction v with vᵀHv < 0 (≤ 0 for `strict`) of a numeric matrix, checked exactly.

    Floating point proposes directions (eigenvectors of the most negative eigenvalues, then the axes); each is
    rounded to small denominators and kept only when the exact vᵀHv has the sign."""
    values = np.array(h.evalf(30).tolist(), dtype=float)
    if not np.all(np.isfinite(values)):
        return None
    vals, vecs = np.linalg.eigh((values + values.T) / 2)
    n = h.shape[0]
    candidates = [vecs[:, k] for k in np.argsort(vals)] + [np.eye(n)[k] for k in range(n)]
    for vec in candidates:
        vec = vec / np.max(np.abs(vec))
        for den in (1, 2, 4, 10, 100, 10_000):
            v = sp.Matrix([sp.Rational(Fraction(float(c)).limit_denominator(den)) for c in vec])
            if all(c == 0 for c in v):
                continue
            sign = exact_sign((v.T * h * v)[0, 0])
            if sign is not None and (sign < 0 or (strict and sign == 0)):
                return v
    return None


def definite(f: sp.Expr, vs: Any, *, strict: bool, sign: int, domain: str = "real",
             name: str = "convex") -> Property:
    """Convexity (sign 1) or concavity (sign -1) of f in the variables vs, from its Hessian."""
    vs = _symbols(vs)
    if isinstance(f, sp.MatrixBase):
        raise RecipeError(f"{name} takes a scalar function")
    if f.atoms(sp.Sum) or f.atoms(sp.Indexed):
        return _over_data(f, vs, strict=strict, sign=sign, domain=domain, name=name)
    return _definite(f, vs, strict=strict, sign=sign, domain=domain, name=name)


def _over_data(f: sp.Expr, vs: list[sp.Symbol], *, strict: bool, sign: int, domain: str,
               name: str) -> Property:
    """f sums over a data set (`\\sum_i (...)`, x_i): convex for every data set when its structure says so
    (a sum of convex terms); otherwise judged on random data sets of three items, exactly, as a reader
    judges "the surface" of a generic data set."""
    statement = f"{show(f)} is {name} in {', '.join(map(show, vs))}"
    if not strict and convex_by_structure(sign * f, set(vs)):
        return Property(statement, True, "a sum of convex terms (squares, absolute values or exponentials of "
                        "affine functions, with nonnegative factors) for every data set (proven by structure)")
    rng = random.Random(1)
    verdicts = []
    for _ in range(2):
        data, shown = _random_data(f, rng)
        prop = _definite(data, vs, strict=strict, sign=sign, domain=domain, name=name)
        if prop.holds is False:
            return Property(statement, False, f"for the data set {shown}: {prop.evidence}",
                            {**prop.witness, "data": shown})
        verdicts.append((prop, shown))
    if all(p.holds for p, _ in verdicts):
        prop, shown = verdicts[0]
        return Property(statement, True, f"for random data sets of three items, e.g. {shown}: {prop.evidence} "
                        "(exact)")
    return Property(statement, None, verdicts[0][0].evidence)


def _random_data(f: sp.Expr, rng: random.Random) -> tuple[sp.Expr, str]:
    """f on a random data set: sums over 3 items, each data entry a small random rational."""
    sizes = {}
    for s in f.atoms(sp.Sum):
        for _, lo, hi in s.limits:
            for bound in (lo, hi):
                if isinstance(bound, sp.Symbol):
                    sizes[bound] = sp.Integer(3)
    expanded = f.xreplace(sizes).doit()
    entries = sorted(expanded.atoms(sp.Indexed), key=str)
    values = {e: sp.Rational(rng.randint(-20, 20), rng.randint(1, 5)) for e in entries}
    shown = ", ".join([f"{k} = {v}" for k, v in sizes.items()] + [f"{k} = {v}" for k, v in values.items()])
    return expanded.xreplace(values), shown


def convex_by_structure(f: sp.Expr, vs: set[sp.Symbol]) -> bool:
    """Disciplined-convex rules: affine, c·convex (c ≥ 0), sums, even powers and |.| of affine functions,
    exp of a convex function, max of convex functions, sums over data of convex terms."""
    if not f.free_symbols & vs:
        return True
    if _affine(f, vs):
        return True
    if isinstance(f, sp.Add):
        return all(convex_by_structure(t, vs) for t in f.args)
    if isinstance(f, sp.Sum):
        return convex_by_structure(f.function, vs)
    if isinstance(f, sp.Mul):
        const = [a for a in f.args if not a.free_symbols & vs]
        rest = [a for a in f.args if a.free_symbols & vs]
        factor = sp.Mul(*const)
        return len(rest) == 1 and bool(factor.is_nonnegative) and convex_by_structure(rest[0], vs)
    if isinstance(f, sp.Pow):
        base, exp = f.args
        return bool(exp.is_integer and exp.is_even and exp.is_positive) and _affine(base, vs)
    if isinstance(f, sp.Abs):
        return _affine(f.args[0], vs)
    if isinstance(f, sp.exp):
        return convex_by_structure(f.args[0], vs)
    if isinstance(f, sp.Max):
        return all(convex_by_structure(a, vs) for a in f.args)
    return False


def _affine(f: sp.Expr, vs: set[sp.Symbol]) -> bool:
    return all(not sp.diff(f, a, b).free_symbols & vs and sp.diff(f, a, b) == 0 for a in vs for b in vs) \
        if f.is_polynomial(*vs) else False


def _definite(f: sp.Expr, vs: list[sp.Symbol], *, strict: bool, sign: int, domain: str,
              name: str) -> Property:
    hessian = sp.Matrix([[sp.diff(sign * f, a, b) for b in vs] for a in vs])
    statement = f"{show(f)} is {name} in {', '.join(map(show, vs))}"
    positive = domain == "positive"
    where = "for positive values" if positive else "everywhere"
    if not hessian.free_symbols:   # a quadratic: the Hessian is one matrix, decided exactly
        return _constant_hessian(hessian, statement, strict, f"the Hessian {show(hessian * sign)}")
    if strict and not hessian.free_symbols & set(vs) and sp.simplify(hessian.det()) == 0:
        # quadratic in the variables with a Hessian singular for every value of the data: f is linear along
        # its null direction, so never strictly convex
        return Property(statement, False, f"the Hessian {show(hessian * sign)} is singular for every value "
                        "(determinant 0): f is flat along a direction", {})
    rng = random.Random(0)
    others = sorted(hessian.free_symbols - set(vs), key=str)   # data such as x, y: any allowed value
    for _ in range(SAMPLES):
        point = _domain_point(vs, rng, positive)
        point.update(_data_point(others, rng))
        h = hessian.xreplace(point)
        if h.free_symbols:
            break
        direction = _negative_direction(h, strict=False)
        if direction is not None:
            return Property(statement, False, "the Hessian is not positive semidefinite at a point "
                            "(second derivative along the direction is negative, exactly)",
                            {"point": point_text(point), "direction": show(direction.T)})
    assumed = _assume(hessian, vs, positive)
    proven = _semidefinite(assumed, strict)
    if proven:
        return Property(statement, True, f"every {'leading ' if strict else ''}principal minor of the Hessian is "
                        f"{'positive' if strict else 'nonnegative'} {where} (proven symbolically)")
    if proven is False and not strict:
        return Property(statement, None, "a principal minor of the Hessian can be negative, but no point "
                        "with a negative curvature was found")
    return Property(statement, None, f"no point with negative curvature among {SAMPLES} tried, "
                    "but the Hessian's sign could not be proven")


def _constant_hessian(h: sp.Matrix, statement: str, strict: bool, what: str) -> Property:
    direction = _negative_direction(h, strict)
    if direction is not None:
        q = (direction.T * h * direction)[0, 0]
        return Property(statement, False, f"{what} has vᵀHv = {show(sp.nsimplify(q))} "
                        f"{'≤' if strict else '<'} 0 along v (exact)", {"direction": show(direction.T)})
    proven = _semidefinite(h, strict)
    if proven:
        return Property(statement, True, f"{what} is positive {'definite' if strict else 'semidefinite'} "
                        "(exact principal minors)")
    return Property(statement, None, f"the sign of {what} could not be decided")


def _assume(h: sp.Matrix, vs: list[sp.Symbol], positive: bool) -> sp.Matrix:
    """The Hessian with its variables real (or positive), so minors like e^x or x^2 + 1 have a known sign."""
    flags = {"positive": True} if positive else {"real": True}
    return h.xreplace({v: sp.Symbol(v.name, **flags) for v in vs})


def matrix_definite(m: Any, *, strict: bool) -> Property:
    """`psd(M)` / `pd(M)` of a matrix of numbers or symbols."""
    h = sp.Matrix(m) if not isinstance(m, sp.Matrix) else m
    if h.shape[0] != h.shape[1]:
        raise RecipeError(f"{'pd' if strict else 'psd'} takes a square matrix, got {h.shape[0]} x {h.shape[1]}")
    kind = "definite" if strict else "semidefinite"
    statement = f"{show(h)} is positive {kind}"
    if h != h.T:
        return Property(statement, False, "the matrix is not symmetric", {})
    if not h.free_symbols:
        return _constant_hessian(h, statement, strict, "the matrix")
    proven = _semidefinite(h, strict)
    if proven:
        return Property(statement, True, "principal minors have the required sign for every value (proven)")
    return Property(statement, None, "the sign of a principal minor depends on the symbols")


def extremum(f: sp.Expr, x: Any, interval: Any = None, *, kind: str) -> Extremum:
    """The maximum (minimum) of f over an interval (default: the real line) and where it is attained."""
    x, xr, g, lo, hi, domain = _on_interval(f, x, interval)
    value = (sp.maximum if kind == "max" else sp.minimum)(g, xr, domain)
    if value is None or value.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise DerivationFailed(f"{g} has no {kind}imum on {domain}")
    critical = sp.solveset(sp.diff(g, xr), xr, domain)
    candidates = list(critical) if isinstance(critical, sp.FiniteSet) else []
    candidates += [b for b in (lo, hi) if b.is_finite]
    where = [c for c in candidates if sp.simplify(g.xreplace({xr: c}) - value) == 0]
    if len(where) != 1:
        raise DerivationFailed(f"the {kind}imum {value} is attained at {len(where)} points found")
    return Extremum(sp.simplify(value), where[0])


def _on_interval(f: sp.Expr, x: Any, interval: Any) -> tuple:
    """(x, x as a real symbol, f of that real x, low, high, the interval) of a one-variable recipe."""
    (x,) = _symbols(x)
    lo, hi = _interval(interval)
    xr = sp.Symbol(x.name, real=True)
    return x, xr, f.xreplace({x: xr}), lo, hi, sp.Interval(lo, hi)


def _interval(interval: Any) -> tuple[sp.Expr, sp.Expr]:
    if interval is None:
        return -sp.oo, sp.oo
    if not isinstance(interval, (list, tuple)) or len(interval) != 2:
        raise RecipeError("an interval is [low, high] (oo for infinity)")
    lo, hi = (sp.Integer(b) if isinstance(b, int) else b for b in interval)
    if not all(isinstance(b, sp.Expr) for b in (lo, hi)):
        raise RecipeError("interval bounds are numbers or expressions")
    return lo, hi


def monotone(f: sp.Expr, x: Any, interval: Any = None, *, increasing: bool) -> Property:
    x, xr, g, lo, hi, domain = _on_interval(f, x, interval)
    word = "increasing" if increasing else "decreasing"
    statement = f"{show(f)} is {word} on {show(domain)}"
    check: Callable[..., Any] = sp.is_increasing if increasing else sp.is_decreasing
    if check(g, domain, xr):
        return Property(statement, True, f"the derivative {show(sp.diff(g, xr))} has the right sign on "
                        f"{show(domain)} (proven)")
    slope = sp.diff(g, xr)
    rng = random.Random(0)
    for _ in range(SAMPLES):
        point = _point_in(lo, hi, rng)
        sign = exact_sign(slope.xreplace({xr: point}))
        if sign is not None and sign == (-1 if increasing else 1):
            return Property(statement, False, f"the derivative is {'negative' if increasing else 'positive'} at "
                            f"{x} = {show(point)} (exact)", {"point": f"{x} = {show(point)}"})
    return Property(statement, None, "no point where the derivative has the wrong sign was found, "
                    "and no proof either")


def _point_in(lo: sp.Expr, hi: sp.Expr, rng: random.Random) -> sp.Rational:
    a = lo if lo.is_finite else (hi - 50 if hi.is_finite else sp.Integer(-50))
    b = hi if hi.is_finite else a + 100
    t = sp.Rational(rng.randint(1, 999), 1000)
    return sp.nsimplify(a + (b - a) * t)


def tends_to(e: sp.Expr, t: Any, target: sp.Expr, where: Any = None) -> Property:
    """The limit of e as t -> oo is target; `where=[rho, a, b]`: for every rho strictly between a and b
    (proven with rho = a + (b - a)/(1 + s), s > 0; refuted by an exact limit at one rational rho)."""
    (t,) = _symbols(t)
    tt = sp.Symbol(t.name, positive=True)
    expr = e.xreplace({t: tt})
    statement = f"{show(e)} \\to {show(target)} as {t} \\to \\infty"
    if where is None:
        value = sp.limit(expr, tt, sp.oo)
        if value.has(sp.Limit):
            return Property(statement, None, "SymPy could not compute the limit")
        if _same_limit(value, target):
            return Property(statement, True, f"the limit is {show(value)} (computed exactly)")
        return Property(statement, False, f"the limit is {show(value)}, not {show(target)} (exact)")
    if not isinstance(where, (list, tuple)) or len(where) != 3 or not isinstance(where[0], sp.Symbol):
        raise RecipeError("where takes [name, low, high]")
    p, lo, hi = where
    statement += f" for every {show(p)} in ({show(lo)}, {show(hi)})"
    s = sp.Symbol("s_param", positive=True)
    value = sp.limit(expr.xreplace({p: lo + (hi - lo) / (1 + s)}), tt, sp.oo)
    if not value.has(sp.Limit) and _same_limit(value, target):
        return Property(statement, True, f"the limit is {show(target)} for every such {show(p)} (computed "
                        "exactly)")
    rng = random.Random(0)
    for k in range(12):
        q = _point_in(lo, hi, rng) if k else lo + (hi - lo) * sp.Rational(99, 100)
        at = sp.limit(expr.xreplace({p: q}), tt, sp.oo)
        if at.has(sp.Limit):
            continue
        if not _same_limit(at, target):
            return Property(statement, False, f"at {show(p)} = {show(q)} the limit is {show(at)}, not "
                            f"{show(target)} (exact)", {"point": f"{p} = {show(q)}"})
    return Property(statement, None, "the limit could not be computed for every value, and no value refutes it")


def _same_limit(value: sp.Expr, target: sp.Expr) -> bool:
    """Limits agree: the same infinity (oo - oo is nan, never 0), or a difference that simplifies to 0."""
    if value.is_infinite or target.is_infinite:
        return value == target
    return sp.simplify(value - target) == 0


def _conv(strict: bool, sign: int, name: str) -> Callable[..., Property]:
    def op(f: sp.Expr, vs: Any, domain: str = "real") -> Property:
        return definite(f, vs, strict=strict, sign=sign, domain=str(domain), name=name)
    return op


RECIPE_OPS: dict[str, Callable[..., Any]] = {
    "convex": _conv(False, 1, "convex"), "strictly_convex": _conv(True, 1, "strictly convex"),
    "concave": _conv(False, -1, "concave"), "strictly_concave": _conv(True, -1, "strictly concave"),
    "psd": lambda m: matrix_definite(m, strict=False), "pd": lambda m: matrix_definite(m, strict=True),
    "rank": lambda m: sp.Integer(sp.Matrix(m).rank()),
    "maximum": lambda f, x, interval=None: extremum(f, x, interval, kind="max"),
    "minimum": lambda f, x, interval=None: extremum(f, x, interval, kind="min"),
    "increasing": lambda f, x, interval=None: monotone(f, x, interval, increasing=True),
    "decreasing": lambda f, x, interval=None: monotone(f, x, interval, increasing=False),
    "tends_to": tends_to, "overflows": overflows, "underflows": underflows,
    "float_max": lambda dtype: format_limits(str(dtype))["max"],
    "float_eps": lambda dtype: format_limits(str(dtype))["eps"],
    "float_tiny": lambda dtype: format_limits(str(dtype))["tiny"],
    "equals": equals, "less": lambda a, b: ordered(a, b, strict=True),
    "at_most": lambda a, b: ordered(a, b, strict=False),
    "all_of": all_of, "not_": negation,
}


def is_property(value: Any) -> bool:
    return isinstance(value, Property)


__all__: Sequence[str] = ("Extremum", "RECIPE_OPS", "is_property")
