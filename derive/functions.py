"""Built-in functions that specs may bind names to (`functions: {a: relu}`) or that notes write by name."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sympy as sp

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
    return sp.Max(0, z)


def sigmoid(z: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-z))


def rect(z: sp.Expr) -> sp.Expr:
    return sp.Piecewise((1, sp.And(z >= 0, z <= 1)), (0, True))


def indicator(condition: sp.Basic) -> sp.Expr:
    return sp.Piecewise((1, condition), (0, True))


def opaque_function(name: str) -> Builder:
    """An unspecified function (`functions: {f: opaque}`): f[x, theta] stays an application f(x, theta)."""
    head = sp.Function(name, real=True)

    def build(args: Sequence[sp.Expr]) -> sp.Expr:
        if not args:
            raise ValueError(f"{name} needs an argument")
        if len(args) == 1 and isinstance(args[0], sp.MatrixBase):
            return head(*args[0])   # a scalar function of a vector: l[f] = l(f_1, ..., f_n)
        return head(*args)

    build.vector_argument = True  # type: ignore[attr-defined]
    return build


def _leaky(args: Sequence[sp.Expr]) -> sp.Expr:
    """leaky ReLU; the slope is the second argument, else the symbol alpha (Prince's notation)."""
    if len(args) not in (1, 2):
        raise ValueError(f"leaky_relu takes one or two arguments, got {len(args)}")
    slope = args[1] if len(args) == 2 else sp.Symbol("alpha", real=True)
    return leaky_relu(args[0], slope)


def leaky_relu(z: sp.Expr, slope: sp.Expr) -> sp.Expr:
    return sp.Piecewise((z, z > 0), (slope * z, True))


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

# How notes spell the built-ins (lower-cased, backslash and \text{} removed).
ALIASES: dict[str, str] = {
    "relu": "relu", "sig": "sigmoid", "sigmoid": "sigmoid", "logistic": "sigmoid", "tanh": "tanh",
    "exp": "exp", "log": "log", "ln": "log", "sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh",
    "cosh": "cosh", "sqrt": "sqrt", "abs": "abs", "sgn": "sign", "sign": "sign", "heaviside": "heaviside",
    "step": "heaviside", "rect": "rect", "max": "max", "min": "min", "bessel_0": "bessel0",
    "bessel0": "bessel0", "i_0": "bessel0", "erf": "erf", "softplus": "softplus", "identity": "identity",
    "id": "identity", "leaky_relu": "leaky_relu", "leakyrelu": "leaky_relu", "lrelu": "leaky_relu",
}


def builtin_for(spelling: str) -> Builder | None:
    """The built-in a note's spelling refers to by default (`\\text{ReLU}`, `\\exp`, `\\text{sig}`)."""
    key = ALIASES.get(spelling.lower())
    return BUILTINS.get(key) if key else None


def builtin_named(kind: str) -> Builder | None:
    """The built-in a spec names in `functions:` (exact kind or an alias)."""
    return BUILTINS.get(kind) or builtin_for(kind)
