"""`\\mathbf{0} + v`: a bold zero added to a vector is the zero vector (derive/lower/arithmetic.py add)."""

from __future__ import annotations

import pytest
import sympy as sp

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations


def lower(latex: str):
    return Lowerer(Declarations()).expr(parse_latex(latex).statements[0].operands[0])


def test_bold_zero_plus_a_vector_is_the_vector():
    v = sp.ImmutableMatrix([sp.Rational(47, 100), sp.Rational(23, 100)])
    assert sp.ImmutableMatrix(lower(r"\mathbf{0} + \begin{pmatrix} 0.47 \\ 0.23 \end{pmatrix}")) == v
    assert sp.ImmutableMatrix(lower(r"\begin{pmatrix} 0.47 \\ 0.23 \end{pmatrix} - \mathbf{0}")) == v


def test_a_plain_number_plus_a_vector_is_still_refused():
    with pytest.raises(LoweringError):
        lower(r"1 + \begin{pmatrix} 0.47 \\ 0.23 \end{pmatrix}")
