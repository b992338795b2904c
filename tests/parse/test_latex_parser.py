"""The LaTeX notation of the notes: one test per construct (examples are from the notes)."""

import pytest
import sympy as sp

from derive.lower.errors import LoweringError, TooLarge, UndefinedQuantity
from derive.lower.functions import BUILTINS
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.declarations import Declarations, declare_symbols


def decls(**symbols):
    d = Declarations()
    declare_symbols(d, symbols)
    return d


def lower(text, d=None):
    d = d or decls()
    st = parse_latex(text).statements
    assert len(st) == 1 and len(st[0].operands) == 1, st
    return Lowerer(d).expr(st[0].operands[0])


def S(name, **kw):
    kw.setdefault("real", True)
    return sp.Symbol(name, **kw)


z, x = S("z"), S("x")


@pytest.mark.parametrize("text", [
    r"a[\theta_{10} + \theta_{11}x]", r"f[\mathbf{x}, \phi]", r"\text{ReLU}[\alpha z]", r"\text{sig}[z]",
    r"\exp[-z]", r"\log\big[1 - \text{sig}[f]\big]", r"\cos[y - \mu]", r"\sum_{i \in B_t} x",
    r"\prod_{d=1}^{10} x_d", r"W^{(\ell)}", r"x^2_i", r"\hat{y}", r"\boldsymbol{\Omega}",
    r"\frac{\partial^2 L}{\partial \phi_0 \partial \phi_1}", r"\mathbb{1}_{\{x \geq 1\}}",
    r"\max(0, z)", r"\sqrt{2\pi}\sigma", r"\binom{D}{j}", r"e^{x}", r"\operatorname{ReLU}(z)",
    r"\quad x \, y \;", r"\begin{bmatrix} 1 & 2 \\ 3 & 4 \end{bmatrix}", r"\mathbf{x}^T", r"\mathbf{x}^\top",
    r"a \odot b", r"\|d_l - f(x_l; w)\|_2^2", r"x \in [1, 3)", r"20{,}000",
])
def test_notation_parses(text):
    assert parse_latex(text).statements


def test_prince_bracket_applies_declared_function():
    d = decls()
    d.functions["a"] = BUILTINS["relu"]
    t10, t11 = S("theta_10"), S("theta_11")
    assert lower(r"\phi_1 a[\theta_{10} + \theta_{11}x]", d) == S("phi_1") * sp.Max(0, t10 + t11 * x)


def test_brackets_group_when_not_a_function():
    d = decls(x={"indexed": "i"})
    value = lower(r"\sum_i \left[2\phi_0 + 2\phi_1 x_i\right]", d)
    assert isinstance(value, sp.Sum)
    assert value.function == 2 * S("phi_0") + 2 * S("phi_1") * sp.IndexedBase("x")[S("i", integer=True)]


def test_number_followed_by_parentheses_multiplies():
    assert lower(r"2(3) + 3(4) + 3 + 1") == 22


def test_sigmoid_spellings():
    assert sp.simplify(lower(r"\text{sig}[z]") - 1 / (1 + sp.exp(-z))) == 0
    assert sp.simplify(lower(r"\frac{1}{1 + \exp[-z]}") - 1 / (1 + sp.exp(-z))) == 0


def test_unbounded_sum_ranges_over_data_index():
    d = decls(x={"indexed": "i"})
    value = lower(r"\sum_i x_i", d)
    (var, lo, hi), = value.limits
    assert lo == 1 and str(hi) == "I" and hi.is_integer and hi.is_positive


def test_derivative_of_given_quantity():
    d = decls()
    d.given["L"] = lower(r"(\phi_0 - y)^2", d)
    assert sp.expand(lower(r"\frac{\partial L}{\partial \phi_0}", d) - 2 * (S("phi_0") - S("y"))) == 0


def test_derivative_operator_acts_on_what_follows():
    value = lower(r"\frac{d}{dz} \text{sig}[z]")
    sig = 1 / (1 + sp.exp(-z))
    assert sp.simplify(value - sig * (1 - sig)) == 0


def test_second_mixed_derivative():
    d = decls()
    d.given["L"] = S("phi_0") ** 2 * S("phi_1") ** 3
    assert lower(r"\frac{\partial^2 L}{\partial \phi_0 \partial \phi_1}", d) == 6 * S("phi_0") * S("phi_1") ** 2


def test_derivative_of_undefined_quantity_is_not_zero():
    with pytest.raises(UndefinedQuantity):
        lower(r"\frac{\partial h_1}{\partial f_0}")


def test_indicator_and_cases():
    ind = lower(r"\mathbb{1}[z > 0]")
    assert ind.subs(z, 2) == 1 and ind.subs(z, -2) == 0
    relu = lower(r"\begin{cases} 0 & \text{if } x < 0 \\ x & \text{if } x \geq 0 \end{cases}")
    assert relu.subs(x, -3) == 0 and relu.subs(x, 3) == 3


def test_aligned_rows_and_chain_continuation():
    f = parse_latex(r"\begin{aligned} a &= b \\ &= c \\ d &= e \end{aligned}")
    assert [len(s.operands) for s in f.statements] == [3, 2]


def test_line_break_inside_a_sum_continues_it():
    f = parse_latex(r"y = a \\ + b")
    assert len(f.statements) == 1
    assert Lowerer(decls()).expr(f.statements[0].operands[1]) == S("a") + S("b")


def test_prose_annotation_is_dropped():
    assert lower(r"1000 \text{ iterations} \times 20") == 20000


def test_superscript_label_is_not_a_power():
    assert lower(r"W^{(\ell)}") == S("W^ell")


def test_transpose_of_matrix():
    m = lower(r"\begin{bmatrix} 1 & 2 \end{bmatrix}^T")
    assert m.shape == (2, 1)


def test_parse_error_names_column_and_token():
    with pytest.raises(LatexParseError) as err:
        parse_latex(r"x + \frac{1}{2} )")
    assert err.value.column == 17 and "')'" in str(err.value)


def test_huge_exponent_is_refused():
    with pytest.raises(TooLarge):
        lower(r"2^{10^{10}}")


def test_prose_alone_is_not_mathematics():
    with pytest.raises(LoweringError):
        lower(r"\text{Total parameters}")


def test_plus_minus_subscript_is_a_label_not_a_value():
    # y_{\pm 1} (labels in {-1, +1}) and y_{01} are two names: the conversion y_{01} = (y_{\pm 1} + 1)/2
    assert lower(r"y_{\pm 1}") == S("y_pm1")
    assert lower(r"y_{\mp 1}") != lower(r"y_{\pm 1}")
    assert lower(r"\frac{y_{\pm 1} + 1}{2}") - (S("y_pm1") + 1) / 2 == 0


def test_latex_that_a_string_escape_damaged_is_named_as_such():
    # `\b`, `\t`, `\f`, `\r` eaten by a programming language's string escapes: egin{, ext{, rac{, ight]
    with pytest.raises(LatexParseError, match=r"escape-damaged \('egin\{'"):
        parse_latex(r"\left[egin{array}{c} a \ b \ \end{array}")
    with pytest.raises(LatexParseError) as plain:
        parse_latex(r"x + \end{array}")
    assert "escape-damaged" not in str(plain.value)
