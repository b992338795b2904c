"""Variants of the reading are settings: each one changes what a formula means, and only that."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.lower.errors import (
    Ambiguous,
    IntegralError,
    LoweringError,
    MissingCondition,
    Prose,
    UnknownFunction,
)
from derive.lower.lowerer import Lowerer, constructs_for
from derive.lower.settings import DEFAULT, LoweringSettings
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations

STRICT = LoweringSettings(strict=True)
x, n, z = (sp.Symbol(s, real=True) for s in "xnz")


def node(latex: str):
    return parse_latex(latex).statements[0].operands[0]


def lower(latex: str, settings: LoweringSettings = DEFAULT, decls: Declarations | None = None):
    return Lowerer(decls or Declarations(), settings).expr(node(latex))


# ------------------------------------------------------------------ strict: refuse to guess
def test_strict_refuses_an_unknown_function_head_that_the_default_reads_as_a_product() -> None:
    assert lower("g(x + 1)") == sp.Symbol("g", real=True) * (x + 1)
    with pytest.raises(UnknownFunction) as err:
        lower("g(x + 1)", STRICT)
    assert err.value.kind == "undefined-function"


def test_strict_refuses_prose_that_the_default_drops() -> None:
    assert lower(r"2 \text{ or equivalently } x") == 2 * x
    with pytest.raises(Prose):
        lower(r"2 \text{ or equivalently } x", STRICT)


def test_strict_reads_a_number_and_its_unit_and_refuses_a_rescaling_unit() -> None:
    assert lower(r"20 \text{ epochs}", STRICT) == 20
    with pytest.raises(Ambiguous):
        lower(r"2 \text{ MB}", STRICT)


def test_poisoned_names_refuse_in_any_reading() -> None:
    with pytest.raises(Ambiguous):
        lower("a + 1", LoweringSettings(poisoned=frozenset({"a"})))
    assert lower("b + 1", LoweringSettings(poisoned=frozenset({"a"}))) == sp.Symbol("b", real=True) + 1


def test_the_shallow_reading_keeps_defined_names_as_symbols() -> None:
    decls = Declarations(given={"a": x ** 2})
    assert lower("a + 1", decls=decls) == x ** 2 + 1
    assert lower("a + 1", LoweringSettings(strict=True, expand=False), decls) == sp.Symbol("a", real=True) + 1


def test_a_plain_name_before_brackets_is_a_guessed_product_and_says_so() -> None:
    with pytest.raises(UnknownFunction):
        lower("n(n + 1)", STRICT)
    low = Lowerer(Declarations(), LoweringSettings(strict=True, plain=frozenset({"n"})))
    assert low.expr(node("n(n + 1)")) == n * (n + 1)
    assert low.guessed_product is True
    assert Lowerer(Declarations(), STRICT).guessed_product is False


def test_strict_reads_a_second_derivative_written_with_d_squared() -> None:
    decls = Declarations(given={"g": x ** 3})
    assert lower(r"\frac{d^2 g}{dx^2}", STRICT, decls) == 6 * x


@pytest.mark.parametrize("settings", [DEFAULT, STRICT], ids=["default", "strict"])
def test_definite_integrals_are_read(settings: LoweringSettings) -> None:
    assert lower(r"\int_0^1 x^2 \, dx", settings) == sp.Rational(1, 3)
    assert lower(r"\int_{0}^{\pi} \sin(x) \, dx", settings) == 2


@pytest.mark.parametrize("settings", [DEFAULT, STRICT], ids=["default", "strict"])
def test_the_variable_of_an_integral_is_free_even_when_a_value_was_given_to_it(settings: LoweringSettings) -> None:
    decls = Declarations(given={"x": sp.Integer(3)})
    assert lower(r"\int_0^2 x \, dx", settings, decls) == 2
    assert decls.given["x"] == 3   # hidden only while the integral is read


def test_integrals_the_strict_reading_cannot_confirm_refuse() -> None:
    with pytest.raises(IntegralError):
        lower(r"\int_0^1 x^2", STRICT)   # no d<variable>
    with pytest.raises(IntegralError):
        lower(r"\int x \, dx", STRICT)   # no bounds


# ------------------------------------------------------------------ printed numbers
def test_literal_decimals_are_recorded_with_half_a_printed_unit() -> None:
    assert lower("0.25") == sp.Rational(1, 4)
    low = Lowerer(Declarations(), LoweringSettings(literal_decimals=True))
    value = low.expr(node("0.25 + 1"))
    (sym, (printed, half)), = low.literals.items()
    assert value == sym + 1
    assert printed == sp.Rational(1, 4)
    assert half == pytest.approx(0.005)


def test_integers_are_exact_under_literal_decimals() -> None:
    low = Lowerer(Declarations(), LoweringSettings(literal_decimals=True))
    assert low.expr(node("3")) == 3
    assert low.literals == {}


def test_bracket_vectors_are_row_vectors() -> None:
    with pytest.raises(LoweringError):
        lower("[1, 2, 3]")
    vectors = LoweringSettings(bracket_vectors=True)
    assert lower("[1, 2, 3]", vectors) == sp.ImmutableMatrix([[1, 2, 3]])
    assert lower("2 [1, 2]", vectors) == sp.ImmutableMatrix([[2, 4]])
    assert lower(r"\sigma[z]", vectors, Declarations(functions={"sigma": lambda args: args[0] ** 2})) == z ** 2
    assert lower("[x]", vectors) == x   # one entry: a bracket that groups
    with pytest.raises(LoweringError):
        lower("(1, 2)", vectors)   # only square brackets list entries


def test_strict_and_bracket_vectors_are_not_combined() -> None:
    with pytest.raises(ValueError, match="not combined"):
        LoweringSettings(strict=True, bracket_vectors=True)


# ------------------------------------------------------------------ the bare-indicator hint
def test_a_bare_indicator_is_ill_posed_unless_read_as_positive() -> None:
    with pytest.raises(MissingCondition):
        lower(r"\mathbb{1}[z]")
    value = lower(r"\mathbb{1}[z]", LoweringSettings(bare_indicator_positive=True))
    assert value.subs(z, 2) == 1 and value.subs(z, -2) == 0


# ------------------------------------------------------------------ composition
def test_equal_settings_share_one_dispatch_table() -> None:
    assert constructs_for(LoweringSettings(strict=True, poisoned=frozenset({"a"}))) is constructs_for(STRICT)
    assert constructs_for(DEFAULT) is not constructs_for(STRICT)


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        STRICT.strict = False  # type: ignore[misc]
