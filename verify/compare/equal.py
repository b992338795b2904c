"""The one entry point for "is the claimed value the derived one?".

Minimisers (an `argmin` value, or a loss judged up to what does not move its argmin) are compared by
verify/compare/argmin.py; every other value (scalars, matrices, matrices written with elisions) by
verify/compare/engine.py: sampled at random points, every disagreement confirmed exactly, then a proof attempt.
Indefinite integrals are compared up to a constant, by their derivatives (verify/compare/antiderivative.py).
"""

from __future__ import annotations

import sympy as sp

from verify.compare import antiderivative, argmin, engine
from verify.compare.types import Comparison


def compare(claimed: sp.Basic, expected: sp.Basic, *, seed: int, proof_seconds: float = 3.0) -> Comparison:
    if variables := antiderivative.integration_variables(claimed, expected):   # indefinite integrals
        comp = compare(*antiderivative.derivatives(claimed, expected, variables), seed=seed,
                       proof_seconds=proof_seconds)
        return antiderivative.up_to_a_constant(comp, variables)
    if argmin.is_argmin_value(claimed) or argmin.is_argmin_value(expected):
        return argmin.compare_argmin(claimed, expected, seed=seed, proof_seconds=proof_seconds)
    return engine.compare(claimed, expected, seed=seed, proof_seconds=proof_seconds)
