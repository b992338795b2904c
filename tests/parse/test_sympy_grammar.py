"""The grammar rules added to read SymPy's printer (issue 15, item 1): the trees they make, and that the
notation of the notes keeps its old trees."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.parse.tree import Node
from derive.spec.declarations import Declarations


def _tree(text: str) -> Node:
    (statement,) = parse_latex(text).statements
    (operand,) = statement.operands
    return operand


def _value(text: str) -> sp.Basic:
    return Lowerer(Declarations()).expr(_tree(text))


def test_a_function_name_applies_to_the_braced_group_after_it() -> None:
    node = _tree(r"\log{\left(x \right)}^{2}")
    assert node.kind == "sup" and node.args[0].kind == "call"   # (log x)^2, not log(x^2)
    x = sp.Symbol("x", real=True)
    assert _value(r"\log{\left(x \right)}^{2}") == sp.log(x) ** 2
    assert _value(r"\operatorname{acoth}{\left(x \right)}") == sp.acoth(x)
    assert _value(r"\cosh^{-1}{\left(x \right)}^{2}") == sp.acosh(x) ** 2


def test_a_powered_name_without_a_brace_is_the_notes_reading() -> None:
    assert _tree(r"\tanh^2 z").kind == "implicit"
    assert _tree(r"\tanh^2(z)").kind == "call"
    z = sp.Symbol("z", real=True)
    assert _value(r"1 - \tanh^2(z)") == 1 - sp.tanh(z) ** 2
    assert _tree(r"\operatorname*{argmin}_{\phi} L").args[0].kind == "sub"


def test_printer_spellings_of_products_delimiters_and_differentials() -> None:
    assert _tree(r"x \,.\, y").kind == "mul"
    assert _tree(r"$x + 1$").kind == "add"
    assert _tree(r"$$x$$").kind == "name"
    assert _tree(r"\mathrm{d}") == Node("name", ("d",))
    (statement,) = parse_latex(r"x \gt 0").statements
    assert statement.relations == [">"]


def test_a_one_sided_limit_keeps_its_side_and_a_sign_is_no_exponent() -> None:
    assert _value(r"\lim_{x \to 0^{+}} \frac{1}{x}") == sp.oo
    assert _value(r"\lim_{x \to 0^-} \frac{1}{x}") == -sp.oo
    with pytest.raises(LoweringError):
        _value(r"\lim_{x \to 0} \frac{1}{x}")   # two-sided: does not exist
    with pytest.raises(LoweringError):
        _value(r"x^-")


def test_and_or_in_a_condition() -> None:
    x, y = sp.symbols("x y", real=True)
    value = _value(r"\begin{cases} 1 & \text{for}\: x > 0 \wedge y > 0 \\0 & \text{otherwise} \end{cases}")
    assert value == sp.Piecewise((1, (x > 0) & (y > 0)), (0, True))
    value = _value(r"\begin{cases} 1 & x > 0 \vee y > 0 \\0 & \text{otherwise} \end{cases}")
    assert value == sp.Piecewise((1, (x > 0) | (y > 0)), (0, True))


def test_a_count_t_is_a_power_of_a_number_and_still_transposes_a_matrix() -> None:
    decls = Declarations()
    decls.assumptions["T"] = {"integer": True, "positive": True}   # as the bound of \sum_{t=0}^{T-1} declares it
    gamma, count = sp.Symbol("gamma", real=True), sp.Symbol("T", integer=True, positive=True)
    assert Lowerer(decls).expr(_tree(r"\gamma^T")) == gamma**count
    row = Lowerer(decls).expr(_tree(r"\left[\begin{matrix}1 & 2\end{matrix}\right]^T"))
    assert row == sp.ImmutableMatrix([[1], [2]])
    assert Lowerer(Declarations()).expr(_tree(r"\gamma^T")) == gamma   # no count T: a scalar's transpose
