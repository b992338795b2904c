"""Activation patterns of a shallow ReLU network with one input: which hidden units are active in which region.

Recipes (derive/recipes/interpreter.py registers them):

* `active_units([z_1, ..., z_D], x, [h_1, ..., h_D])` -- the linear regions of the input x, read left to right,
  cut at the joints z_d = 0; `.R_k` is the set of units h_d whose pre-activation z_d is positive in region k.
* `active_regions([z_1, ..., z_D], x, d)` -- the set of regions R_k in which unit d is active.

Pre-activations must be linear in x with numbers for coefficients (a figure's parameters under `given:`); the
regions and patterns are computed exactly with rationals.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.recipes.errors import RecipeError

MAX_UNITS = 32


class Patterns:
    """Result of `active_units`: `.R_1`, `.R_2`, ... (sets of unit names)."""

    recipe_record = True

    def __init__(self, patterns: list[sp.FiniteSet]) -> None:
        self.patterns = patterns

    def component(self, name: str) -> sp.FiniteSet:
        if name.startswith("R_") and name[2:].isdigit() and 1 <= int(name[2:]) <= len(self.patterns):
            return self.patterns[int(name[2:]) - 1]
        raise RecipeError(f"active_units found {len(self.patterns)} regions R_1..R_{len(self.patterns)}, no .{name}")


def _linear(z: sp.Expr, x: sp.Symbol) -> tuple[sp.Rational, sp.Rational]:
    z = sp.nsimplify(sp.expand(z), rational=True)
    poly = sp.Poly(z, x)
    if poly.degree() > 1 or any(not c.is_Rational for c in poly.all_coeffs()):
        raise ValueError(f"pre-activation {z} is not linear in {x} with numeric coefficients")
    coeffs = poly.all_coeffs()
    return (coeffs[0], coeffs[1]) if len(coeffs) == 2 else (sp.Integer(0), coeffs[0])


def _sample_points(pre: list[Any], x: Any) -> list[sp.Rational]:
    if not isinstance(x, sp.Symbol):
        raise ValueError("the input must be a name")
    if not 1 <= len(pre) <= MAX_UNITS:
        raise ValueError(f"between 1 and {MAX_UNITS} pre-activations")
    joints = sorted({-b / a for a, b in (_linear(z, x) for z in pre) if a != 0})
    if not joints:
        return [sp.Integer(0)]
    points = [joints[0] - 1]
    points += [(lo + hi) / 2 for lo, hi in zip(joints, joints[1:], strict=False)]
    return [*points, joints[-1] + 1]


def active_units(pre: list[Any], x: Any, units: list[Any]) -> Patterns:
    if len(units) != len(pre):
        raise ValueError("one unit name per pre-activation")
    patterns = []
    for p in _sample_points(pre, x):
        patterns.append(sp.FiniteSet(*[u for z, u in zip(pre, units, strict=True) if z.xreplace({x: p}) > 0]))
    return Patterns(patterns)


def active_regions(pre: list[Any], x: Any, unit: Any) -> sp.FiniteSet:
    if not (isinstance(unit, sp.Integer) and 1 <= int(unit) <= len(pre)):
        raise ValueError(f"the unit is a number between 1 and {len(pre)}")
    z = pre[int(unit) - 1]
    points = _sample_points(pre, x)
    return sp.FiniteSet(*[sp.Symbol(f"R_{k}", real=True) for k, p in enumerate(points, 1) if z.xreplace({x: p}) > 0])


RECIPE_OPS = {"active_units": active_units, "active_regions": active_regions}
