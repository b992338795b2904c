"""derive/nodes.py answers as SymPy's atoms() and free_symbols do, visiting each distinct node once."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.nodes import atoms_of, distinct_nodes, free_symbols_of

x, y, i, n = sp.symbols("x y i n")
X = sp.IndexedBase("X")
f = sp.Function("f")

CASES = [
    sp.sin(x) * sp.exp(y) + sp.Float(0.5) * x,
    sp.Sum(X[i] * x, (i, 1, n)) + y,                         # i is bound: not free
    sp.Integral(x * y, x) + sp.Integral(x, (x, 0, y)),
    sp.Derivative(f(x, y), x).subs(x, 2),
    sp.Piecewise((x, x > y), (0, True)) + sp.Max(x, n),
    sp.Lambda(x, x + y)(3) + sp.Subs(f(x), x, y),
    sp.Matrix([[x, X[i]], [sp.Sum(X[i], (i, 1, 3)), sp.Integer(2)]]),
]


@pytest.mark.parametrize("expr", CASES)
def test_same_answers_as_sympy(expr):
    assert free_symbols_of(expr) == expr.free_symbols
    for types in [(sp.Float,), (sp.Indexed,), (sp.Integral,), (sp.Symbol, sp.Function)]:
        assert atoms_of(expr, *types) == expr.atoms(*types)


def test_shared_subexpressions_are_visited_once():
    e = x + y
    for _ in range(60):          # 2^60 paths through the tree, 120 distinct nodes
        e = sp.Mul(e, sp.Add(e, 1, evaluate=False), evaluate=False)
    assert len(list(distinct_nodes(e))) < 200
    assert free_symbols_of(e) == {x, y}
    assert atoms_of(e, sp.Symbol) == {x, y}
