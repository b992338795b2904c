"""parse(write(e)) is e: every value the bundled suite derives, written by the LaTeX writer in its exercise's
notation, reads back through the parser and lowering as the same value (checked by the comparison engine)."""

from __future__ import annotations

import re
from multiprocessing import get_context
from pathlib import Path

import pytest
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.lower.argmin import ArgminClass, LikelihoodClass
from derive.lower.definitions import build_declarations
from derive.lower.lowerer import Lowerer
from derive.parse.latex import MAX_FORMULA_CHARS, parse_latex
from derive.spec.declarations import Declarations
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import claim_declarations, derive_expected, too_big_to_print
from verify.claims.registry import load_suite
from verify.compare.budget import time_limit
from verify.compare.equal import compare
from verify.run.check import exercise_notation
from verify.write.latex import to_latex

ROOT = Path(__file__).resolve().parents[2]
# A loss or likelihood derived "up to a positive factor and a constant" (derive/argmin.py) is printed with this
# prose after it; the prose is no formula, so what must read back is the expression before it.
ANNOTATION = re.compile(r" \\quad \(\\text\{up to [^}]*\}[^()]*\)$")
# Claims decided by their own modules, whose `expect:` is no value the writer prints: sizes, region counts and
# index-notation claims, and code.
OWN_CHECKERS = ("shape", "regions", "index")
# What the checker writes with the LaTeX writer (a list of parameter values is reported by its own module).
PRINTED = (sp.Expr, sp.MatrixBase, sp.Eq, sp.FiniteSet)
# d l(a, b)/da of an unspecified l is named l_d1(a, b) for the comparison only (derive/matcalc.py
# opaque_derivatives); the notes write it through the quantity it is taken by, so no notation reads back as it.
OPAQUE_DERIVATIVE = re.compile(r".+_d\d+")


def _written(claim: ClaimSpec) -> bool:
    """Whether the checker derives this claim's answer and writes it with the LaTeX writer. Not: the claims
    above, claims without `expect:`, and numeric claims fed by another claim's printed value (`from_claim`)."""
    return (claim.raw.get("kind") not in OWN_CHECKERS and claim.raw.get("code") is None
            and claim.expect is not None and not claim.raw.get("from_claim"))


def _round_trip(value: sp.Basic, tex: str, decls: Declarations) -> str | None:
    """None when `tex` reads back as `value` (an expression, matrix, equation or set), else what went wrong."""
    if isinstance(value, ArgminClass):
        annotation = ANNOTATION.search(tex)
        if annotation is None:
            return f"{tex!r} lacks the documented annotation"
        tex, value = tex[:annotation.start()], value.args[0]
    low = Lowerer(decls)
    if isinstance(value, sp.FiniteSet):   # read as a set claim is: the items listed between the braces
        inner = tex.removeprefix(r"\left\{").removesuffix(r"\right\}")
        try:
            items = [o for st in parse_latex(inner).statements for o in st.operands if o.kind != "empty"]
            back = {low.expr(o) for o in items}
        except Exception as exc:  # noqa: BLE001 - any failure to read back is the finding
            return f"{tex!r} does not read back: {type(exc).__name__}: {exc}"
        return None if back == set(value) else f"{tex!r} reads back as {back}, not {value}"
    try:
        statement = parse_latex(tex).statements[0]
        if isinstance(value, sp.Eq):
            if statement.relations != ["="]:
                return f"{tex!r} is not read as one equation"
            pairs = list(zip(low.statement_sides(statement), value.args, strict=True))
        else:
            pairs = [(low.expr(statement.operands[0]), value)]
        with time_limit(5):
            verdicts = [compare(back, want, seed=0).equal for back, want in pairs]
    except Exception as exc:  # noqa: BLE001 - any failure to read back is the finding
        return f"{tex!r} does not read back: {type(exc).__name__}: {exc}"
    if not all(v is True for v in verdicts):
        return f"{tex!r} reads back as {[back for back, _ in pairs]}, not {value}"
    return None


def _round_trips(ex: ExerciseSpec) -> tuple[int, list[str]]:
    """(values checked, failures) for one exercise. Not counted: derivations that fail or time out (verify
    reports them), values not written by the writer (PRINTED), values too big to print (the report names
    their size instead, verify/check.py) or to parse, and values holding derivatives of unspecified functions
    (OPAQUE_DERIVATIVE)."""
    checked, failures = 0, []
    decls = build_declarations(ex)
    notation = exercise_notation(ex)
    for claim in ex.claims:
        if not _written(claim):
            continue
        claim_decls = claim_declarations(ex, claim, decls)
        try:
            with time_limit(5):
                value = derive_expected(claim, ex, claim_decls)
        except Exception:  # noqa: BLE001 - verify reports these; here only printable values matter
            continue
        if not isinstance(value, PRINTED) or too_big_to_print(value) or any(
                OPAQUE_DERIVATIVE.fullmatch(f.func.__name__) for f in value.atoms(AppliedUndef)):
            continue
        tex = to_latex(value, **notation)
        if len(tex) > MAX_FORMULA_CHARS:   # the parser refuses longer formulas on purpose
            continue
        checked += 1
        problem = _round_trip(value, tex, claim_decls)
        if problem is not None:
            failures.append(f"{ex.id} {claim.id}: {problem}")
    return checked, failures


def test_every_derived_value_of_the_suite_round_trips():
    exercises = load_suite([ROOT / "exercises"])
    with get_context("fork").Pool(2) as pool:
        outcomes = pool.map(_round_trips, exercises, chunksize=1)
    checked = sum(n for n, _ in outcomes)
    failures = [f for _, fs in outcomes for f in fs]
    assert checked >= 300, f"only {checked} derived values were printable"
    assert not failures, "\n".join(failures)


