"""Diagnosis of a wrong value: never a factor zero or a factor that depends on a size."""

from __future__ import annotations

import sympy as sp

from verify.compare.diagnose import diagnose


def test_diagnosis_never_reports_a_factor_zero_or_a_size_dependent_factor() -> None:
    sigma = sp.Symbol("sigma", positive=True)
    assert diagnose(sp.Integer(0), sigma / sp.sqrt(2 * sp.pi)).startswith("the claim is 0 where")
    i, n = sp.Symbol("i", integer=True), sp.Symbol("I", integer=True, positive=True)
    message = diagnose(sp.Integer(2), sp.Sum(2, (i, 1, n)))
    assert message is None or "factor" not in message
