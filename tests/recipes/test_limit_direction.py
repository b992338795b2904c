"""`limit(e, x, a[, left|right|both])`: two-sided unless a side is named (SymPy's own default is the right side,
which made a wrong left-hand limit correct)."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.spec.errors import SpecError
from verify.claims.registry import load_file
from verify.result import Verdict
from verify.run.check import check_exercise

SIGN = r'latex("\frac{|x|}{x}")'


def _verdicts(tmp_path: Path, claims: list[tuple[str, str, str]]) -> dict[str, Verdict]:
    lines = [f"      - {{id: {i}, latex: '{latex}', expect: '{expect}'}}" for i, latex, expect in claims]
    path = tmp_path / "spec.yaml"
    path.write_text("exercises:\n  - id: t/1\n    claims:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    (ex,) = load_file(path)
    return {r.claim: r.verdict for r in check_exercise(ex)}


def test_one_sided_limits_follow_the_named_side(tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path, [
        ("left", "L = -1", f"limit({SIGN}, x, 0, left)"),
        ("left-wrong", "L = 1", f"limit({SIGN}, x, 0, left)"),
        ("right", "L = 1", f"limit({SIGN}, x, 0, right)"),
        ("both", "L = 1", r'limit(latex("\frac{\sin x}{x}"), x, 0)'),
    ])
    assert verdicts == {"left": Verdict.CORRECT, "left-wrong": Verdict.WRONG, "right": Verdict.CORRECT,
                        "both": Verdict.CORRECT}


@pytest.mark.parametrize(("expect", "message"), [
    (f"limit({SIGN}, x, 0)", "left hand limit = -1 and right hand limit = 1 (give a direction"),
    (f"limit({SIGN}, x, 0, up)", "direction must be left, right or both"),
])
def test_a_limit_that_does_not_exist_or_a_bad_side_is_a_spec_error(tmp_path: Path, expect: str, message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("(", r"\(")):
        _verdicts(tmp_path, [("c", "L = 1", expect)])
