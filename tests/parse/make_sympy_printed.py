"""Write tests/parse/sympy_printed.jsonl: formulas printed by `sympy.latex()`, with their values.

Usage: python tests/parse/make_sympy_printed.py   (run from the project root; rewrites the file)

Each line is {"id", "source" (`sympy.srepr` of the printed expression), "options" (the printer's keyword
arguments), "latex", "values"}: the values of what the expression means (derivatives, integrals and limits
evaluated; an indefinite integral by its integrand) at the fixed points of sympy_printer_cases.POINTS, as
[real, imaginary] pairs. test_sympy_printed_file.py reads every formula back and compares the values, so the
test rebuilds no SymPy expression from text. The list is fixed (no randomness): the same file every run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import sympy as sp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sympy_printer_cases import (  # noqa: E402
    OPTIONS,
    UNARY,
    alpha,
    ambiguous_print,
    k,
    n,
    theta,
    truth,
    values,
    x,
    x1,
    y,
    z,
)

t = sp.Symbol("t", real=True)
gamma_ = sp.Symbol("gamma", real=True)
T = sp.Symbol("T", integer=True, positive=True)


def _elementary() -> list[sp.Basic]:
    out: list[sp.Basic] = []
    for fn in UNARY:
        out += [fn(x), fn(2 * x + 1), fn(x**2 / 3), fn(x)**2, fn(alpha * y) + 1, fn(theta)**3 - x]
    return out


def _arithmetic() -> list[sp.Basic]:
    return [
        x + y, x - y, x * y, x / y, -x, x**2, x**-1, x**sp.Rational(3, 2), sp.sqrt(x), sp.root(x, 3), sp.root(x, 5),
        sp.Rational(3, 7), sp.Rational(-5, 2) * x, sp.Float(1.5) * x, sp.Float(0.25) + y, 1 / (x + 1)**3,
        (x + y) / (x - y), x / (y * z), 2 * x * y / (3 * z), sp.exp(-x) / 2, sp.exp(x**2), sp.E**x, sp.pi * x,
        sp.log(x, 2), sp.log(x, 10), sp.log(x)**2, sp.exp(x) * sp.sin(y), x**y, (x + 1)**(y - 1), x1**2 + alpha,
        sp.sqrt(x**2 + y**2), 1 / sp.sqrt(2 * sp.pi), sp.exp(-(x - alpha)**2 / (2 * theta**2)),
        (1 + x / 3)**3, x**x, sp.Abs(x - y) / (1 + sp.Abs(z)),
    ]


def _special() -> list[sp.Basic]:
    return [
        sp.Abs(x), sp.Abs(x)**2, sp.Abs(x + y), sp.factorial(n), sp.factorial(n + 1), sp.factorial(n)**2,
        2 * sp.factorial(n + 1), sp.factorial(2 * n) / sp.factorial(n)**2, sp.binomial(n, 2), sp.binomial(n + 2, n),
        sp.binomial(2 * n, n) / (n + 1), sp.floor(x), sp.ceiling(x), sp.floor(x / 2) + sp.ceiling(y),
        sp.floor(x)**2, sp.Min(x, y), sp.Max(x, y, z), sp.Max(0, x), sp.Min(1, x**2), sp.Max(x, y) - sp.Min(x, y),
        sp.Piecewise((x, x > 0), (-x, True)), sp.Piecewise((0, x < 0), (x**2, x < 1), (1, True)),
        sp.Piecewise((sp.sin(x) / x, sp.Ne(x, 0)), (1, True)), sp.Piecewise((1, (x > 0) & (y > 0)), (0, True)),
        sp.Piecewise((x + 1, x <= 2), (y, True)) * 3, sp.gamma(x), sp.gamma(x + 1) / sp.gamma(x), sp.sinc(x),
        sp.sec(2 * t)**2, sp.csc(6 * x)**2, sp.atan(y / x), sp.cot(x) * sp.coth(y), sp.atan2(y, x),
    ]


def _calculus() -> list[sp.Basic]:
    return [
        sp.Sum(k, (k, 1, n)), sp.Sum(k**2, (k, 1, n)), sp.Sum(x**k, (k, 0, n)), sp.Sum(1 / sp.factorial(k), (k, 0, 5)),
        sp.Sum(gamma_**t, (t, 0, T - 1)), sp.Sum(y**k / sp.factorial(k), (k, 0, n)), sp.Sum((-1)**k * k, (k, 1, 2 * n)),
        sp.Sum(k * x**k, (k, 1, 4)), sp.Sum(sp.Sum(k + t, (t, 1, 3)), (k, 1, 2)),
        sp.Product(k, (k, 1, n)), sp.Product(k + 1, (k, 1, 3)), sp.Product(x + k, (k, 1, 3)),
        sp.Product(2 * k, (k, 1, n)),
        sp.Derivative(sp.sin(x * y), x), sp.Derivative(sp.sin(x * y), x, y), sp.Derivative(sp.sin(x), (x, 2)),
        sp.Derivative(x**3 * y, (x, 2), y), sp.Derivative(sp.exp(x) * x, x), sp.Derivative(sp.log(x**2 + 1), x),
        sp.Derivative((x + y)**2, x), sp.Derivative(2 * x, x), sp.Derivative(z / x, (x, 2)),
        sp.Derivative(sp.atan(x / y), y), sp.Derivative(sp.Abs(x) * x, x), sp.Derivative(sp.tanh(x)**2, x),
        sp.Integral(x**2, (x, 0, 1)), sp.Integral(sp.exp(-x**2), (x, -sp.oo, sp.oo)), sp.Integral(sp.sin(x), (x, 0, sp.pi)),
        sp.Integral(x * y, (x, 0, 1), (y, 0, 2)), sp.Integral(x * y, (x, 0, y)), sp.Integral(1 / (x + 2), (x, 0, 1)),
        sp.Integral(sp.exp(x) * 3, (x, -1, 2)), sp.Integral(x**2, x), sp.Integral(sp.sin(x), x),
        sp.Integral(sp.exp(2 * x) + y, x), sp.Integral(1 / x, x), sp.Integral(x * y, x, y), sp.Integral(sp.cos(3 * x), x),
        sp.Limit(sp.sin(x) / x, x, 0), sp.Limit(sp.sin(x) / x, x, 0, "+-"), sp.Limit(1 / x, x, 0, "+"),
        sp.Limit(1 / x, x, 0, "-"), sp.Limit((1 + 1 / x)**x, x, sp.oo), sp.Limit(x**2 / (x + 3), x, 1, "-"),
        sp.Limit(sp.Abs(x) / x, x, 0, "+"), sp.Limit((sp.exp(x) - 1) / x, x, 0, "+-"), sp.Limit(x * sp.log(x), x, 0),
        sp.Matrix([[x, y], [1, 2]]), sp.Matrix([x, y**2, sp.sin(z)]), sp.Matrix([[x, sp.Rational(1, 2), 0]]),
        sp.Matrix([[sp.cos(theta), -sp.sin(theta)], [sp.sin(theta), sp.cos(theta)]]),
        sp.Matrix([[sp.exp(x), sp.Abs(y)], [sp.factorial(n), sp.sqrt(z**2)]]),
    ]


def main() -> int:
    seen: set[str] = set()
    lines = []
    cases = _elementary() + _arithmetic() + _special() + _calculus()
    for number, expr in enumerate(cases):
        # the default printer, and each option in turn (two per expression), every distinct text once; not
        # SymPy's folded `x / y z` (meaning x/(yz), read by everyone as (x/y)·z)
        for options in (OPTIONS[0], OPTIONS[1 + number % (len(OPTIONS) - 1)],
                        OPTIONS[1 + (number + 5) % (len(OPTIONS) - 1)]):
            latex = sp.latex(expr, **options)
            if latex in seen or ambiguous_print(expr, options):
                continue
            seen.add(latex)
            lines.append({"id": len(lines) + 1, "source": sp.srepr(expr), "options": options, "latex": latex,
                          "values": values(truth(expr))})
    out = HERE / "sympy_printed.jsonl"
    out.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    print(f"{out}: {len(lines)} formulas from {len(cases)} expressions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