x, y, c, phi = sp.symbols("x y c phi", real=True)
d, i = sp.symbols("d i", integer=True)


@pytest.mark.parametrize("value, settings, expected", [
    (sp.Function("f")(x, phi), {"application": "square"}, r"f[x, \phi]"),
    (sp.Function("f")(x) ** 2, {"application": "round"}, r"f\left(x\right)^{2}"),
    (sp.KroneckerDelta(sp.Symbol("i"), 1), {}, r"\mathbb{1}[i = 1]"),
    (sp.Sum(-2 * sp.Indexed("x", sp.Symbol("i")), (sp.Symbol("i"), 1, sp.Symbol("I"))), {},
     r"- \sum_{i=1}^{I} 2 x_{i}"),
    # names as the lowering makes them, in the notation it reads back
    (sp.Symbol("hat_y"), {}, r"\hat{y}"),
    (sp.Symbol("cal_L"), {}, r"\mathcal{L}"),
    (sp.Symbol("b^2"), {}, r"b^{(2)}"),
    (sp.Symbol("f^t"), {}, r"f^{(t)}"),
    (sp.Symbol("delta^ell,2"), {}, r"\delta^{(\ell),(2)}"),   # a layer and an example label
    (sp.Symbol("w_star"), {}, r"w_{\star}"),
    (sp.Symbol("theta_d0"), {}, r"\theta_{d0}"),
    # entries of concrete vectors and matrices (derive/matcalc.py entry_name)
    (sp.Symbol("v[1]") ** 2, {}, r"v_{1}^{2}"),
    (sp.Symbol("a[1,2]"), {}, r"a_{12}"),
    (sp.Symbol("hat_y[3]"), {}, r"\hat{y}_{3}"),
    (sp.Symbol("w_t[1]"), {}, r"\left(w_{t}\right)_{1}"),
    # an opaque family: f(1, d, x, phi) is the head f_{1,d}; f_3 next to a bracket would apply f
    (sp.Function("f")(1, d, x, phi), {"families": ("f",)}, r"f_{1,d}[x, \phi]"),
    (sp.Symbol("f_3") * (1 + x), {"functions": ("f",)}, r"{f_{3}} \left(x + 1\right)"),
    # numbers of more than 60 digits are written as the powers they are
    (sp.Rational(9, 10) ** 100, {}, r"0.9^{100}"),
    (sp.Rational(2, 3) ** 200, {}, r"\left(\frac{2}{3}\right)^{200}"),
    (-sp.Integer(7) ** 90, {}, r"- 7^{90}"),
    # an author who writes \sum_i gets \sum_{i} for the default range 1..I, others the explicit range
    (sp.Sum(sp.Indexed("x", i) + 1, (i, 1, sp.Symbol("I"))), {"short_sums": True}, r"\sum_{i} \left(x_{i} + 1\right)"),
    (sp.Sum(sp.Indexed("x", i) + 1, (i, 1, sp.Symbol("N"))), {"short_sums": True},
     r"\sum_{i=1}^{N} \left(x_{i} + 1\right)"),
])
def test_writer_uses_notation_that_reads_back(value, settings, expected):
    assert to_latex(value, **settings) == expected


@pytest.mark.parametrize("value, symbols", [
    (sp.Symbol("hat_y") + sp.Symbol("cal_L") * sp.Symbol("b^2"), {}),
    (sp.Symbol("w_star") * sp.Symbol("f^t"), {}),
    (sp.Rational(9, 10) ** 100 * c, {}),
    (sp.Rational(10 ** 70 + 1, 3), {}),   # no exact short form: written out exactly
    (sp.Symbol("w_t[2]") * sp.Symbol("x_i[1]") + sp.Symbol("a[2,1]"),
     {"w_t": {"shape": [3]}, "x_i": {"shape": [3]}, "a": {"shape": [2, 2]}}),
    (sp.Symbol("a^ellm1,2[1]") * sp.Symbol("delta^ell,1"), {"a^ellm1,2": {"shape": [3]}}),
])
def test_names_and_numbers_read_back(value, symbols):
    assert _round_trip(value, to_latex(value), _declarations(symbols)) is None


def test_the_annotation_of_a_class_is_prose_after_the_expression():
    loss = (y - phi * x) ** 2
    tex = to_latex(LikelihoodClass(sp.exp(-loss), sp.Tuple(phi)))
    assert ANNOTATION.search(tex) is not None
    argmin = ArgminClass(loss, sp.Tuple(phi))
    assert _round_trip(argmin, to_latex(argmin), _declarations({})) is None


def _declarations(symbols: dict, functions: dict | None = None) -> Declarations:
    return build_declarations(ExerciseSpec(id="t/1", title=None, notes=None, spec_file="t.yaml", spec_line=1,
                                           symbols=symbols, functions=functions or {}))


def test_a_member_of_an_opaque_family_ending_a_product_is_its_symbol():
    # `2 \sqrt{\pi} f_5` (udl/5.4, f opaque) raised "a function name needs an argument"; alone, f_5 was a symbol
    decls = _declarations({}, {"f": "opaque"})

    def lower(text: str) -> sp.Expr:
        return Lowerer(decls).expr(parse_latex(text).statements[0].operands[0])

    assert lower("2 x f_5") == 2 * x * sp.Symbol("f_5", real=True)
    assert lower("f_5 (x)") == sp.Function("f", real=True)(5, x)   # next to a bracket it still applies f
