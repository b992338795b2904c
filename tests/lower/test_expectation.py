"""Expectations under declared distributions: a ReLU power, exactly and quickly."""

from __future__ import annotations

import time

import sympy as sp

from derive.lower.expectation import expectation
from derive.spec.declarations import Declarations, declare_symbols


def test_expectation_of_a_relu_power_is_fast_and_exact() -> None:
    decls = Declarations()
    declare_symbols(decls, {"a": {"normal": [0, "sigma"]}, "sigma": "positive"})
    a, sigma = decls.symbol("a"), decls.symbol("sigma")
    start = time.perf_counter()
    assert sp.simplify(expectation(sp.Max(0, a) ** 4, decls) - 3 * sigma**4 / 2) == 0
    assert sp.simplify(expectation(sp.Max(0, a) ** 2, decls, variance=True) - 5 * sigma**4 / 4) == 0
    assert time.perf_counter() - start < 5
