"""The kind registry: one module per kind, dispatch once, implicit kinds inferred in one place."""

from __future__ import annotations

from pathlib import Path

import pytest

from derive.lower.definitions import build_declarations
from verify.claims.context import ClaimContext, claim_declarations
from verify.claims.registry import KINDS, check_claim, kind_of, load_file
from verify.result import ClaimResult, Verdict


def test_every_kind_has_a_name_a_weight_and_a_check() -> None:
    for name, kind in KINDS.items():
        assert kind.name == name and callable(kind.check) and isinstance(kind.heavy, bool)
    assert {"formula", "equation", "numeric", "bound", "order", "shape", "set", "parameters", "regions",
            "index", "code"} <= set(KINDS)


def _contexts(tmp_path: Path, claims: str) -> dict[str, ClaimContext]:
    path = tmp_path / "spec.yaml"
    path.write_text("exercises:\n  - id: t/1\n    symbols: {x: real}\n    claims:\n" + claims, encoding="utf-8")
    (ex,) = load_file(path)
    decls = build_declarations(ex)
    return {c.id: ClaimContext(ex, c, claim_declarations(ex, c, decls), seed=1) for c in ex.claims}


@pytest.mark.parametrize("claim, kind", [
    ("{id: f, latex: '2x', expect: 'diff(x^2, x)'}", "formula"),
    ("{id: n, latex: '0.25', expect: '1/4'}", "numeric"),
    ("{id: e, latex: 'x = 3', expect: 'x - 3 = 0'}", "equation"),
    ("{id: b, kind: bound, latex: 'x^2 \\geq 0'}", "bound"),
])
def test_the_kind_a_claim_is_checked_as(tmp_path: Path, claim: str, kind: str) -> None:
    ctx = _contexts(tmp_path, f"      - {claim}\n")
    (only,) = ctx.values()
    assert kind_of(only).name == kind
    result = check_claim(only)
    assert isinstance(result, ClaimResult) and result.verdict == Verdict.CORRECT, result.message


def test_a_wrong_claim_of_each_inferred_kind(tmp_path: Path) -> None:
    ctx = _contexts(tmp_path, "      - {id: f, latex: '3x', expect: 'diff(x^2, x)'}\n"
                              "      - {id: n, latex: '0.26', expect: '1/4'}\n"
                              "      - {id: e, latex: 'x = 4', expect: 'x - 3 = 0'}\n")
    verdicts = {k: check_claim(c).verdict for k, c in ctx.items()}
    assert verdicts == {"f": Verdict.WRONG, "n": Verdict.WRONG, "e": Verdict.WRONG}


def test_the_truth_is_derived_once_per_claim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import verify.claims.context as context

    calls = []
    real = context.derive_expected
    monkeypatch.setattr(context, "derive_expected", lambda *a, **k: calls.append(1) or real(*a, **k))
    (ctx,) = _contexts(tmp_path, "      - {id: n, latex: '0.25', expect: '1/4'}\n").values()
    check_claim(ctx)   # inference (numeric?) and the numeric check both read the truth
    assert len(calls) == 1


def test_unfinished_claims_are_incomplete_whatever_their_kind(tmp_path: Path) -> None:
    (ctx,) = _contexts(tmp_path, "      - {id: u, kind: index, status: unfinished, latex: 'x'}\n").values()
    assert check_claim(ctx).verdict == Verdict.INCOMPLETE
