"""Counting recipes: weights, parameters, factorial, regions of deep networks."""

from __future__ import annotations

from derive.recipes.interpreter import RecipeInterpreter
from derive.spec.declarations import Declarations


def test_weights_factorial_and_deep_regions_recipes() -> None:
    run = RecipeInterpreter(Declarations()).run
    assert run("weights([1, 10, 10, 1])") == 120
    assert run("params([1, 10, 10, 1])") == 141
    assert run("factorial(4)") == 24
    # UDL eq. 4.17: (D/D_i + 1)^(D_i (K - 1)) * sum_j binom(D, j); D_i = 1 gives (D + 1)^K.
    assert run("deep_regions(1, 5, 10)") == 6**10
    assert run("deep_regions(2, 3, 1)") == run("regions(2, 3)")
