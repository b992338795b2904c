"""Expressions SymPy can print, and how a test decides that the project read SymPy's LaTeX back as the same value.

Shared by the Hypothesis property (test_sympy_printer.py), the file of printed formulas (sympy_printed.jsonl,
written by make_sympy_printed.py) and its test (test_sympy_printed_file.py).

The reading goes through the entry `derivcheck equiv` uses: `parse_latex`, then `Lowerer(Declarations()).expr`
of the one operand (after `declare_bound_counts`, as equiv does). Equivalence is decided exactly where it is
cheap: both values at two fixed rational points (symbols matched by name: the reader's symbols carry its own
assumptions), evaluated to 30 significant digits and compared to 12, complex values included (asec(1/3) is complex on both sides). An
indefinite integral is compared by its derivative, as `equiv` compares it (up to a constant).
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from hypothesis import strategies as st

from derive.lower.bigops import declare_bound_counts
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations
from verify.compare.antiderivative import integration_variables

x, y, z = sp.symbols("x y z", real=True)
alpha, theta = sp.symbols("alpha theta", real=True)
x1 = sp.Symbol("x_1", real=True)
n = sp.Symbol("n", integer=True, positive=True)
k = sp.Symbol("k", integer=True)
SYMBOLS = (x, y, z, alpha, theta, x1)

# Away from every integer and from each other, so floor/ceiling, poles and kinks are not met by chance.
POINTS = (
    {"x": sp.Rational(7, 10), "y": sp.Rational(13, 10), "z": sp.Rational(-3, 11), "alpha": sp.Rational(5, 7),
     "theta": sp.Rational(-9, 13), "x_1": sp.Rational(17, 19), "n": sp.Integer(3), "t": sp.Rational(3, 10),
     "gamma": sp.Rational(4, 5), "T": sp.Integer(5)},
    {"x": sp.Rational(-23, 10), "y": sp.Rational(2, 9), "z": sp.Rational(41, 17), "alpha": sp.Rational(-11, 8),
     "theta": sp.Rational(31, 12), "x_1": sp.Rational(-4, 15), "n": sp.Integer(4), "t": sp.Rational(-7, 5),
     "gamma": sp.Rational(-3, 2), "T": sp.Integer(2)},
)
DIGITS = 30

UNARY = (
    sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc,
    sp.asin, sp.acos, sp.atan, sp.acot, sp.asec, sp.acsc,
    sp.sinh, sp.cosh, sp.tanh, sp.coth, sp.sech, sp.csch,
    sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch,
    sp.exp, sp.log, sp.sqrt, sp.cbrt, sp.Abs, sp.floor, sp.ceiling,
)

# The printer's options: plain, `\cdot` / `\times` / `\,.\,` products, `\ln`, folded fractions `a / b` and powers
# `x^{3/2}`, itex (`\lt`, `\gt`), inverse trig written `\arcsin` or `\sin^{-1}`, roots as powers, matrices in `( )`,
# bmatrix, array or no brackets, upright differentials `\mathrm{d}` / `\text{d}`, `$...$` and equation
# environments, full-precision floats, `\frac{1}{y} x` for long fractions, reversed term order.
OPTIONS: tuple[dict[str, Any], ...] = (
    {}, {"mul_symbol": "dot"}, {"mul_symbol": "times"}, {"ln_notation": True}, {"fold_short_frac": True},
    {"itex": True}, {"inv_trig_style": "full"}, {"inv_trig_style": "power"}, {"root_notation": False},
    {"mat_delim": "("}, {"mul_symbol": "dot", "fold_short_frac": True, "ln_notation": True},
    {"mul_symbol": "ldot"}, {"fold_frac_powers": True}, {"fold_func_brackets": True}, {"diff_operator": "rd"},
    {"diff_operator": "td"}, {"mode": "inline"}, {"mode": "equation*"}, {"mat_str": "bmatrix"},
    {"mat_str": "array"}, {"mat_delim": ""}, {"full_prec": True}, {"long_frac_ratio": 0},
    {"order": "rev-lex"}, {"itex": True, "mode": "inline", "inv_trig_style": "power"},
)


def leaves() -> st.SearchStrategy[sp.Expr]:
    numbers = st.sampled_from([sp.Integer(1), sp.Integer(2), sp.Integer(3), sp.Integer(-2), sp.Integer(5),
                               sp.Rational(1, 2), sp.Rational(3, 7), sp.Rational(-2, 3),
                               sp.Float(0.5), sp.Float(1.25), sp.Float(2.75), sp.pi, sp.E])
    return st.one_of(st.sampled_from(SYMBOLS), numbers)


def _extend(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    pairs = st.tuples(children, children)
    return st.one_of(
        pairs.map(lambda t: t[0] + t[1]),
        pairs.map(lambda t: t[0] - t[1]),
        pairs.map(lambda t: t[0] * t[1]),
        pairs.map(lambda t: t[0] / t[1]),
        st.tuples(children, st.sampled_from([2, 3, -1, -2, sp.Rational(1, 2), sp.Rational(3, 2)]))
        .map(lambda t: t[0] ** t[1]),
        st.tuples(st.sampled_from(UNARY), children).map(lambda t: t[0](t[1])),
        st.tuples(children, st.sampled_from([3, 4])).map(lambda t: sp.root(t[0], t[1])),
        pairs.map(lambda t: _extremum(sp.Min, *t)),
        pairs.map(lambda t: _extremum(sp.Max, *t)),
        st.sampled_from([sp.factorial(n), sp.factorial(n + 1), sp.binomial(n, 2), sp.binomial(n + 2, n)]),
        st.tuples(children, children, st.sampled_from(SYMBOLS), st.sampled_from([0, 1, sp.Rational(1, 2)]))
        .map(lambda t: sp.Piecewise((t[0], t[2] > t[3]), (t[1], True))),
    )


def _extremum(fn: Any, a: sp.Expr, b: sp.Expr) -> sp.Expr:
    """Min/Max of two values; SymPy refuses a complex one ((-2)^(1/3)), which is then their sum instead."""
    try:
        return fn(a, b)
    except ValueError:
        return a + b


def expressions(max_leaves: int = 5) -> st.SearchStrategy[sp.Expr]:
    """Scalar expressions of the arithmetic, elementary and special functions SymPy prints."""
    # SymPy prints the imaginary unit as `i`, which notes use as an index (a declared symbol is needed to read it
    # as sqrt(-1)), and complex infinity as `\\tilde{\\infty}`; expressions holding either are left out.
    return st.recursive(leaves(), _extend, max_leaves=max_leaves).filter(
        lambda e: not e.has(sp.I, sp.zoo, sp.nan, sp.oo, -sp.oo))


def _polynomials() -> st.SearchStrategy[sp.Expr]:
    """Small bodies SymPy integrates, sums and differentiates quickly."""
    return st.tuples(st.sampled_from([x, x**2, x**3 / 3, sp.sin(x), sp.exp(x), sp.cos(2 * x), x * y, 1 / (x + 2)]),
                     st.sampled_from([1, 2, -3, y, sp.Rational(1, 2)]),
                     st.sampled_from([0, 1, y, sp.Rational(-5, 2)])).map(lambda t: t[1] * t[0] + t[2])


def _sum_bodies() -> st.SearchStrategy[sp.Expr]:
    return st.sampled_from([k, k**2, 1 / (k + 1), x**k, y**k / sp.factorial(k), (-1)**k * k, sp.Rational(1, 2)**k,
                            alpha * k + 1])


def _mentioning(e: sp.Expr, variables: tuple) -> sp.Expr:
    """`e`, plus the product of the variables when it lacks one of them."""
    symbols = [v[0] if isinstance(v, tuple) else v for v in variables]
    return e if all(e.has(v) for v in symbols) else e + sp.Mul(*symbols)


def wrapped() -> st.SearchStrategy[sp.Expr]:
    """Sums, products, derivatives, integrals, limits and matrices around small bodies."""
    bounds = st.sampled_from([(0, n), (1, n), (1, 4), (0, n - 1), (2, 2 * n)])
    return st.one_of(
        st.tuples(_sum_bodies(), bounds).map(lambda t: sp.Sum(t[0], (k, *t[1]))),
        st.tuples(st.sampled_from([k, k + 1, x + k, 2 * k]), st.sampled_from([(1, n), (1, 3), (2, 4)]))
        .map(lambda t: sp.Product(t[0], (k, *t[1]))),
        # of an expression of the variables: the reader refuses d/dx of what has no x (in notes, a misreading)
        st.tuples(expressions(3), st.sampled_from([(x,), (y,), ((x, 2),), (x, y)]))
        .map(lambda t: sp.Derivative(_mentioning(t[0], t[1]), *t[1])),
        st.tuples(_polynomials(), st.sampled_from([(x, 0, 1), (x, -1, 2), (x, 0, y), (x,)]))
        .map(lambda t: sp.Integral(t[0], t[1])),
        st.tuples(_polynomials(), st.sampled_from([(0, "+-"), (0, "+"), (1, "-"), (sp.oo, "+")]))
        .map(lambda t: sp.Limit(t[0] / (x + 3), x, t[1][0], t[1][1])),
        st.lists(expressions(3), min_size=4, max_size=4).map(lambda v: sp.Matrix(2, 2, v)),
        st.lists(expressions(3), min_size=2, max_size=3).map(lambda v: sp.Matrix(v)),
    )


def ambiguous_print(e: sp.Basic, options: dict[str, Any]) -> bool:
    """With `fold_short_frac`, SymPy writes x/(3 alpha) as `x / 3 \\alpha`, which every reader of LaTeX (SymPy's own
    parser included) reads as (x/3)·alpha; those prints are not SymPy's meaning in any notation, so left out."""
    if not options.get("fold_short_frac") and options.get("mode") != "inline":   # inline folds too
        return False
    return any(isinstance(m, sp.Mul) and sp.fraction(m)[1].is_Mul for m in sp.preorder_traversal(e))


