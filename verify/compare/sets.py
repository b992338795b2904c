"""Are two sets (finite sets, intervals with open or closed ends) the same?

Sets of numbers are compared exactly as SymPy sets (equal, or an element of one that the other does not
contain, each membership decided by SymPy exactly). Finite sets of expressions are equal when every element
of each equals an element of the other (the engine's evidence, verify/compare/engine.py); different when, at a
random rational point, the two sets of numbers differ.
"""

from __future__ import annotations

import random

import sympy as sp

from verify.compare import engine
from verify.compare.conditions import elements_between, same_set, show_set
from verify.compare.points import random_point, shown, shown_point
from verify.compare.types import Comparison
from verify.result import Counterexample

POINTS = 12


def compare_sets(a: sp.Set, b: sp.Set, *, seed: int, proof_seconds: float = 3.0,
                 element: str = "element") -> Comparison:
    """`element` names the coordinate of a counterexample (`x` when a side is a condition on x)."""
    symbols = sorted({s for s in a.free_symbols | b.free_symbols if isinstance(s, sp.Symbol)}, key=str)
    if not symbols:
        if same_set(a, b):
            return Comparison(True, proven=True, evidence=f"proven: the same set {show_set(a)}")
        for e in elements_between(a, b):
            return _found({}, e, a.contains(e) is sp.true, element)
        return Comparison(None, reason=f"SymPy cannot tell whether {show_set(a)} and {show_set(b)} are the same set")
    if isinstance(a, sp.FiniteSet) and isinstance(b, sp.FiniteSet):
        return _finite_sets(a, b, symbols, seed, proof_seconds, element)
    return Comparison(None, reason="only finite sets may have unknowns in their elements (interval ends must be "
                                   "numbers)")


def _found(point: dict[sp.Symbol, sp.Expr], e: sp.Expr, in_a: bool, element: str) -> Comparison:
    word = {True: "contains it", False: "does not contain it"}
    shown_at = {**shown_point(point), element: shown(e)}
    return Comparison(False, counterexample=Counterexample(shown_at, word[in_a], word[not in_a]),
                      diagnosis="different sets",
                      evidence="an element of one set and not the other (membership decided exactly)")


def _finite_sets(a: sp.FiniteSet, b: sp.FiniteSet, symbols: list[sp.Symbol], seed: int, proof_seconds: float,
                 element: str) -> Comparison:
    rng = random.Random(seed)
    for _ in range(POINTS):
        point = random_point(symbols, rng)
        va, vb = a.xreplace(point), b.xreplace(point)
        if not all(e.is_number and e.is_finite for e in list(va.args) + list(vb.args)):
            continue
        if va.free_symbols or vb.free_symbols or same_set(va, vb):
            continue
        for e in elements_between(va, vb):
            return _found(point, e, va.contains(e) is sp.true, element)
    proven = True
    budget = proof_seconds / max(1, len(a.args) + len(b.args))
    evidence = ""
    for one, other in ((a, b), (b, a)):
        for e in one.args:
            match = None
            for f in other.args:
                comp = engine.compare(e, f, seed=seed, proof_seconds=budget)
                if comp.equal is True:
                    match = comp
                    break
            if match is None:
                return Comparison(None, reason=f"no element of the other set is shown equal to {sp.sstr(e)}, and "
                                               f"no random point separates the sets")
            proven = proven and match.proven
            evidence = evidence or match.evidence
    how = "proven" if proven else f"for instance {evidence}"
    return Comparison(True, proven=proven, evidence=f"each element of either set equals one of the other ({how})")


__all__ = ["compare_sets"]
