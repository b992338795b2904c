"""Vectorised numeric evaluation of SymPy expressions at many random points at once.

A tree walk instead of `lambdify`: lambdify generates and execs Python source from the expression,
and expressions here come from spec text, which must never reach exec. The walk also gives data
arrays for indexed sums and consistent values for opaque functions.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

MAX_SUM_TERMS = 200


class NumericError(ValueError):
    """The expression cannot be evaluated numerically (unsupported node, unbounded sum, ...)."""


def _stable_seed(*parts: object) -> int:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def integer_binomial(n: int, k: int) -> int:
    """C(n, k) as SymPy defines it for integers: n (n-1) ... (n-k+1) / k! for k >= 0, also for negative n
    (C(-2, 2) = 3), so that C(n, 2) = n (n - 1) / 2 holds at every integer; 0 for negative k."""
    if k < 0:
        return 0
    if n >= 0:
        return math.comb(n, k) if k <= n else 0
    return (-1) ** k * math.comb(k - n - 1, k)


def double_factorial(n: int) -> int:
    """n!! = n (n - 2) (n - 4) ... down to 1 or 2; 0!! = (-1)!! = 1. NumericError below -1."""
    if n < -1:
        raise NumericError(f"double factorial of {n}")
    return math.prod(range(n, 0, -2))


def data_sign(base: sp.IndexedBase) -> str:
    """The sign a data array was declared with (`p: {indexed: i, positive: true}`), for sampling its entries."""
    return next((flag for flag in ("positive", "nonnegative", "negative") if base.assumptions0.get(flag)), "")


def value_key(base: str, indices: tuple[int, ...]) -> str:
    """`theta[1,0]` and the symbol `theta_10` share one value; so do `x[3]` and `x_3`."""
    parts = [str(i) for i in indices]
    joined = "".join(parts) if all(len(p) == 1 for p in parts) else ",".join(parts)
    return f"{base}_{joined}"


@dataclass
class SamplePoints:
    """Values for every symbol at `n` points; integers (sizes, bounds) are shared by all points."""

    n: int
    seed: int
    positive_only: bool = False
    trial: int = 0
    # Wide: magnitudes log-uniform over [10^-3, 10^3] on both signs (unless the symbol's sign is declared), a
    # quarter of them whole numbers, so an identity that holds only near the origin or only for x > 0 is caught.
    wide: bool = False
    scalars: dict[str, np.ndarray] = field(default_factory=dict)
    integers: dict[str, int] = field(default_factory=dict)
    assumptions: dict[str, dict[str, bool]] = field(default_factory=dict)

    def symbol_value(self, sym: sp.Symbol) -> np.ndarray | int:
        name = sym.name
        if name in self.integers:
            return self.integers[name]
        if name in self.scalars:
            return self.scalars[name]
        rng = np.random.default_rng(_stable_seed(self.seed, name))
        flags = sym.assumptions0
        if flags.get("integer"):
            # Successive trials walk through 5 consecutive values, so sizes and counts >= 2 always occur
            # (k! = 1 for k in {0, 1} must not hide a dropped factorial); an integer of no declared sign takes
            # negative values and 0 too (|n| = n holds only for n >= 0).
            lo = 1 if flags.get("positive") else 0 if flags.get("nonnegative") else -2
            value = lo + (_stable_seed(name) + self.trial) % 5
            self.integers[name] = value
            return value
        if self.wide:
            arr = self._wide(rng, flags)
        elif flags.get("positive") or self.positive_only:
            arr = rng.uniform(0.2, 2.5, self.n)
        elif flags.get("nonnegative"):
            arr = rng.uniform(0.0, 2.5, self.n)
        elif flags.get("negative"):
            arr = -rng.uniform(0.2, 2.5, self.n)
        else:
            arr = rng.uniform(-2.0, 2.0, self.n)
            # Keep away from 0 a little: kinks and poles sit there most often.
            arr = np.where(np.abs(arr) < 0.05, arr + np.sign(arr + 1e-12) * 0.1, arr)
        self.scalars[name] = arr
        return arr

    def _wide(self, rng: np.random.Generator, flags: dict[str, bool]) -> np.ndarray:
        magnitude = 10.0 ** rng.uniform(-3.0, 3.0, self.n)
        whole = rng.random(self.n) < 0.25
        magnitude = np.where(whole & (magnitude >= 1.0), np.round(magnitude), magnitude)
        if flags.get("positive") or flags.get("nonnegative") or self.positive_only:
            return magnitude
        if flags.get("negative"):
            return -magnitude
        return np.where(rng.random(self.n) < 0.5, -magnitude, magnitude)

    def keyed_value(self, key: str, sign: str = "") -> np.ndarray:
        """The values of one entry of a data array (`x_3`, `theta[1,0]`); `sign` is the array's declared sign
        ("positive", "nonnegative", "negative" or ""), see `data_sign`."""
        if key not in self.scalars:
            rng = np.random.default_rng(_stable_seed(self.seed, key))
            if self.wide:
                self.scalars[key] = self._wide(rng, {sign: True} if sign else {})
            elif sign == "negative":
                self.scalars[key] = -rng.uniform(0.2, 2.0, self.n)
            else:
                low = 0.2 if self.positive_only or sign == "positive" else 0.0 if sign == "nonnegative" else -2.0
                self.scalars[key] = rng.uniform(low, 2.0, self.n)
        return self.scalars[key]

    def oracle(self, name: str, args: list[np.ndarray]) -> np.ndarray:
        """An unknown function: a fixed smooth random function of its arguments (same on both sides)."""
        weights, shift, coupling_weight = self.oracle_weights(name, len(args))
        out = np.zeros(self.n)
        coupling = np.ones(self.n)
        for k, (a, w) in enumerate(zip(args, weights, strict=True)):
            a = np.broadcast_to(np.asarray(a, dtype=float), (self.n,))
            out = out + w[0] * np.sin(w[1] * a + k) + w[2] * a
            coupling = coupling * np.cos(w[3] * a + 0.5 * k)
        # A term coupling the arguments: an additive function would pass claims that swap a derivative's
        # point (df/dphi taken at x_j instead of x_i) or assume separability.
        return out + (coupling_weight * coupling if len(args) > 1 else 0.0) + shift

    def oracle_weights(self, name: str, nargs: int) -> tuple[list[np.ndarray], float, float]:
        """The random weights of the unknown function `name` of `nargs` arguments (per argument, then the
        constant shift and the weight of the coupling term), so other evaluators compute the same function."""
        rng = np.random.default_rng(_stable_seed(self.seed, "fn", name, nargs))
        weights = [rng.normal(size=4) for _ in range(nargs)]
        coupling_weight = float(rng.normal()) if nargs > 1 else 0.0
        return weights, float(rng.normal()), coupling_weight


_UNARY = {
    sp.exp: np.exp, sp.log: np.log, sp.sin: np.sin, sp.cos: np.cos, sp.tan: np.tan,
    sp.tanh: np.tanh, sp.sinh: np.sinh, sp.cosh: np.cosh, sp.Abs: np.abs, sp.sign: np.sign,
    sp.floor: np.floor, sp.ceiling: np.ceil, sp.asin: np.arcsin, sp.acos: np.arccos, sp.atan: np.arctan,
    # the rest of the trigonometric and hyperbolic functions and their inverses (as SymPy defines them for
    # real arguments: acot(x) = atan(1/x), asec(x) = acos(1/x), ...), sinc(x) = sin(x)/x, the gamma function
    sp.sec: lambda v: 1.0 / np.cos(v), sp.csc: lambda v: 1.0 / np.sin(v), sp.cot: lambda v: 1.0 / np.tan(v),
    sp.coth: lambda v: 1.0 / np.tanh(v), sp.sech: lambda v: 1.0 / np.cosh(v), sp.csch: lambda v: 1.0 / np.sinh(v),
    sp.asinh: np.arcsinh, sp.acosh: np.arccosh, sp.atanh: np.arctanh,
    sp.acot: lambda v: np.arctan(1.0 / np.asarray(v, dtype=float)),
    sp.asec: lambda v: np.arccos(1.0 / np.asarray(v, dtype=float)),
    sp.acsc: lambda v: np.arcsin(1.0 / np.asarray(v, dtype=float)),
    sp.acoth: lambda v: np.arctanh(1.0 / np.asarray(v, dtype=float)),
    sp.asech: lambda v: np.arccosh(1.0 / np.asarray(v, dtype=float)),
    sp.acsch: lambda v: np.arcsinh(1.0 / np.asarray(v, dtype=float)),
    sp.sinc: lambda v: np.sinc(np.asarray(v, dtype=float) / np.pi),
    sp.gamma: lambda v: _gamma(np.asarray(v, dtype=float)),
}


def _gamma(v: np.ndarray) -> np.ndarray:
    """The gamma function entry by entry; nan at its poles (0, -1, -2, ...) and where it overflows."""
    def one(a: float) -> float:
        try:
            return math.gamma(a)
        except (ValueError, OverflowError):
            return math.nan

    return np.vectorize(one, otypes=[float])(v)


_EXACT_UP_TO = 10_000   # binomial coefficients computed exactly up to this n, through log-gamma beyond


def _float(value: object) -> float:
    """A number as a double; one too large for a double is infinite (a claim with 1000! must not crash)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _log_gamma_ratio(n: int, k: int) -> float:
    try:
        return math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1))
    except OverflowError:
        return math.inf


