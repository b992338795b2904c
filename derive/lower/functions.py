"""Built-in functions that specs may bind names to (`functions: {a: relu}`) or that notes write by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

Builder = Callable[[Sequence[sp.Expr]], sp.Expr]


def _one(name: str, fn: Callable[[sp.Expr], sp.Expr]) -> Builder:
    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        if len(args) != 1:
            raise ValueError(f"{name} takes one argument, got {len(args)}")
        return fn(args[0])

    return build


def _many(fn: Callable[..., sp.Expr], name: str, minimum: int = 2) -> Builder:
    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        if len(args) < minimum:
            raise ValueError(f"{name} takes at least {minimum} arguments, got {len(args)}")
        return fn(*args)

    return build


def relu(z: sp.Expr) -> sp.Expr:
    # Max's constructor compares its arguments under assumptions to drop dominated ones; on a deep network's
    # pre-activation that costs far more than the rest of the lowering and rarely decides anything. Only a
    # number or a sign SymPy knows from the symbols' declarations settles it here.
    if z.is_number or z.is_nonnegative is not None:
        return sp.Max(0, z)
    return sp.Max(0, z, evaluate=False)


def sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def rect(z: sp.Expr) -> sp.Expr:
    return sp.Piecewise((1, sp.And(z >= 0, z <= 1)), (0, True))


def indicator(condition: sp.Basic) -> sp.Expr:
    # [i = j] between integer indices is the Kronecker delta, which sums and differentiates cleanly
    if isinstance(condition, sp.Eq) and all(a.is_integer for a in condition.args):
        return sp.KroneckerDelta(*condition.args)
    return sp.Piecewise((1, condition), (0, True))


def opaque_function(name: str, *, unknown: str = "") -> Builder:
    """An unspecified function (`functions: {f: opaque}`): f[x, theta] stays an application f(x, theta).

    `unknown`: how to name, to a reader, a function the notes apply (`\\operatorname{Var}[X]`) that nobody
    declared: it may have a meaning derivcheck does not know, so a difference that depends on it decides
    nothing (see `has_unknown_function`)."""
    head = sp.Function(name, real=True, unknown_meaning=unknown) if unknown else sp.Function(name, real=True)

    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        if not args:
            raise ValueError(f"{name} needs an argument")
        if len(args) == 1 and isinstance(args[0], sp.MatrixBase):
            return head(*args[0])   # a scalar function of a vector: l[f] = l(f_1, ..., f_n)
        return head(*args)

    build.vector_argument = True  # type: ignore[attr-defined]
    build.opaque_head = head  # type: ignore[attr-defined]  # f_{1,d}[x] -> f(1, d, x) (heads.py)
    return build


def has_unknown_function(expr: Any) -> str | None:
    """The name of an undeclared function applied in expr (see `opaque_function(unknown=True)`), else None."""
    if not isinstance(expr, sp.Basic):
        return None
    for app in expr.atoms(AppliedUndef):
        if getattr(app.func, "unknown_meaning", ""):
            return str(app.func.unknown_meaning)
    return None


def _leaky(args: Sequence[sp.Expr]) -> sp.Expr:
    """leaky ReLU; the slope is the second argument, else the symbol alpha (Prince's notation)."""
    if len(args) not in (1, 2):
        raise ValueError(f"leaky_relu takes one or two arguments, got {len(args)}")
    slope = args[1] if len(args) == 2 else sp.Symbol("alpha", real=True)
    return leaky_relu(args[0], slope)


def leaky_relu(z: sp.Expr, slope: sp.Expr) -> sp.Expr:
    return sp.Piecewise((z, z > 0), (slope * z, True))


def _matrix_function(name: str, fn: Callable[[sp.Expr], sp.Expr]) -> Builder:
    """A function of a whole vector or matrix (softmax, diag, trace), not applied entry by entry."""
    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        if len(args) != 1:
            raise ValueError(f"{name} takes one argument, got {len(args)}")
        return fn(args[0])

    build.vector_argument = True  # type: ignore[attr-defined]
    return build


def softmax(z: sp.Expr) -> sp.Expr:
    """exp(z_i) / sum_j exp(z_j) over a vector; a matrix is normalised row by row (attention scores)."""
    if not isinstance(z, sp.MatrixBase):
        return sp.Integer(1)
    if 1 in z.shape:
        total = sp.Add(*[sp.exp(e) for e in z])
        return sp.ImmutableMatrix(z.shape[0], z.shape[1], [sp.exp(e) / total for e in z])
    rows = [[sp.exp(e) / sp.Add(*[sp.exp(x) for x in z.row(r)]) for e in z.row(r)] for r in range(z.shape[0])]
    return sp.ImmutableMatrix(rows)


def logsumexp(z: sp.Expr) -> sp.Expr:
    return sp.log(sp.Add(*[sp.exp(e) for e in z])) if isinstance(z, sp.MatrixBase) else z


def diag(v: sp.Expr) -> sp.Expr:
    """The diagonal matrix of a vector."""
    if not isinstance(v, sp.MatrixBase):
        return v
    if 1 not in v.shape:
        raise ValueError("diag takes a vector")
    return sp.ImmutableMatrix(sp.diag(*list(v)))


def trace(m: sp.Expr) -> sp.Expr:
    return m.trace() if isinstance(m, sp.MatrixBase) else m


def _extremum(fn: Callable[..., sp.Expr], name: str) -> Builder:
    """max(a, b, ...) of numbers; max(v) over a vector's entries; max(0, Z) entry by entry."""
    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        matrices = [a for a in args if isinstance(a, sp.MatrixBase)]
        if len(args) == 1 and matrices:
            return fn(*list(args[0]))
        if len(args) < 2:
            raise ValueError(f"{name} takes at least 2 arguments, got {len(args)}")
        if not matrices:
            return fn(*args)
        shape = matrices[0].shape
        if any(m.shape != shape for m in matrices):
            raise ValueError(f"{name} of matrices of different sizes")
        return sp.ImmutableMatrix(shape[0], shape[1], lambda i, j: fn(
            *[a[i, j] if isinstance(a, sp.MatrixBase) else a for a in args]))

    build.vector_argument = True  # type: ignore[attr-defined]
    return build


BUILTINS: dict[str, Builder] = {
    "relu": _one("relu", relu),
    "sigmoid": _one("sigmoid", sigmoid),
    "tanh": _one("tanh", sp.tanh),
    "exp": _one("exp", sp.exp),
    "log": _one("log", sp.log),
    "sin": _one("sin", sp.sin),
    "cos": _one("cos", sp.cos),
    "tan": _one("tan", sp.tan),
    "sinh": _one("sinh", sp.sinh),
    "cosh": _one("cosh", sp.cosh),
    "sqrt": _one("sqrt", sp.sqrt),
    "abs": _one("abs", sp.Abs),
    "sign": _one("sign", sp.sign),
    "heaviside": _one("heaviside", lambda z: sp.Heaviside(z, sp.Integer(1))),
    "rect": _one("rect", rect),
    "identity": _one("identity", lambda z: z),
    "bessel0": _one("bessel0", lambda z: sp.besseli(0, z)),
    "erf": _one("erf", sp.erf),
    "max": _many(sp.Max, "max"),
    "min": _many(sp.Min, "min"),
    "softplus": _one("softplus", lambda z: sp.log(1 + sp.exp(z))),
    "leaky_relu": _leaky,
}
def determinant(m: sp.Expr) -> sp.Expr:
    if isinstance(m, sp.MatrixBase):
        if m.shape[0] != m.shape[1]:
            raise ValueError(f"det of a non-square {m.shape[0]} x {m.shape[1]} matrix")
        return m.det()
    return m


# Elementary functions notes write by name; a function applied to a vector acts entry by entry.
for _name, _fn in {"asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "asinh": sp.asinh, "acosh": sp.acosh,
                   "atanh": sp.atanh, "cot": sp.cot, "sec": sp.sec, "csc": sp.csc, "coth": sp.coth,
                   "sech": sp.sech, "csch": sp.csch, "acot": sp.acot, "floor": sp.floor, "ceil": sp.ceiling,
                   "asec": sp.asec, "acsc": sp.acsc, "acoth": sp.acoth, "asech": sp.asech, "acsch": sp.acsch,
                   "sinc": sp.sinc, "gamma": sp.gamma, "re": sp.re, "im": sp.im,
                   "log10": lambda z: sp.log(z, 10), "log2": lambda z: sp.log(z, 2)}.items():
    BUILTINS[_name] = _one(_name, _fn)
del _name, _fn
BUILTINS["atan2"] = _many(sp.atan2, "atan2")
BUILTINS.update({
    "max": _extremum(sp.Max, "max"), "min": _extremum(sp.Min, "min"),
    "softmax": _matrix_function("softmax", softmax), "logsumexp": _matrix_function("logsumexp", logsumexp),
    "diag": _matrix_function("diag", diag), "trace": _matrix_function("trace", trace),
    "det": _matrix_function("det", determinant),
})



def normal_density(args: Sequence[sp.Expr]) -> sp.Expr:
    """`\\mathcal{N}(x; \\mu, \\sigma^2)`: the Gaussian density at x, with the variance (not the standard
    deviation) second, as that notation writes it."""
    if len(args) != 3 or any(isinstance(a, sp.MatrixBase) for a in args):
        raise ValueError("a normal density reads \\mathcal{N}(x; mean, variance) with scalar arguments")
    x, mean, variance = args
    return sp.exp(-(x - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


BUILTINS["normal_pdf"] = normal_density

# How notes spell the built-ins (lower-cased, backslash and \text{} removed).
ALIASES: dict[str, str] = {
    "relu": "relu", "sig": "sigmoid", "sigmoid": "sigmoid", "logistic": "sigmoid", "tanh": "tanh",
    "exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
    "cosh": "cosh", "sqrt": "sqrt", "abs": "abs", "sgn": "sign", "sign": "sign", "heaviside": "heaviside",
    "step": "heaviside", "rect": "rect", "max": "max", "min": "min", "bessel_0": "bessel0",
    "bessel0": "bessel0", "i_0": "bessel0", "erf": "erf", "softplus": "softplus", "identity": "identity",
    "id": "identity", "leaky_relu": "leaky_relu", "leakyrelu": "leaky_relu", "lrelu": "leaky_relu",
}
ALIASES.update({"cal_n": "normal_pdf", "normal_pdf": "normal_pdf", "gaussian": "normal_pdf",
                "softmax": "softmax", "logsumexp": "logsumexp", "lse": "logsumexp", "diag": "diag",
                "trace": "trace", "tr": "trace", "det": "det",
                "arcsin": "asin", "asin": "asin", "arccos": "acos", "acos": "acos", "arctan": "atan", "atan": "atan",
                "arsinh": "asinh", "arcsinh": "asinh", "asinh": "asinh", "arcosh": "acosh", "arccosh": "acosh",
                "acosh": "acosh", "artanh": "atanh", "arctanh": "atanh", "atanh": "atanh", "cot": "cot",
                "sec": "sec", "csc": "csc", "cosec": "csc", "coth": "coth", "sech": "sech", "csch": "csch",
                "arccot": "acot", "acot": "acot", "atan2": "atan2", "arctan2": "atan2", "floor": "floor",
                "ceil": "ceil", "lg": "log10", "log10": "log10", "lb": "log2", "log2": "log2",
                # the rest of SymPy's printer (`\\operatorname{asec}{\\left(x \\right)}`)
                "asec": "asec", "arcsec": "asec", "acsc": "acsc", "arccsc": "acsc", "acoth": "acoth",
                "arcoth": "acoth", "arccoth": "acoth", "asech": "asech", "arsech": "asech", "arcsech": "asech",
                "acsch": "acsch", "arcsch": "acsch", "arccsch": "acsch", "sinc": "sinc", "ceiling": "ceil",
                "atan_2": "atan2", "re": "re", "im": "im"})
# Case matters for one name: `\Gamma(x)` is the gamma function, `\gamma(x)` is not.
CASED_ALIASES: dict[str, str] = {"Gamma": "gamma"}

# `\sin^{-1}` is the inverse function, not 1/sin (the usual reading of a superscript -1 on a function name).
INVERSES: dict[str, str] = {"sin": "asin", "cos": "acos", "tan": "atan", "cot": "acot", "sinh": "asinh",
                            "cosh": "acosh", "tanh": "atanh", "asin": "sin", "acos": "cos", "atan": "tan",
                            "sec": "asec", "csc": "acsc", "coth": "acoth", "sech": "asech", "csch": "acsch"}


def inverse_for(spelling: str) -> Builder | None:
    """The inverse function that `\\name^{-1}` means for a function with a standard inverse, else None."""
    key = ALIASES.get(spelling.lower())
    inverse = INVERSES.get(key) if key else None
    return BUILTINS.get(inverse) if inverse else None


def builtin_for(spelling: str) -> Builder | None:
    """The built-in a note's spelling refers to by default (`\\text{ReLU}`, `\\exp`, `\\text{sig}`)."""
    key = CASED_ALIASES.get(spelling) or ALIASES.get(spelling.lower())
    return BUILTINS.get(key) if key else None


def builtin_named(kind: str) -> Builder | None:
    """The built-in a spec names in `functions:` (exact kind or an alias)."""
    return BUILTINS.get(kind) or builtin_for(kind)
