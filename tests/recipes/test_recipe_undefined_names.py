"""A recipe that differentiates an undefined name, or by a variable mentioned nowhere, is a spec error.

Both used to derive a false truth of 0 (`diff(L, zz)`, `diff(Q, x)` -> `wrong ... (derived: 0)`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sympy as sp

from derive.recipes.interpreter import RecipeError, RecipeInterpreter
from derive.spec.declarations import Declarations, declare_symbols
from derive.spec.errors import SpecError
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

ROOT = Path(__file__).resolve().parents[2]


def interpreter(symbols: dict | None = None, **given: str) -> RecipeInterpreter:
    d = Declarations()
    declare_symbols(d, symbols or {})
    run = RecipeInterpreter(d)
    for name, latex in given.items():
        d.given[name] = run.op_latex(latex)
    return run


@pytest.mark.parametrize(("recipe", "message", "hint"), [
    ("diff(L, zz)", "diff by zz: zz appears nowhere", "z"),
    ("diff(L, w, zz)", "diff by zz", "z"),
    ("grad(L, [w, zz])", "grad by zz", "z"),
    ("hessian(L, [zz, w])", "hessian by zz", "z"),
    ("diff(Q, z)", "diff: Q is neither given nor declared", "q"),
    ("diff(Loss, w)", "Loss is neither given nor declared", "L"),
])
def test_undefined_names_are_refused_with_the_closest_name(recipe: str, message: str, hint: str) -> None:
    run = interpreter({"q": "real"}, L="(w z - 1)^2")
    with pytest.raises(RecipeError, match=message) as err:
        run.run(recipe)
    assert f"did you mean {hint!r}?" in str(err.value)


@pytest.mark.parametrize(("recipe", "expected"), [
    ("diff(L, z)", "2*w*(w*z - 1)"),
    ("diff(L, b)", "0"),                                # b is declared: its derivative 0 is a real answer
    ("diff(y^2, y)", "2*y"),                            # undeclared scalars used in what is differentiated
    ("subs(diff((v_3 * v_1)^2, v_3), v_3=2, v_1=1)", "4"),
    ('diff("\\tanh(u)", u)', "1 - tanh(u)**2"),
    ("diff(x, x)", "1"),
])
def test_names_the_exercise_or_the_expression_mention_still_work(recipe: str, expected: str) -> None:
    run = interpreter({"b": "real"}, L="(w z - 1)^2")
    value = run.run(recipe)
    assert sp.simplify(sp.sympify(str(value)) - sp.sympify(expected)) == 0


def test_a_gradient_by_names_of_the_exercise() -> None:
    value = interpreter(L="(w z - 1)^2").run("grad(L, [w, z])")
    w, z = sp.Symbol("w", real=True), sp.Symbol("z", real=True)
    assert sp.simplify(value - sp.Matrix([2 * z * (w * z - 1), 2 * w * (w * z - 1)])) == sp.zeros(2, 1)


SPEC = """\
notes: n.md
exercises:
  - id: t/names
    symbols: {z: real}
    given:
      L: '(w z - 1)^2'
    claims:
      - id: typo
        latex: '2 w (w z - 1)'
        expect: 'diff(L, zz)'
"""


def test_a_spec_with_an_undefined_derivative_variable_is_a_spec_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    (ex,) = load_file(path)
    with pytest.raises(SpecError) as err:
        check_exercise(ex)
    assert str(err.value).startswith(f"{path}:8: claim typo: expect:")
    assert "did you mean 'z'?" in str(err.value)


def test_the_cli_exits_2_with_one_line_instead_of_a_false_wrong(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC, encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(path)], capture_output=True,
                         text=True, cwd=tmp_path, timeout=120)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr.strip().count("\n") == 0 and f"{path}:8:" in run.stderr and "zz" in run.stderr


def test_the_same_spec_with_the_right_variable_is_correct(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC.replace("diff(L, zz)", "diff(L, z)"), encoding="utf-8")
    (ex,) = load_file(path)
    (result,) = check_exercise(ex)
    assert result.verdict == Verdict.CORRECT, result.message


def test_a_deeply_nested_recipe_is_a_recipe_error() -> None:
    with pytest.raises(RecipeError, match="nested too deeply"):
        interpreter().run("+".join(["1"] * 3000))