class Evaluator:
    """Evaluate an expression at all points of `pts`; returns an array of shape (n,)."""

    def __init__(self, pts: SamplePoints) -> None:
        self.pts = pts
        self.bound: dict[sp.Symbol, int] = {}

    def __call__(self, expr: sp.Basic) -> np.ndarray:
        with np.errstate(all="ignore"):
            value = self.ev(expr)
        return np.broadcast_to(np.asarray(value, dtype=float), (self.pts.n,)).copy()

    def ev(self, e: sp.Basic):  # noqa: C901 - one dispatch over node types
        if e.is_Integer or e.is_Rational or e.is_Float:
            return _float(e)
        if e is sp.E:
            return np.e
        if e is sp.pi:
            return np.pi
        if e is sp.oo:
            return np.inf
        if e is sp.S.NegativeInfinity:
            return -np.inf
        if e is sp.nan or e is sp.I:
            return np.nan   # the imaginary unit is not real: callers compare such points with mpmath (complex)
        if e is sp.true:
            return True
        if e is sp.false:
            return False
        if isinstance(e, sp.Symbol):
            if e in self.bound:
                return self.bound[e]
            return self.pts.symbol_value(e)
        if isinstance(e, sp.Add):
            total = 0.0
            for a in e.args:
                total = total + self.ev(a)
            return total
        if isinstance(e, sp.Mul):
            prod = 1.0
            for a in e.args:
                prod = prod * self.ev(a)
            return prod
        if isinstance(e, sp.Pow):
            base, exp = self.ev(e.base), self.ev(e.exp)
            if isinstance(exp, float) and exp.is_integer() and abs(exp) < 64:
                base = np.asarray(base, dtype=float)
                return base ** int(exp) if exp >= 0 else 1.0 / base ** int(-exp)
            return np.power(np.asarray(base, dtype=float), exp)
        fn = _UNARY.get(type(e)) or _UNARY.get(e.func)
        if fn is not None:
            return fn(self.ev(e.args[0]))
        if isinstance(e, sp.Max):
            return np.maximum.reduce([np.broadcast_to(self.ev(a), (self.pts.n,)) for a in e.args])
        if isinstance(e, sp.Min):
            return np.minimum.reduce([np.broadcast_to(self.ev(a), (self.pts.n,)) for a in e.args])
        if isinstance(e, sp.atan2):
            return np.arctan2(self.ev(e.args[0]), self.ev(e.args[1]))
        if isinstance(e, sp.Heaviside):
            h0 = float(e.args[1]) if len(e.args) > 1 else 0.5
            return np.heaviside(self.ev(e.args[0]), h0)
        if isinstance(e, sp.Piecewise):
            result = np.full(self.pts.n, np.nan)
            done = np.zeros(self.pts.n, dtype=bool)
            for value, cond in e.args:
                c = np.broadcast_to(np.asarray(self.ev(cond), dtype=bool), (self.pts.n,))
                take = c & ~done
                if take.any():
                    v = np.broadcast_to(np.asarray(self.ev(value), dtype=float), (self.pts.n,))
                    result = np.where(take, v, result)
                done |= c
            return result
        if isinstance(e, sp.core.relational.Relational):
            a, b = self.ev(e.lhs), self.ev(e.rhs)
            ops = {"<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal,
                   "==": np.equal, "!=": np.not_equal}
            return ops[e.rel_op](a, b)
        if isinstance(e, sp.And):
            return np.logical_and.reduce([np.broadcast_to(self.ev(a), (self.pts.n,)) for a in e.args])
        if isinstance(e, sp.Or):
            return np.logical_or.reduce([np.broadcast_to(self.ev(a), (self.pts.n,)) for a in e.args])
        if isinstance(e, sp.Not):
            return np.logical_not(self.ev(e.args[0]))
        if isinstance(e, (sp.Sum, sp.Product)):
            return self._sum(e)
        if isinstance(e, sp.Indexed):
            idx = tuple(self._int(i) for i in e.indices)
            return self.pts.keyed_value(value_key(str(e.base.label), idx), data_sign(e.base))
        if isinstance(e, sp.KroneckerDelta):
            return np.where(np.asarray(self.ev(e.args[0])) == np.asarray(self.ev(e.args[1])), 1.0, 0.0)
        if isinstance(e, sp.binomial):
            n, k = self._int(e.args[0]), self._int(e.args[1])
            if n <= _EXACT_UP_TO and k <= _EXACT_UP_TO:
                return _float(integer_binomial(n, k))
            if not 0 <= k <= n:
                return 0.0
            return _log_gamma_ratio(n, k)
        if isinstance(e, sp.factorial):
            from math import factorial

            n = self._int(e.args[0])
            if n < 0:
                return math.nan   # outside the factorial's domain (an integer symbol takes negative values)
            return _float(factorial(n)) if n <= 170 else math.inf   # 171! is past the largest double
        if isinstance(e, sp.factorial2):
            n = self._int(e.args[0])
            if n < -1:
                return math.nan
            return _float(double_factorial(n)) if n <= 300 else math.inf   # 301!! is past the largest double
        if isinstance(e, sp.besseli):
            return _bessel_i(self._int(e.args[0]), np.asarray(self.ev(e.args[1]), dtype=float))
        if isinstance(e, sp.erf):
            from math import erf

            return np.vectorize(erf)(self.ev(e.args[0]))
        if isinstance(e, AppliedUndef):
            return self.pts.oracle(str(e.func), [self.ev(a) for a in e.args])
        if isinstance(e, sp.Derivative):
            raise NumericError("unevaluated derivative")
        raise NumericError(f"cannot evaluate {type(e).__name__}")

    def _int(self, e: sp.Basic) -> int:
        v = self.ev(e)
        arr = np.asarray(v)
        if arr.ndim:
            if not np.all(arr == arr.flat[0]):
                raise NumericError("index or bound varies between points")
            v = arr.flat[0]
        if not float(v).is_integer():
            raise NumericError("non-integer index or bound")
        return int(v)

    def _sum(self, e: sp.Basic):
        body = e.function
        var, lo, hi = e.limits[-1]   # the last limit is the outermost (SymPy's order)
        start, end = self._int(lo), self._int(hi)
        if end < start - 1:   # SymPy reads such a sum as minus the sum the other way round (Karr); no evidence
            raise NumericError("a sum or product whose upper limit is below its lower one")
        if end - start + 1 > MAX_SUM_TERMS:
            raise NumericError("sum with too many terms to evaluate")
        inner = e.func(body, *e.limits[:-1]) if len(e.limits) > 1 else body
        acc = 0.0 if isinstance(e, sp.Sum) else 1.0
        saved = self.bound.get(var)
        try:
            for k in range(start, end + 1):
                self.bound[var] = k
                v = self.ev(inner)
                acc = acc + v if isinstance(e, sp.Sum) else acc * v
        finally:
            if saved is None:
                self.bound.pop(var, None)
            else:
                self.bound[var] = saved
        return acc


