"""Max over an index, vector norms and dot products; plain bars as absolute values or separators."""

from __future__ import annotations

import sympy as sp

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations


def lower(latex: str, decls: Declarations | None = None) -> sp.Basic:
    return Lowerer(decls or Declarations()).expr(parse_latex(latex).statements[0].operands[0])


def test_max_over_an_index_norms_and_dot_products():
    d = Declarations()
    d.index_ranges["k"] = (sp.Integer(1), sp.Integer(3))
    v = sp.ImmutableMatrix(sp.symbols("v1 v2 v3", real=True))
    d.constants["v"] = v
    d.constants["w"] = sp.ImmutableMatrix(sp.symbols("w1 w2 w3", real=True))
    assert lower("\\max_k v_k", d) == sp.Max(*v)
    assert lower("\\|\\mathbf{v}\\|_1", d) == sum(sp.Abs(x) for x in v)
    assert lower("\\|\\mathbf{v}\\|_\\infty", d) == sp.Max(*[sp.Abs(x) for x in v])
    assert sp.simplify(lower("\\|\\mathbf{v}\\|_2^2", d) - sum(x ** 2 for x in v)) == 0
    assert sp.expand(lower("\\mathbf{v} \\cdot \\mathbf{w}", d) - lower("\\mathbf{v}^T \\mathbf{w}", d)) == 0


def test_plain_bars_pair_into_absolute_values_and_lone_bars_stay_separators():
    assert lower("|a - b|") == sp.Abs(sp.Symbol("a", real=True) - sp.Symbol("b", real=True))
    assert parse_latex("\\sum_{i} |v_i|").statements
    assert parse_latex("|y - \\hat{y}| \\leq \\delta").statements[0].relations == ["<="]
    # conditional probability keeps its single bar
    assert len(parse_latex("P(y | x)").statements) >= 1