def read(latex: str) -> Any:
    """The project's reading of one expression, as `derivcheck equiv` reads each side."""
    decls = Declarations()
    (statement,) = parse_latex(latex).statements
    (operand,) = statement.operands
    declare_bound_counts(decls, [operand])
    return Lowerer(decls).expr(operand)


def _at(expr: sp.Basic, point: dict[str, sp.Expr]) -> sp.Expr:
    subs = {s: point[s.name] for s in expr.free_symbols if s.name in point}
    try:
        value = expr.xreplace(subs)
        if value.has(sp.Sum, sp.Product):
            value = value.doit()
        return sp.N(value, DIGITS)
    except (ValueError, TypeError):
        return sp.nan   # Max of a complex value at this point: undefined on both sides


def _finite(v: sp.Expr) -> bool:
    return bool(v.is_number) and not v.has(sp.nan, sp.zoo, sp.oo, -sp.oo)


def values(expr: Any) -> list[list[list[float] | None]]:
    """The value of an expression (every entry of a matrix) at each point as [real, imaginary] (None when not
    finite): the file keeps these, so its test needs no SymPy expression rebuilt from text."""
    entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
    out = []
    for point in POINTS:
        row: list[list[float] | None] = []
        for entry in entries:
            v = _at(entry, point)
            if _finite(v):
                re_part, im_part = v.as_real_imag()
                row.append([float(re_part), float(im_part)])
            else:
                row.append(None)
        out.append(row)
    return out


