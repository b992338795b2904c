"""LaTeX for derived answers, in the notes' own notation (a SymPy LatexPrinter subclass).

Settings carry the author's conventions: Prince's square-bracket function application, the
spelling of the sigmoid and ReLU, data written as `x_i`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter

# The notation of the exercise being checked; `to_latex` writes in it unless told otherwise.
_NOTATION: ContextVar[dict[str, Any] | None] = ContextVar("notation", default=None)


class NotesLatexPrinter(LatexPrinter):
    _default_settings: dict[str, Any] = {
        **LatexPrinter._default_settings,
        "application": "square",      # 'square' -> a[z] (Prince), 'round' -> a(z)
        "relu_name": r"\text{ReLU}",
        "sigmoid_name": r"\text{sig}",
    }

    def _apply(self, name: str, args: str) -> str:
        if self._settings["application"] == "square":
            return f"{name}[{args}]"
        return rf"{name}\left({args}\right)"

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base = self._print(expr.base.label)
        parts = [self._print(i) for i in expr.indices]
        # theta_{10} is Prince's spelling of two indices; with more, only commas are unambiguous
        sep = "" if len(parts) <= 2 and all(len(p) == 1 for p in parts) else ","
        return f"{base}_{{{sep.join(parts)}}}"

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if not isinstance(expr, AppliedUndef):
            return super()._print_Function(expr, exp)
        name = self._deal_with_super_sub(expr.func.__name__)
        out = self._apply(name, ", ".join(self._print(a) for a in expr.args))
        return f"{out}^{{{exp}}}" if exp else out

    def _print_KroneckerDelta(self, expr: sp.KroneckerDelta, exp: str | None = None) -> str:
        a, b = (self._print(x) for x in sorted(expr.args, key=lambda x: x.is_number))  # i = 1, not 1 = i
        out = rf"\mathbb{{1}}[{a} = {b}]"
        return f"{out}^{{{exp}}}" if exp else out

    def _print_Sum(self, expr: sp.Sum) -> str:
        # `\sum_i -2 x_i` reads badly and does not parse back: pull the sign out of the sum
        if expr.function.could_extract_minus_sign():
            return "- " + self._print(sp.Sum(-expr.function, *expr.limits))
        return super()._print_Sum(expr)

    def _print_Piecewise(self, expr: sp.Piecewise) -> str:
        rows = []
        for value, cond in expr.args:
            if cond is sp.true:
                rows.append(rf"{self._print(value)} & \text{{otherwise}}")
            else:
                rows.append(rf"{self._print(value)} & \text{{if }} {self._condition(cond)}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _condition(self, cond: sp.Basic) -> str:
        if isinstance(cond, sp.And):
            return ", ".join(self._condition(c) for c in cond.args)
        return self._print(cond)

    def _print_Max(self, expr: sp.Max, exp: str | None = None) -> str:
        args = list(expr.args)
        if len(args) == 2 and sp.S.Zero in args and self._settings["relu_name"]:
            inner = args[1] if args[0] == 0 else args[0]
            out = self._apply(self._settings["relu_name"], self._print(inner))
            return f"{out}^{{{exp}}}" if exp else out
        return super()._print_Max(expr, exp)

    def _print_Pow(self, expr: sp.Pow) -> str:
        sig = _sigmoid_argument(expr) if self._settings["sigmoid_name"] else None
        if sig is not None:
            return self._apply(self._settings["sigmoid_name"], self._print(sig))
        return super()._print_Pow(expr)

    def _print_Heaviside(self, expr: sp.Heaviside, exp: str | None = None) -> str:
        out = rf"\mathbb{{1}}[{self._print(expr.args[0])} > 0]"
        return f"{out}^{{{exp}}}" if exp else out


def _sigmoid_argument(expr: sp.Pow) -> sp.Expr | None:
    """1/(1 + exp(-z)) -> z."""
    if expr.exp != -1 or not isinstance(expr.base, sp.Add) or len(expr.base.args) != 2:
        return None
    one, other = sorted(expr.base.args, key=lambda a: 0 if a == 1 else 1)
    if one != 1 or not isinstance(other, sp.exp):
        return None
    return -other.args[0]


def to_latex(expr: sp.Basic, **settings: Any) -> str:
    """LaTeX of a derived value in the current exercise's notation (see `notation`), `settings` first."""
    return NotesLatexPrinter({**(_NOTATION.get() or {}), **settings}).doprint(expr)


@contextmanager
def notation(settings: dict[str, Any]) -> Iterator[None]:
    """Write derived values in these settings inside the block (one exercise's notation)."""
    token = _NOTATION.set(settings)
    try:
        yield
    finally:
        _NOTATION.reset(token)


_SQUARE_APPLICATION = re.compile(r"(?:\\text\{\w+\}|(?<![\\A-Za-z])[A-Za-z](?:_\{?\w+\}?)?)\[")


def notation_of(texts: list[str], functions: dict[str, str]) -> dict[str, Any]:
    """The author's conventions, read from their own formulas (the spec's quotes and givens): square-bracket
    application when they write `f[x]` / `\text{ReLU}[z]`, and their names for the sigmoid and ReLU."""
    square = any(_SQUARE_APPLICATION.search(t) for t in texts)
    # Prince spells them \text{sig} and \text{ReLU}; other authors get the plain formula unless they name one
    settings: dict[str, Any] = {"application": "square"} if square else {
        "application": "round", "sigmoid_name": None, "relu_name": None}
    for name, kind in functions.items():
        if kind in ("sigmoid", "sig", "logistic"):
            settings["sigmoid_name"] = _spelled(name)
        elif kind == "relu":
            settings["relu_name"] = _spelled(name)
    return settings


def _spelled(name: str) -> str:
    if len(name) == 1:
        return name
    greek = {"sigma", "phi", "psi", "rho", "eta"}
    return f"\\{name}" if name in greek else rf"\text{{{name}}}"
