"""Property: any formula, cut-off formula or junk is read to a value or a documented error, within its budget.

The same properties as benchmarks/fuzz.py (which runs 50,000 inputs), with a modest example count for CI.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.declarations import Declarations
from verify.commands.equiv import check_pair
from verify.compare.budget import time_limit
from verify.compare.equal import compare

BUDGET = 2.0
# NumPy's warnings on sampled values (verify/compare) say nothing about robustness.
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")
ATOMS = ["x", "y", "z", "2", "0", "0.5", "12", r"\alpha", r"\sigma", r"\pi", r"\infty", r"\mathbf{x}", r"\hat{y}",
         r"\frac12", r"\frac ab", r"\sqrt2", "e", r"\ell"]
ONE_HOLE = ["({})", r"\left({}\right)", "[{}]", "|{}|", r"\|{}\|", r"\sqrt{{{}}}", r"\frac{{1}}{{{}}}", "-{}",
            "x^{{{}}}", "{}^2", "{}^12", r"{}^\top", "{}_i", "{}'", r"\sin({})", r"\exp {}", r"\log(1 + {})",
            r"\sigma({})", "f({})", r"\max(0, {})", r"\sum_{{i=1}}^{{n}} {}", r"\prod_{{k=1}}^{{3}} {}",
            r"\int_0^1 {} \, dx", r"\frac{{d}}{{dx}} {}", r"\frac{{\partial {}}}{{\partial x}}", r"\nabla_x {}",
            r"\mathbb{{E}}[{}]", r"\mathbb{{1}}[{} > 0]", "({})!", r"\sin({} = 1)", r"x^\frac{{{}}}2",
            r"\begin{{pmatrix}} {} & 1 \\ 0 & x \end{{pmatrix}}",
            r"\begin{{cases}} {} & x > 0 \\ 0 & \text{{otherwise}} \end{{cases}}"]
TWO_HOLES = ["{} + {}", "{} - {}", "{} {}", r"{} \cdot {}", "{} / {}", r"\frac{{{}}}{{{}}}", "{}^{{{}}}",
             r"\binom{{{}}}{{{}}}", r"\langle {}, {} \rangle", "{} = {}", r"{} \leq {}"]
JUNK = ["\\", "{", "}", "^", "_", "&", "\\\\", "(", ")", "|", "'", "=", r"\frac", r"\sqrt", r"\left", r"\begin{cases}",
        r"\end{pmatrix}", r"\sum", r"\partial", r"\text{", "x", "1", "12", ",", "\u00e9", "%"]


def _fill(template: str, *parts: str) -> str:
    return template.format(*parts)


formulas = st.recursive(
    st.sampled_from(ATOMS),
    lambda inner: st.one_of(
        st.builds(_fill, st.sampled_from(ONE_HOLE), inner),
        st.builds(_fill, st.sampled_from(TWO_HOLES), inner, inner),
    ),
    max_leaves=10,
)
chains = st.builds(lambda op, n: op.join(["x"] * n), st.sampled_from([" + ", " - ", " ", r" \cdot "]),
                   st.integers(100, 3000))
nests = st.builds(lambda pair, n: pair[0] * n + "x" + pair[1] * n,
                  st.sampled_from([("(", ")"), (r"\frac{1}{", "}"), ("x^{", "}"), (r"\sin(", ")")]),
                  st.integers(50, 400))
inputs = st.one_of(
    formulas,
    st.builds(lambda text, k: text[:k], formulas, st.integers(0, 120)),          # cut off anywhere
    st.lists(st.sampled_from(JUNK), max_size=30).map("".join),                  # junk tokens
    st.text(max_size=40),                                                       # any characters
    chains, nests,
)


def read(text: str) -> None:
    """Parse, lower every side, compare the first with the last: documented errors only."""
    try:
        formula = parse_latex(text)
    except LatexParseError:
        return
    values = []
    for statement in formula.statements:
        for operand in statement.operands:
            if operand.kind != "empty":
                try:
                    values.append(Lowerer(Declarations()).expr(operand))
                except LoweringError:
                    pass
    if values:
        compare(values[0], values[-1], seed=0, proof_seconds=0.1)


@settings(max_examples=80, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(inputs)
def test_reading_any_input_ends_in_a_value_or_a_documented_error(text: str) -> None:
    start = time.process_time()
    try:
        with time_limit(BUDGET):
            read(text)
    except TimeoutError:
        pass
    assert time.process_time() - start < BUDGET + 2


@settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(formulas, st.one_of(formulas, st.builds(lambda text, k: text[:k], formulas, st.integers(0, 60))))
def test_equiv_answers_every_pair(a: str, b: str) -> None:
    start = time.process_time()
    result = check_pair(a, b, None, timeout=BUDGET)
    assert result["equivalent"] in (True, False, None)
    assert result["equivalent"] is not None or result["error"]
    assert time.process_time() - start < BUDGET + 2


def test_the_templates_mostly_read_to_values() -> None:
    # The properties above would hold vacuously if the templates only made text the parser refuses.
    def reads(text: str) -> bool:
        try:
            Lowerer(Declarations()).expr(parse_latex(text).statements[0].operands[0])
        except (LatexParseError, LoweringError):
            return False
        return True

    filled = [t.format("x") for t in ONE_HOLE] + [t.format("x", "2") for t in TWO_HOLES]
    assert sum(map(reads, filled)) >= 0.8 * len(filled)


@pytest.mark.parametrize("text", [
    r"\log_2 \frac{d \lfloor \tfrac{1}x \rfloor}{d x} = 0",   # fuzz seed 7 #7749: SymPy's Subs by an expression
    r"(\max(L, 1000))! = b",                                  # fuzz seed 11 #18729: 1000! is no double
    r"\binom{(42)!}{3} = 1",                                  # a binomial coefficient past the largest double
])
def test_inputs_the_fuzzer_once_crashed_on(text: str) -> None:
    with time_limit(BUDGET):
        read(text)


def test_an_empty_side_is_unreadable_not_a_crash() -> None:
    out = check_pair(".5", r"\left", {"i": {"range": [1, 3]}})   # fuzz seed 23 #1232
    assert out["equivalent"] is None and out["unparsable"] and "empty" in out["error"]

