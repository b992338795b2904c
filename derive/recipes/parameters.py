"""Claims that are a list of parameter values: "phi = {0, 1/3, 1/3, ...}" for a model that must do something.

Recipe: `solves(model, [phi_0, ..., theta_31], target, (x, low, high))` -- the claimed values, put into `model`
in this order, must make it equal `target` for every x between low and high (`oo` for no bound). There are
many right answers, so the claim is checked by what it must achieve, not against one derived list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

MAX_PARAMETERS = 64


@dataclass(frozen=True)
class ParameterCheck:
    model: sp.Expr
    parameters: tuple[sp.Symbol, ...]
    target: sp.Expr
    variable: sp.Symbol
    low: sp.Expr
    high: sp.Expr

    def __str__(self) -> str:
        names = ", ".join(map(str, self.parameters))
        return f"({names}) making {self.model} = {self.target} for {self.low} < {self.variable} < {self.high}"

    def domain_text(self) -> str:
        x = self.variable
        if self.high == sp.oo:
            return f"{x} > {self.low}" if self.low != -sp.oo else f"every {x}"
        if self.low == -sp.oo:
            return f"{x} < {self.high}"
        return f"{self.low} < {x} < {self.high}"

    def back(self, expr: sp.Expr) -> sp.Expr | None:
        """Undo `on_domain` for display (one-sided domains only)."""
        s = sp.Symbol(f"{self.variable.name}__in", positive=True)
        if self.high == sp.oo and self.low != -sp.oo:
            return expr.xreplace({s: self.variable - self.low})
        if self.low == -sp.oo and self.high != sp.oo:
            return expr.xreplace({s: self.high - self.variable})
        return None if expr.has(s) else expr

    def on_domain(self, expr: sp.Expr) -> sp.Expr:
        """expr with the variable moved into (low, high): x = low + s, high - s or low + (high - low) s/(1+s)."""
        s = sp.Symbol(f"{self.variable.name}__in", positive=True)
        if self.low == -sp.oo and self.high == sp.oo:
            return expr
        if self.high == sp.oo:
            point = self.low + s
        elif self.low == -sp.oo:
            point = self.high - s
        else:
            point = self.low + (self.high - self.low) * s / (1 + s)
        return expr.xreplace({self.variable: point})


def solves(model: Any, parameters: Any, target: Any, domain: Any) -> ParameterCheck:
    if not isinstance(parameters, (list, tuple)) or not parameters or len(parameters) > MAX_PARAMETERS:
        raise ValueError("solves takes a list of parameter names")
    if not all(isinstance(p, sp.Symbol) for p in parameters):
        raise ValueError("the parameters must be names")
    if not (isinstance(domain, tuple) and len(domain) == 3 and isinstance(domain[0], sp.Symbol)):
        raise ValueError("the domain is (x, low, high)")
    return ParameterCheck(model, tuple(parameters), target, domain[0], domain[1], domain[2])


RECIPE_OPS = {"solves": solves}
