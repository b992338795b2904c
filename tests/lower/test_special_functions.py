"""Special and opaque functions: `\\text{Bessel}_0`, the factorial, indexed heads of an opaque network."""

from __future__ import annotations

import sympy as sp

from derive.lower.definitions import build_declarations
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations
from derive.spec.model import ExerciseSpec


def test_text_bessel_subscript_is_the_bessel_function() -> None:
    node = parse_latex(r"\text{Bessel}_0[\kappa]").statements[0].operands[0]
    value = Lowerer(Declarations()).expr(node)
    kappa = sp.Symbol("kappa", real=True)
    assert value == sp.besseli(0, kappa)


def test_factorial_is_read_and_lowered() -> None:
    node = parse_latex(r"\frac{\lambda^k e^{-\lambda}}{k!} + 3!").statements[0].operands[0]
    value = Lowerer(Declarations()).expr(node)
    lam, k = sp.Symbol("lambda", real=True), sp.Symbol("k", real=True)
    assert sp.simplify(value - (lam**k * sp.exp(-lam) / sp.factorial(k) + 6)) == 0
    assert parse_latex(r"a \! b").statements[0].operands[0].kind == "implicit"   # \! stays spacing


def test_two_index_heads_of_an_opaque_network_are_distinct_functions() -> None:
    ex = ExerciseSpec(id="t/f", title=None, notes=None, spec_file="x", spec_line=1, functions={"f": "opaque"})
    low = Lowerer(build_declarations(ex))
    one = low.expr(parse_latex(r"f_{1,d}[x, \phi]").statements[0].operands[0])
    two = low.expr(parse_latex(r"f_{2,d}[x, \phi]").statements[0].operands[0])
    assert one != two and one.func == two.func and one.args[0] == 1 and two.args[0] == 2