def _bessel_i(order: int, x: np.ndarray) -> np.ndarray:
    """Modified Bessel function of the first kind by its power series (fine for |x| < 30)."""
    from math import factorial

    total = np.zeros_like(x, dtype=float)
    for m in range(40):
        total = total + (x / 2.0) ** (2 * m + order) / (factorial(m) * factorial(m + order))
    return total


def sampled_ratios(numerator: sp.Expr, denominator: sp.Expr, *, n: int, seed: int, trial: int = 0,
                   smallest: float = 1e-9) -> np.ndarray | None:
    """numerator / denominator at seeded random points where both are finite and the denominator is not
    (nearly) zero; None when either side cannot be evaluated."""
    pts = SamplePoints(n=n, seed=seed, trial=trial)
    try:
        ev = Evaluator(pts)
        a, b = ev(numerator), ev(denominator)
    except NumericError:
        return None
    ok = np.isfinite(a) & np.isfinite(b) & (np.abs(b) > smallest)
    return a[ok] / b[ok]


def constant_rational(ratios: np.ndarray, *, max_denominator: int = 1000, spread: float = 1e-9) -> sp.Rational | None:
    """The small rational the sampled ratios all equal, if they are one constant."""
    if ratios.size == 0 or np.ptp(ratios) > spread * max(1.0, float(np.abs(ratios).max())):
        return None
    r = sp.nsimplify(sp.Float(float(ratios[0]), 15), rational=True, tolerance=1e-10)
    return r if r.is_Rational and r.q <= max_denominator else None
