"""LaTeX for derived answers, in the notes' own notation (a SymPy LatexPrinter subclass).

Settings carry the author's conventions: Prince's square-bracket function application, the
spelling of the sigmoid and ReLU, data written as `x_i`.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter


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
        sep = "" if all(len(p) == 1 for p in parts) else ","
        return f"{base}_{{{sep.join(parts)}}}"

    def _print_Max(self, expr: sp.Max, exp: str | None = None) -> str:
        args = list(expr.args)
        if len(args) == 2 and sp.S.Zero in args:
            inner = args[1] if args[0] == 0 else args[0]
            out = self._apply(self._settings["relu_name"], self._print(inner))
            return f"{out}^{{{exp}}}" if exp else out
        return super()._print_Max(expr, exp)

    def _print_Pow(self, expr: sp.Pow) -> str:
        sig = _sigmoid_argument(expr)
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
    return NotesLatexPrinter(settings).doprint(expr)