def truth(expr: sp.Basic) -> sp.Basic:
    """What SymPy's expression means: unevaluated derivatives, integrals and limits evaluated; an indefinite
    integral stands for its integrand (both sides are differentiated, see `compared`)."""
    if isinstance(expr, sp.Integral) and all(len(lim) == 1 for lim in expr.limits):
        return expr.function
    if isinstance(expr, (sp.Derivative, sp.Integral, sp.Limit)):
        return expr.doit()
    return expr


def compared(value: Any) -> Any:
    """The reader's value in the form `truth` gives (an indefinite integral by its derivative)."""
    if isinstance(value, sp.Basic) and not isinstance(value, sp.MatrixBase):
        for var in integration_variables(value):
            value = sp.diff(value, var)
    return value


def agree(expected: list, got: list) -> bool:
    """Values at each point agree to a relative 1e-12 (a printed float keeps 15 digits)."""
    if len(expected) != len(got) or any(len(a) != len(b) for a, b in zip(expected, got, strict=True)):
        return False
    for row_a, row_b in zip(expected, got, strict=True):
        for a, b in zip(row_a, row_b, strict=True):
            if a is None or b is None:
                if a is not b:
                    return False
                continue
            va, vb = complex(*a), complex(*b)
            if abs(va - vb) > 1e-12 * max(1.0, abs(va)):
                return False
    return True
