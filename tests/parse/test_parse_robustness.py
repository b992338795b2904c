"""Reading as TeX reads: one-token macro arguments, flat chains of any length, a clear error for deep nesting."""

from __future__ import annotations

import pytest
import sympy as sp
from lark.exceptions import VisitError

from derive.lower.lowerer import Lowerer
from derive.parse.latex import (
    MAX_DEPTH,
    MAX_FORMULA_CHARS,
    LatexParseError,
    lark_unwrapped,
    nesting_depth,
    parse_latex,
    parse_tree,
)
from derive.parse.transformer import ToAst
from derive.spec.declarations import Declarations
from verify.compare.budget import time_limit

x, a, b = (sp.Symbol(n, real=True) for n in "xab")


def value(text: str):
    st = parse_latex(text).statements
    assert len(st) == 1 and len(st[0].operands) == 1, st
    return Lowerer(Declarations()).expr(st[0].operands[0])


@pytest.mark.parametrize(("text", "expected"), [
    (r"\frac12", sp.Rational(1, 2)),            # raised AttributeError in lowering before
    (r"\frac 1 2", sp.Rational(1, 2)),
    (r"\frac123", sp.Rational(3, 2)),           # TeX: \frac{1}{2} 3
    (r"\frac ab", a / b),
    (r"\frac1{2}", sp.Rational(1, 2)),
    (r"\frac{1}2", sp.Rational(1, 2)),
    (r"\frac{12}{3}", 4),                       # braced arguments are whole
    (r"\dfrac\pi2", sp.pi / 2),
    (r"\tfrac1x", 1 / x),
    (r"\sqrt2", sp.sqrt(2)),
    (r"\sqrt23", 3 * sp.sqrt(2)),               # TeX: \sqrt{2} 3
    (r"\sqrt x", sp.sqrt(x)),
    (r"\sqrt[3]8", 2),
    (r"\binom42", 6),
    (r"x^\frac12", sp.sqrt(x)),
    (r"x^12", 2 * x),                           # TeX: x^{1} 2
    (r"x^ 12", 2 * x),
    (r"x^{12}", x ** 12),
    (r"2^10", 0),                               # TeX: 2^{1} 0
    (r"\frac12 + \frac13", sp.Rational(5, 6)),
])
def test_one_token_arguments_read_as_tex_reads_them(text: str, expected) -> None:
    assert sp.simplify(value(text) - expected) == 0


def test_a_derivative_written_with_one_token_arguments() -> None:
    assert value(r"\frac d{dx} x^2") == 2 * x


@pytest.mark.parametrize("n", [492, 5000])
def test_flat_sums_of_any_length(n: int) -> None:
    assert value("+".join(["x"] * n)) == n * x
    assert value("-".join(["x"] * n)) == (2 - n) * x


def test_a_sum_at_the_formula_limit() -> None:
    text = "+".join(["x"] * (MAX_FORMULA_CHARS // 2))
    assert len(text) <= MAX_FORMULA_CHARS
    assert value(text) == (MAX_FORMULA_CHARS // 2) * x
    assert nesting_depth(parse_latex(text).statements[0].operands[0]) == 2   # the chain and its terms


@pytest.mark.parametrize("text", [" ".join(["x"] * 5000), r" \cdot ".join(["x"] * 2000),
                                  r" \times ".join(["x"] * 2000)])
def test_flat_products_of_any_length(text: str) -> None:
    n = text.count("x")
    assert value(text) == x ** n


def test_a_sum_keeps_its_signs_and_order() -> None:
    node = parse_latex("a - b + x - 1").statements[0].operands[0]
    assert node.kind == "add" and [t.kind for t in node.args] == ["name", "minus", "name", "minus"]
    assert value("a - b + x - 1") == a - b + x - 1
    assert value("-a - -b") == -a + b


@pytest.mark.parametrize("text", [
    "{x^{" * 123 + "x" + "}}" * 123,                   # a power tower 123 deep
    "x" + "^x" * 123,
    r"\frac{1}{" * 164 + "x" + "}" * 164,
    "(" * 164 + "x" + ")" * 164,
    r"\left(" * 300 + "x" + r"\right)" * 300,
    r"\sqrt{" * 500 + "x" + "}" * 500,
    "-" * 2000 + "x",
    r"x \cdot x x " * 300,                              # alternating operators nest once per change
])
def test_deep_nesting_is_a_parse_error_not_a_recursion_error(text: str) -> None:
    with pytest.raises(LatexParseError, match=f"nested deeper than {MAX_DEPTH}"):
        parse_latex(text)


def test_nesting_below_the_bound_is_read() -> None:
    depth = MAX_DEPTH - 2
    assert value("(" * depth + "x" + ")" * depth) == x
    assert value(r"\frac{1}{" * depth + "x" + "}" * depth) == x


def test_a_budget_running_out_inside_lark_stays_a_timeout() -> None:
    # Lark wraps what its transformers raise in VisitError: a budget firing while the tree is transformed
    # (or while a grammar is compiled on first use) crashed `verify --timeout 0.001` with a traceback.
    with pytest.raises(TimeoutError):
        with lark_unwrapped():
            raise VisitError("literal", None, TimeoutError())
    with pytest.raises(VisitError):
        with lark_unwrapped():
            raise VisitError("literal", None, KeyError("a bug stays visible"))


def test_a_budget_firing_while_the_tree_is_transformed_is_a_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    def budget_runs_out(self, children):
        raise TimeoutError   # what verify/compare/budget.py's SIGPROF handler raises, here at a known place

    monkeypatch.setattr(ToAst, "add", budget_runs_out)
    with pytest.raises(TimeoutError):
        parse_tree("x + y")


def test_a_long_formula_under_short_budgets_times_out_cleanly() -> None:
    text = "+".join(f"x_{{{k}}}" for k in range(2000))
    for seconds in (0.02, 0.1, 0.2, 0.25, 0.3):
        try:
            with time_limit(seconds):
                parse_tree(text)
        except TimeoutError:
            pass
