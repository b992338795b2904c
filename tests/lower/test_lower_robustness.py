"""Lowering raises only LoweringError (or a subclass) for any input; budgets still pass through."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.lower.errors import LoweringError, SizeMismatch, TooDeep, TooLarge
from derive.lower.lowerer import Lowerer, reading_errors
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations, declare_symbols


def lower(text: str, decls: Declarations | None = None):
    return Lowerer(decls or Declarations()).expr(parse_latex(text).statements[0].operands[0])


@pytest.mark.parametrize("text", [
    r"\sin(x = 1)",          # SymPy raised AttributeError ('Equality' ... 'as_coefficient')
    r"\cos(x < 1)",
    r"\tanh(x = 1)",
    r"\log(x \geq 2)",
])
def test_sympy_failures_inside_a_reading_are_lowering_errors(text: str) -> None:
    with pytest.raises(LoweringError):
        lower(text)


def test_matrices_of_sizes_that_do_not_fit_stay_a_shape_error() -> None:
    # verify/claims/formula.py reads a SymPy ShapeError as "sizes do not fit" (ill-posed): keep that meaning.
    from sympy.matrices.exceptions import ShapeError
    with pytest.raises(SizeMismatch) as info:
        lower(r"\begin{pmatrix} 1 & 2 \end{pmatrix} + \begin{pmatrix} 1 & 2 & 3 \end{pmatrix}")
    assert isinstance(info.value, ShapeError) and isinstance(info.value, LoweringError)


def test_the_backstop_names_what_failed() -> None:
    with pytest.raises(LoweringError, match="AttributeError"):
        with reading_errors():
            raise AttributeError("boom")
    with pytest.raises(TooDeep):
        with reading_errors():
            raise RecursionError


@pytest.mark.parametrize("passing", [TimeoutError, MemoryError])
def test_budgets_pass_through_the_backstop(passing: type[BaseException]) -> None:
    with pytest.raises(passing):
        with reading_errors():
            raise passing()


def test_an_inner_error_is_not_converted_where_a_construct_handles_it() -> None:
    # Constructs catch ValueError/TypeError of the reading below them (e.g. a function given wrong arguments);
    # only the outermost reading converts, so their fallbacks still see what they expect.
    d = Declarations()
    declare_symbols(d, {"x": "positive"})
    assert lower(r"\max(0, x)", d) == sp.Symbol("x", positive=True, real=True)


def test_a_budget_that_ran_out_inside_sympy_is_still_a_timeout() -> None:
    # SIGPROF landing in SymPy's C code surfaces as "SystemError: ... returned a result with an exception set"
    # caused by the TimeoutError; that is the budget running out, not a formula that cannot be read.
    with pytest.raises(TimeoutError):
        with reading_errors():
            try:
                raise TimeoutError
            except TimeoutError as exc:
                raise SystemError("Basic.__hash__ returned a result with an exception set") from exc
    with pytest.raises(LoweringError, match="SystemError"):
        with reading_errors():
            raise SystemError("something else")


@pytest.mark.parametrize("text", [
    r"\binom{3.14159}{1000}",                 # a 10,000-digit rational; printing it crashed the comparison
    r"(10^{1000})^{1000}",                    # computed exactly it would be a million digits
    r"((10^{1000})^{1000})^{1000}",
    r"1000! \cdot 1000! \cdot 1000!",
])
def test_numbers_too_long_to_print_are_too_large(text: str) -> None:
    with pytest.raises(TooLarge, match="digits"):
        lower(text)


def test_large_numbers_that_print_are_read() -> None:
    assert lower(r"2^{1000}") == 2 ** 1000
    assert lower("1000!") == sp.factorial(1000)
