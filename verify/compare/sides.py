"""`equiv`'s dispatch: two sides compared by what they are (verify/compare/readings.py).

| a and b | compared by |
| --- | --- |
| expressions (scalars, matrices) | equal.compare (sampling, exact agreement, proof) |
| conditions (equations, inequalities, chains, systems) | conditions.compare_conditions (same solution set) |
| sets (finite sets, intervals, their unions, intersections, differences) | sets.compare_sets (same elements) |
| a condition in one unknown and a set | its exact solution set against the set |

Any other pair (an equation against an expression, say) is not comparable: NotComparable, a bad input.
"""

from __future__ import annotations

import sympy as sp

from verify.compare.conditions import compare_conditions, show_set, solution_set
from verify.compare.equal import compare
from verify.compare.points import domain_of
from verify.compare.readings import Reading, ReadingError, SetBuilder, SetOp, combine
from verify.compare.sets import compare_sets
from verify.compare.types import Comparison


class NotComparable(ReadingError):
    """Two sides of different kinds (an equation and an expression): no verdict, a bad input."""


def compare_readings(a: Reading, b: Reading, *, seed: int, proof_seconds: float = 3.0) -> Comparison:
    if a.kind == b.kind == "expression":
        return compare(a.value, b.value, seed=seed, proof_seconds=proof_seconds)
    try:
        return _compare(a, b, seed=seed, proof_seconds=proof_seconds)
    except (ReadingError, TimeoutError):
        raise
    except (TypeError, ValueError, AttributeError, NotImplementedError, ArithmeticError, RecursionError,
            sp.PolynomialError) as exc:
        # SymPy failing inside a solver or a set operation decides nothing: no verdict, with the reason
        return Comparison(None, reason=f"SymPy could not carry the comparison out ({type(exc).__name__}: {exc})")


def _compare(a: Reading, b: Reading, *, seed: int, proof_seconds: float) -> Comparison:
    unsolved = [side for side in (a, b) if isinstance(side.value, (SetBuilder, SetOp))]
    if unsolved:   # {x | condition} (also inside A \cup B): the condition's exact solution set, or no verdict
        if "expression" in (a.kind, b.kind):
            raise NotComparable(f"a is {a.what} and b is {b.what}: not comparable")
        solved = [_solve_builder(side) for side in (a, b)]
        if any(s is None for s in solved):
            return Comparison(None, reason="the solution set of a set-builder's condition could not be given "
                                           "exactly")
        a, b = solved
    if a.kind == b.kind == "condition":
        return compare_conditions(a.value, b.value, seed=seed, proof_seconds=proof_seconds)
    if a.kind == b.kind == "set":
        return compare_sets(a.value, b.value, seed=seed, proof_seconds=proof_seconds)
    if {a.kind, b.kind} == {"condition", "set"}:
        cond = a if a.kind == "condition" else b
        if len(cond.symbols) == 1:
            (x,) = cond.symbols
            solutions = solution_set(cond.value, x)
            if solutions is not None:   # within the declared domain (x > 0); none for an integer unknown
                domain = domain_of(x)
                solutions = None if domain is None else sp.Intersection(solutions, domain)
            if solutions is None:
                return Comparison(None, reason=f"the solution set of {cond.what} in {x.name} could not be given "
                                               "exactly")
            sa, sb = (solutions, b.value) if a is cond else (a.value, solutions)
            comp = compare_sets(sa, sb, seed=seed, proof_seconds=proof_seconds, element=x.name)
            if comp.equal is True:
                comp.evidence = f"the solution set of {cond.what} in {x.name} is {show_set(solutions)}; " + \
                    comp.evidence
            return comp
    raise NotComparable(f"a is {a.what} and b is {b.what}: not comparable (compare two expressions, two "
                        "conditions, two sets, or a condition in one unknown with a set)")


def _solve_builder(side: Reading) -> Reading | None:
    if not isinstance(side.value, (SetBuilder, SetOp)):
        return side
    solved = _solved_set(side.value)
    return None if solved is None else Reading("set", solved, side.what)


def _solved_set(value: sp.Set | SetBuilder | SetOp) -> sp.Set | None:
    """A set with its set-builders replaced by their exact solution sets (None where one has none)."""
    if isinstance(value, SetOp):
        parts = [_solved_set(p) for p in value.parts]
        return None if any(p is None for p in parts) else combine(value.op, *parts)
    if not isinstance(value, SetBuilder):
        return value
    if value.free_symbols:
        raise ReadingError("a set-builder's condition may only use its own unknown")
    solved = solution_set([list(t) for t in value.terms], value.var)
    domain = domain_of(value.var)
    if solved is None or domain is None:
        return None
    return sp.Intersection(solved, domain)


__all__ = ["NotComparable", "compare_readings"]
