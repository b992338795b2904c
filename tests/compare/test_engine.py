"""Comparison engine: confirmed counterexamples, proofs, diagnosis, determinism."""

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derive.lower.lowerer import Lowerer
from derive.parse.latex import parse_latex
from derive.spec.declarations import Declarations, declare_symbols
from verify.compare.engine import always_proving
from verify.compare.equal import compare


def lower(text, **symbols):
    d = Declarations()
    declare_symbols(d, symbols)
    return Lowerer(d).expr(parse_latex(text).statements[0].operands[0])


DATA = {"x": {"indexed": "i"}, "y": {"indexed": "i"}}


def test_missing_term_in_sum_is_diagnosed():
    claimed = lower(r"\sum_i [2\phi_0 + 2\phi_1 x_i]", **DATA)
    truth = lower(r"\sum_i 2(\phi_0 + \phi_1 x_i - y_i)", **DATA)
    result = compare(claimed, truth, seed=1)
    assert result.equal is False
    assert result.diagnosis == "missing term -2 y_{i} inside the sum"
    cx = result.counterexample
    assert cx is not None and abs(cx.claimed - cx.expected) > 1e-6


def test_factor_and_sign():
    truth = lower(r"\sum_i 2(\phi_0 - y_i)", **DATA)
    assert compare(lower(r"\sum_i 4(\phi_0 - y_i)", **DATA), truth, seed=2).diagnosis == "off by factor 2"
    assert compare(-truth, truth, seed=3).diagnosis.startswith("sign error")


def test_correct_identity_is_decided_by_exact_agreement_and_proven_on_request():
    claimed, expected = lower(r"\frac{e^{-z}}{(1+e^{-z})^2}"), lower(r"\text{sig}[z](1-\text{sig}[z])")
    fast = compare(claimed, expected, seed=4)
    # 50-digit agreement decides; the costly simplify is skipped unless asked for
    assert fast.equal is True and not fast.proven and "50-digit agreement" in fast.evidence
    with always_proving():
        proved = compare(claimed, expected, seed=4)
    assert proved.equal is True and proved.proven


def test_polynomial_identity_is_still_proven_by_cheap_algebra():
    result = compare(lower(r"(x+1)^2"), lower(r"x^2 + 2x + 1"), seed=4)
    assert result.equal is True and result.proven and "exact at" in result.evidence


def test_relu_homogeneity_depends_on_sign_of_alpha():
    pos = compare(lower(r"\text{ReLU}[\alpha z]", alpha="positive"), lower(r"\alpha \text{ReLU}[z]", alpha="positive"),
                  seed=5)
    assert pos.equal is True
    neg = compare(lower(r"\text{ReLU}[\alpha z]", alpha="negative"), lower(r"\alpha \text{ReLU}[z]", alpha="negative"),
                  seed=5)
    assert neg.equal is False and neg.counterexample is not None


def test_float_noise_is_not_a_counterexample():
    # Catastrophic cancellation in floating point; exact re-check must call it equal.
    a = lower(r"(x + 10^{8})^2 - 10^{16} - 2 \cdot 10^{8} x")
    assert compare(a, lower(r"x^2"), seed=6).equal is True


def test_same_seed_same_counterexample():
    c, t = lower(r"\sum_i x_i^2", **DATA), lower(r"\sum_i x_i", **DATA)
    assert compare(c, t, seed=9).counterexample == compare(c, t, seed=9).counterexample


def test_log_domain_uses_positive_points():
    assert compare(lower(r"\log[x^2]", x="positive"), lower(r"2\log[x]", x="positive"), seed=10).equal is True


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=1, max_value=9), st.sampled_from(["x", "y", "z", "w"]))
def test_adding_a_term_makes_a_correct_claim_wrong_and_is_named(k, name):
    truth = lower(r"\phi_0^2 + 3\phi_1")
    sym = sp.Symbol(name, real=True)
    result = compare(truth + k * sym, truth, seed=k)
    assert result.equal is False
    assert result.diagnosis == f"extra term {k if k != 1 else ''}{' ' if k != 1 else ''}{name}"


@settings(max_examples=25, deadline=None)
@given(st.integers(min_value=-5, max_value=5))
def test_claim_equals_itself(c):
    e = lower(r"\text{sig}[z] + \phi_0 z^2") + c
    assert compare(e, e, seed=abs(c)).equal is True


def test_integer_symbols_take_values_beyond_zero_and_one():
    # 2^k and k + 1 agree for k in {0, 1}: sampling must reach larger k.
    k = {"k": {"integer": True, "nonnegative": True}}
    result = compare(lower(r"2^{k}", **k), lower(r"k + 1", **k), seed=0)
    assert result.equal is False and result.counterexample.point["k"] >= 2


@pytest.mark.parametrize("juxtaposed, explicit", [
    (r"x(1-x)^2", r"x \cdot (1-x)^2"),
    (r"(1+x)(1-x)^2", r"(1+x) \cdot (1-x)^2"),
    (r"2(x+1)^{3}", r"2 \cdot (x+1)^3"),
    (r"\sin(x)^2", r"(\sin x)^2"),
    (r"\text{sig}[x]^2", r"\frac{1}{(1+e^{-x})^2}"),
])
def test_power_after_juxtaposed_group_binds_to_the_group_only(juxtaposed, explicit):
    from verify.commands.equiv import check_pair

    assert check_pair(juxtaposed, explicit, None)["equivalent"] is True


def test_unspecified_functions_are_not_separable_in_their_arguments():
    # f(a, b) + f(0, 0) = f(a, 0) + f(0, b) holds for additive functions only: it must be refuted
    import sympy as sp

    from verify.compare.equal import compare

    f = sp.Function("f")
    a, b = sp.symbols("a b", real=True)
    result = compare(f(a, b) + f(0, 0), f(a, 0) + f(0, b), seed=0)
    assert result.equal is False and result.counterexample is not None
