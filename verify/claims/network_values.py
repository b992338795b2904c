"""A declared network (derive/spec/networks.py) as exact piecewise SymPy values, and where to sample them.

Shared by the two region checkers, formulas (verify/claims/regions.py) and table rows / pointwise
statements (verify/claims/region_tables.py): the network's quantities in closed form, the boundaries of
the regions of a value, the points that decide a comparison (a dense grid and every boundary point, in
two dimensions every boundary line and intersection) and how a point is named in a message.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from derive.safe import as_rational
from derive.spec.networks import Network


@dataclass
class RegionVerdict:
    verdict: str  # correct | wrong | unparsed | unverified
    message: str


def rat(v) -> sp.Rational:
    return as_rational(v)


def step(z: sp.Expr) -> sp.Expr:
    return sp.Piecewise((1, z >= 0), (0, True))


def _relu(z: sp.Expr) -> sp.Expr:   # as a Piecewise, so that its kink is a boundary point
    return sp.Piecewise((z, z >= 0), (0, True))


ACTIVATIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {"threshold": step, "relu": _relu,
                                                         "identity": lambda z: z}


@dataclass
class NetworkValues:
    inputs: list[sp.Symbol]          # x, or x_1, x_2
    values: dict[str, sp.Basic]      # declared name -> column matrix (pre, post) or unit count
    functions: dict[str, Callable[[sp.Expr], sp.Expr]]   # declared name -> the activation

    def value(self, name: str) -> sp.Basic:
        """A quantity as the claims state it: a 1 x 1 matrix is its entry."""
        v = self.values[name]
        return v[0, 0] if isinstance(v, sp.MatrixBase) and v.shape == (1, 1) else v


def network_values(net: Network) -> NetworkValues:
    n = net.inputs
    xs = [sp.Symbol(net.input, real=True)] if n == 1 else \
        [sp.Symbol(f"{net.input}_{k + 1}", real=True) for k in range(n)]
    values: dict[str, sp.Basic] = {}
    signal: sp.Matrix = sp.Matrix(xs)
    for layer in net.layers:
        w = sp.Matrix([[rat(a) for a in row] for row in layer.weights])
        pre = w * signal + sp.Matrix([rat(b) for b in layer.bias])
        signal = pre.applyfunc(ACTIVATIONS[layer.activation])
        for role, value in (("pre", pre), ("post", signal), ("units", sp.Integer(layer.units))):
            if role in layer.names:
                values[layer.names[role]] = value
    functions = {name: ACTIVATIONS[kind] for name, kind in net.functions().items()}
    return NetworkValues(xs, values, functions)


def output_name(net: Network) -> str | None:
    """The declared name of the network's output (the last layer's activation), if it has one."""
    return net.layers[-1].names.get("post")


def boundaries(value: sp.Basic, xs: list[sp.Symbol]) -> list[sp.Expr]:
    """Linear forms a(x) whose zero set bounds a region (from every relation in the value)."""
    out: list[sp.Expr] = []
    for rel in value.atoms(sp.core.relational.Relational):
        form = sp.expand(rel.lhs - rel.rhs)
        if form.free_symbols & set(xs) and form not in out and -form not in out:
            out.append(form)
    return out


def _roots(form: sp.Expr, var: sp.Symbol) -> list[sp.Expr]:
    """Zeros of a boundary form in one variable; the forms of threshold networks are linear, solved directly."""
    a, b = form.diff(var), form.subs(var, 0)
    if a.is_number and b.is_number and form.free_symbols <= {var} and sp.expand(form - (a * var + b)) == 0:
        return [] if a == 0 else [-b / a]
    return list(sp.solve(form, var))


def points(forms: list[sp.Expr], xs: list[sp.Symbol], lo: int = -6, hi: int = 6) -> list[tuple]:
    pts: set[tuple] = set()
    if len(xs) == 1:
        x = xs[0]
        grid = [sp.Rational(k, 8) for k in range(lo * 8, hi * 8 + 1)]
        pts.update((g,) for g in grid)
        for f in forms:
            for r in _roots(f, x):
                for d in (0, sp.Rational(-1, 1000), sp.Rational(1, 1000)):
                    pts.add((r + d,))
        return sorted(pts)
    if len(xs) == 2:
        grid = [sp.Rational(k, 4) for k in range(lo * 4, hi * 4 + 1, 2)]
        pts.update(itertools.product(grid, grid))
        x1, x2 = xs
        for f in forms:  # points on each boundary line, and just either side of it
            for g in grid:
                for var, other in ((x1, x2), (x2, x1)):
                    sol = _roots(f.subs(other, g), var)
                    for r in sol:
                        p = {var: r, other: g}
                        pts.add((p[x1], p[x2]))
        for f, h in itertools.combinations(forms, 2):
            sol = sp.solve([f, h], [x1, x2], dict=True)
            for s in sol:
                if x1 in s and x2 in s:
                    for d1, d2 in itertools.product((0, sp.Rational(1, 1000), sp.Rational(-1, 1000)), repeat=2):
                        pts.add((s[x1] + d1, s[x2] + d2))
        return sorted(pts)
    raise ValueError("region checks support one or two inputs")


def point_text(p: tuple, xs: list[sp.Symbol]) -> str:
    """`x = 1` or `(x_1, x_2) = (0, 1)`."""
    if len(xs) == 1:
        return f"{xs[0].name} = {p[0]}"
    return f"({', '.join(s.name for s in xs)}) = ({', '.join(str(c) for c in p)})"
