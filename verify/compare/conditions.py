"""Do two conditions (equations, inequalities, chains, systems) have the same solution set over the reals?

Equivalent needs a proof: the two sides' differences are a constant multiple of each other (nonzero; positive
for inequalities), proven symbolically or by the engine's exact agreement (verify/compare/engine.py); linear
systems with the same reduced row echelon form; the same exact solution sets (one unknown, or polynomial
systems solved completely); or, without unknowns, the same truth value. Not equivalent needs a point where one
side holds and the other does not, each decided exactly or to 50 digits (verify/compare/points.py); the points
tried are solutions of the equations and boundaries of the inequalities at random values of the other
unknowns, and random rational points. Anything else is undecided, with what was tried.
"""

from __future__ import annotations

import random

import sympy as sp

from verify.compare import engine
from verify.compare.budget import time_limit
from verify.compare.points import (
    admissible,
    domain_of,
    holds,
    holds_any,
    random_point,
    shown_point,
    sign,
    undefined,
)
from verify.compare.readings import Rel, Term
from verify.compare.types import Comparison
from verify.result import Counterexample

RANDOM_POINTS = 160
SOLVE_ROUNDS = 3          # random values of the other unknowns per (relation, unknown) solved for
MAX_SOLUTIONS = 4         # solutions of one equation tried per round
_NICE_SETS = (sp.FiniteSet, sp.Interval, sp.Union, sp.Complement, sp.Intersection)


def compare_conditions(a: list[Term], b: list[Term], *, seed: int, proof_seconds: float = 3.0) -> Comparison:
    """a and b: alternatives (one of which holds) of relations (all of which hold), verify/compare/readings.py."""
    symbols = sorted({s for r in _all(a + b) for s in r.d.free_symbols if isinstance(s, sp.Symbol)},
                     key=lambda s: s.name)
    if not symbols:
        return _constant(a, b)
    if _key(a) == _key(b):
        return Comparison(True, proven=True, evidence="proven: the same relations")
    try:
        with time_limit(proof_seconds):
            normal_a, normal_b = _normal_form(a, symbols), _normal_form(b, symbols)
    except (TimeoutError, TypeError, ValueError, NotImplementedError, sp.PolynomialError):
        normal_a = normal_b = None
    if normal_a is not None and normal_a == normal_b:
        return Comparison(True, proven=True, evidence="proven: the same relations once polynomial equations are "
                                                      "factored (a product is 0 when a factor is) and constant "
                                                      "factors dropped")
    for decide in (_proportional, _linear, _univariate, _polynomial_solutions):
        try:
            with time_limit(proof_seconds):
                found = decide(a, b, symbols, seed, proof_seconds)
        except TimeoutError:
            found = None
        except (TypeError, ValueError, NotImplementedError, AttributeError, RecursionError, ArithmeticError):
            found = None   # a method SymPy cannot carry out on these relations proves nothing either way
        if found is not None:
            return found
    return _search(a, b, symbols, seed, max(1.0, 2 * proof_seconds))


def _all(terms: list[Term]) -> list[Rel]:
    return [r for t in terms for r in t]


def _key(terms: list[Term]) -> frozenset:
    return frozenset(frozenset((r.d, r.op) for r in t) for t in terms)


def _normal_form(terms: list[Term], symbols: list[sp.Symbol], limit: int = 64) -> frozenset | None:
    """Alternatives of relations with each polynomial equation split into its factors (`(x-1)(y-1) = 0` is
    `x = 1 or y = 1`) and every difference divided by its positive constant content (`2x + 2y < 2` is
    `x + y < 1`); None when that would make more than `limit` alternatives. Two sides with the same normal
    form have the same solution set: every step keeps the solutions (polynomials have no poles)."""
    out: list[frozenset] = []
    for term in terms:
        options: list[list[tuple]] = [[]]
        for rel in term:
            # a difference with a denominator is kept as written: extracting its content may cancel a pole
            content, rest = (1, rel.d) if _poles(rel.d) else sp.sympify(rel.d).as_content_primitive()
            if content == 0:
                return None
            if rel.op in ("=", "!=") and rest.could_extract_minus_sign():
                rest = -rest
            alternatives = [(rest, rel.op)]
            if rel.op == "=" and rest.free_symbols and rest.is_polynomial(*symbols):
                _, factors = sp.factor_list(rest)
                alternatives = [(-f if f.could_extract_minus_sign() else f, "=") for f, _k in factors] or alternatives
            options = [o + [alt] for o in options for alt in alternatives]
            if len(options) > limit:
                return None
        out += [frozenset(o) for o in options]
        if len(out) > limit:
            return None
    return frozenset(out)


def _constant(a: list[Term], b: list[Term]) -> Comparison:
    ha, hb = holds_any(a, {}), holds_any(b, {})
    if ha is None or hb is None:
        return Comparison(None, reason="a side without unknowns whose truth could not be decided")
    if ha == hb:
        return Comparison(True, proven=True, evidence=f"proven: {'both hold' if ha else 'neither holds'} "
                                                      "(no unknowns)")
    return _found({}, ha, hb, "no unknowns: one side holds and the other does not")


def _found(point: dict[sp.Symbol, sp.Expr], ha: bool, hb: bool, evidence: str) -> Comparison:
    word = {True: "holds", False: "does not hold"}
    return Comparison(False, counterexample=Counterexample(shown_point(point), word[ha], word[hb]),
                      diagnosis="different solution sets", evidence=evidence)


# ---------------------------------------------------------------- proofs (each None when it does not apply)
def _proportional(a: list[Term], b: list[Term], symbols: list[sp.Symbol], seed: int,
                  seconds: float) -> Comparison | None:
    """`2x + 2y = 2` and `x + y = 1`; `x < 1` and `1 > x`: differences in a constant ratio (positive for <)."""
    if len(a) != 1 or len(b) != 1 or len(a[0]) != 1 or len(b[0]) != 1 or a[0][0].op != b[0][0].op:
        return None
    ((ra,),), ((rb,),) = a, b
    if not _same_poles(ra.d, rb.d):
        return None   # (x^2 - 1)/(x - 1) = 2 is x + 1 = 2 except at x = 1, where only the second holds
    need_positive = ra.op in ("<", "<=")
    ratio = sp.cancel(sp.together(ra.d / rb.d))
    if not ratio.free_symbols:
        s = sign(ratio)
        if s is not None and s != 0 and (s > 0 or not need_positive) and ratio.is_finite:
            return Comparison(True, proven=True, evidence=f"proven: the difference of a's sides is "
                                                          f"{sp.sstr(ratio)} times b's")
        return None
    rng = random.Random(seed)
    for _ in range(8):   # the constant the ratio would be, read at a point where b's difference is not 0
        point = random_point(symbols, rng)
        if sign(rb.d.xreplace(point)) in (None, 0):
            continue
        c = sp.nsimplify(ratio.xreplace(point)) if ratio.xreplace(point).is_Rational else ratio.xreplace(point)
        s = sign(c)
        if s is None or s == 0 or (need_positive and s < 0):
            return None
        comp = engine.compare(ra.d, c * rb.d, seed=seed, proof_seconds=seconds / 2)
        if comp.equal is True:
            how = "proven" if comp.proven else comp.evidence
            return Comparison(True, proven=comp.proven,
                              evidence=f"the difference of a's sides is {sp.sstr(c)} times b's ({how})")
        return None
    return None


def _same_poles(da: sp.Expr, db: sp.Expr) -> bool:
    """The denominators written in the two differences vanish at the same points (a constant ratio of the
    differences then means the same solutions: neither side is undefined where the other holds). Read from the
    expressions as they are, before any cancelling: `(4x + 2)/(2x + 1) + 4` has no value at x = -1/2."""
    poles_a, poles_b = _poles(da), _poles(db)
    return all(any(_constant_ratio(p, q) for q in poles_b) for p in poles_a) and \
        all(any(_constant_ratio(q, p) for p in poles_a) for q in poles_b)


def _poles(d: sp.Expr) -> list[sp.Expr]:
    return [node.base for node in sp.preorder_traversal(d)
            if isinstance(node, sp.Pow) and node.exp.is_negative and node.base.free_symbols]


def _constant_ratio(p: sp.Expr, q: sp.Expr) -> bool:
    ratio = sp.cancel(p / q)
    return not ratio.free_symbols and ratio != 0


def _linear(a: list[Term], b: list[Term], symbols: list[sp.Symbol], seed: int,
            seconds: float) -> Comparison | None:  # noqa: ARG001 - the common signature of the methods
    """Systems of linear equations: the same solution set iff both are inconsistent or their augmented matrices
    have the same reduced row echelon form (zero rows dropped)."""
    if len(a) != 1 or len(b) != 1 or not all(r.op == "=" for r in _all(a + b)):
        return None
    forms = []
    for side in (a[0], b[0]):
        try:
            mat, rhs = sp.linear_eq_to_matrix([r.d for r in side], symbols)
        except sp.solvers.solveset.NonlinearError:
            return None
        if any(e.free_symbols for e in list(mat) + list(rhs)):
            return None
        aug = mat.row_join(rhs)
        consistent = mat.rank() == aug.rank()
        reduced = aug.rref()[0]
        rows = [tuple(reduced.row(k)) for k in range(reduced.rows) if any(v != 0 for v in reduced.row(k))]
        forms.append((consistent, rows, mat, rhs))
    (ca, rows_a, *_), (cb, rows_b, *_) = forms
    if (not ca and not cb) or (ca and cb and rows_a == rows_b):
        what = "neither has a solution" if not ca else "the same reduced row echelon form"
        return Comparison(True, proven=True, evidence=f"proven: linear systems, {what}")
    rng = random.Random(seed)
    for has_solution, _rows, mat, rhs in forms:
        if not has_solution:
            continue
        (solution,) = sp.linsolve((mat, rhs), symbols)
        for _ in range(4):
            params = {s: v for s, v in random_point(sorted(set().union(*(e.free_symbols for e in solution)),
                                                           key=str), rng).items()}
            point = {s: sp.nsimplify(e.xreplace(params)) for s, e in zip(symbols, solution, strict=True)}
            found = _disagree(a, b, point)
            if found is not None:
                return found
    return None


def _univariate(a: list[Term], b: list[Term], symbols: list[sp.Symbol], seed: int,
                seconds: float) -> Comparison | None:  # noqa: ARG001
    """One unknown: both solution sets computed exactly (solveset, within the unknown's declared domain: x > 0
    keeps the positive solutions) and compared."""
    if len(symbols) != 1:
        return None
    (x,) = symbols
    sa, sb = solution_set(a, x), solution_set(b, x)
    if sa is None or sb is None:
        return None
    if same_set(sa, sb):
        return Comparison(True, proven=True, evidence=f"proven: both solution sets over the reals are "
                                                      f"{show_set(sa)}")
    domain = domain_of(x)
    if domain is not None and domain != sp.S.Reals:
        sa, sb = sp.Intersection(sa, domain), sp.Intersection(sb, domain)
        if _nice(sa) and _nice(sb) and same_set(sa, sb):
            return Comparison(True, proven=True, evidence=f"proven: both solution sets for {x.name} in "
                                                          f"{show_set(domain)} are {show_set(sa)}")
    for element in elements_between(sa, sb):
        found = _disagree(a, b, {x: element})
        if found is not None:
            found.evidence += f" (solution sets {show_set(sa)} and {show_set(sb)})"
            return found
    return None


def _polynomial_solutions(a: list[Term], b: list[Term], symbols: list[sp.Symbol], seed: int,
                          seconds: float) -> Comparison | None:  # noqa: ARG001
    """Polynomial equations with finitely many solutions: both solved completely (each alternative of a side),
    real solutions compared."""
    if not all(r.op == "=" and r.d.is_polynomial(*symbols) for r in _all(a + b)):
        return None
    found = []
    for side in (a, b):
        solutions: set[tuple] = set()
        for term in side:
            term_solutions = _real_solutions(term, symbols)
            if term_solutions is None:
                return None
            solutions |= term_solutions
        found.append(solutions)
    sols_a, sols_b = found
    if sols_a == sols_b:
        return Comparison(True, proven=True, evidence=f"proven: polynomial systems with the same "
                                                      f"{len(sols_a)} real solution(s)")
    for point in [dict(zip(symbols, p, strict=True)) for p in sorted(sols_a ^ sols_b, key=str)]:
        result = _disagree(a, b, point)
        if result is not None:
            return result
    return None


def _real_solutions(side: list[Rel], symbols: list[sp.Symbol]) -> set[tuple] | None:
    """Every real solution (as a tuple in the order of `symbols`), or None unless there are finitely many and
    each is decided real or not. Solved over plain symbols so SymPy's own real filter cannot drop one."""
    plain = [sp.Dummy(s.name) for s in symbols]
    to_plain = dict(zip(symbols, plain, strict=True))
    solutions = sp.solve([r.d.xreplace(to_plain) for r in side], plain, dict=True)
    out = set()
    for sol in solutions:
        if set(sol) != set(plain) or any(v.free_symbols for v in sol.values()):
            return None   # a family of solutions: not finitely many
        values = []
        for p in plain:
            v = sp.nsimplify(sol[p]) if sol[p].is_Float else sol[p]
            re_part, im_part = v.as_real_imag()
            im = sign(sp.simplify(im_part))
            if im is None:
                return None
            values.append(sp.simplify(re_part) if im == 0 else None)
        if all(v is not None for v in values):
            if holds(side, dict(zip(symbols, values, strict=True))) is not True:
                return None   # a solution that does not check out: trust none of them
            out.add(tuple(values))
    return out


def solution_set(terms: list[Term], x: sp.Symbol) -> sp.Set | None:
    """The exact solution set over the reals of relations in one unknown, or None when SymPy cannot give it as
    finitely many intervals and points (a ConditionSet or an infinite family such as sin x = 0)."""
    parts = [_term_set(t, x) for t in terms]
    if any(p is None for p in parts):
        return None
    result = sp.Union(*parts)
    return result if _nice(result) else None


def _term_set(rels: Term, x: sp.Symbol) -> sp.Set | None:
    result: sp.Set = sp.S.Reals
    for rel in rels:
        if not rel.d.free_symbols:
            s = holds([rel], {})
            if s is None:
                return None
            part: sp.Set = sp.S.Reals if s else sp.S.EmptySet
        else:
            part = sp.solveset(rel.sympy(), x, sp.S.Reals)
        result = sp.Intersection(result, part)
    return result if _nice(result) else None


def _nice(s: sp.Set) -> bool:
    if s in (sp.S.Reals, sp.S.EmptySet):
        return True
    if not isinstance(s, _NICE_SETS):
        return False
    if isinstance(s, sp.FiniteSet):
        return all(e.is_number and not e.free_symbols for e in s.args)
    if isinstance(s, sp.Interval):
        return not s.free_symbols
    return all(_nice(part) for part in s.args)


def same_set(sa: sp.Set, sb: sp.Set) -> bool:
    return sa == sb or (sp.Complement(sa, sb) is sp.S.EmptySet and sp.Complement(sb, sa) is sp.S.EmptySet)


def elements_between(sa: sp.Set, sb: sp.Set) -> list[sp.Expr]:
    """Candidate elements of one set and not the other (checked by the caller)."""
    out: list[sp.Expr] = []
    for one, other in ((sa, sb), (sb, sa)):
        for e in candidates(sp.Complement(one, other)) + candidates(one):
            if other.contains(e) is sp.false and one.contains(e) is sp.true:
                out.append(e)
    return out[:6]


def candidates(s: sp.Set) -> list[sp.Expr]:
    """A few elements of a set (ends excluded where open, an inner point of every interval)."""
    if isinstance(s, sp.FiniteSet):
        return list(s.args)[:4]
    if isinstance(s, sp.Interval):
        lo, hi = s.start, s.end
        inner = [(lo + hi) / 2] if lo.is_finite and hi.is_finite else [lo + 1] if lo.is_finite else \
                [hi - 1] if hi.is_finite else [sp.Integer(0)]
        ends = [e for e, is_open in ((lo, s.left_open), (hi, s.right_open)) if e.is_finite and not is_open]
        return ends + inner
    if isinstance(s, (sp.Union, sp.Complement, sp.Intersection)):
        return [e for part in s.args[:4] for e in candidates(part)][:8]
    if s == sp.S.Reals:
        return [sp.Integer(0), sp.Integer(1)]
    return []


# ---------------------------------------------------------------- counterexamples
def _disagree(a: list[Term], b: list[Term], point: dict[sp.Symbol, sp.Expr]) -> Comparison | None:
    if not admissible(point):
        return None
    ha, hb = holds_any(a, point), holds_any(b, point)
    if ha is None or hb is None or ha == hb:
        return None
    exact = all(v.is_Rational for v in point.values()) and all(
        sp.sympify(r.d).xreplace(point).is_Rational or undefined(r, point) for r in _all(a + b))
    how = "decided exactly" if exact else "decided exactly or to 50 digits"
    found = _found(point, ha, hb, f"a point {'satisfies a and not b' if ha else 'satisfies b and not a'} ({how})")
    failing = b if ha else a
    if any(undefined(r, point) for t in failing for r in t):   # say why it fails: no value there
        cx = found.counterexample
        if ha:
            cx.expected = "is undefined there"
        else:
            cx.claimed = "is undefined there"
        found.diagnosis = f"different solution sets: {'b' if ha else 'a'} is undefined at this point"
    return found


def _search(a: list[Term], b: list[Term], symbols: list[sp.Symbol], seed: int, seconds: float) -> Comparison:
    """Points on the sides' equations and boundaries, alternating with random rational points, for at most
    `seconds` of CPU time."""
    rng = random.Random(seed)
    decided = {"boundary": 0, "random": 0}
    boundary = _boundary_points(_all(a + b), symbols, rng)
    stopped = ""
    try:
        with time_limit(seconds):
            for k in range(RANDOM_POINTS):
                tries = [("boundary", next(boundary, None)), ("random", random_point(symbols, rng, wide=k % 4 == 3))]
                for where, point in tries:
                    if point is None:
                        continue
                    found = _disagree(a, b, point)
                    if found is not None:
                        return found
                    decided[where] += holds_any(a, point) is not None and holds_any(b, point) is not None
    except TimeoutError:
        stopped = f" within the {seconds:g} s search budget"
    return Comparison(None, reason=f"no point separates them{stopped} ({decided['random']} random points and "
                                   f"{decided['boundary']} on their equations or boundaries agree), and no proof of "
                                   "the same solution set was found")


def _boundary_points(rels: list[Rel], symbols: list[sp.Symbol], rng: random.Random):
    """Points on the zero set of each relation's difference (solutions of equations, ends of inequalities): the
    other unknowns at 0, then at random rationals, one solved for exactly."""
    for rel in rels:
        for x in sorted(rel.d.free_symbols & set(symbols), key=str):
            for k in range(SOLVE_ROUNDS):
                others = random_point([s for s in symbols if s != x], rng)
                if k == 0 and admissible(zeros := {s: sp.Integer(0) for s in others}):
                    others = zeros   # the others at 0 first: where denominators and products vanish
                sols = _some_solutions(sp.sympify(rel.d).xreplace(others), x)
                if sols is None:
                    break
                for v in sols[:MAX_SOLUTIONS]:
                    if v.is_number:
                        yield {**others, x: v}
                if len(rel.d.free_symbols) == 1:
                    break   # nothing random about it: one round is enough


def _some_solutions(d: sp.Expr, x: sp.Symbol) -> list[sp.Expr] | None:
    """Some real solutions of d = 0 (all of them when solveset lists them; else the ones `solve` gives, such as
    0 and pi for sin x = 0): only candidates, each point is decided again by the caller."""
    try:
        with time_limit(0.5):
            sols = sp.solveset(d, x, sp.S.Reals)
            if isinstance(sols, sp.FiniteSet):
                return list(sols.args)
            periodic = _periodic_members(sols)
            return periodic if periodic else [v for v in sp.solve(d, x) if v.is_real]
    except Exception:  # noqa: BLE001 - its own budget ran out, or SymPy cannot solve it: no candidates, no verdict
        return None


def _periodic_members(s: sp.Set) -> list[sp.Expr]:
    """A few members of families such as {n pi + pi/4 : n integer} (tan x = 1): n = 0, 1, -1."""
    families = s.args if isinstance(s, sp.Union) else (s,)
    out: list[sp.Expr] = []
    for family in families:
        if isinstance(family, sp.ImageSet) and family.base_sets == (sp.S.Integers,):
            out += [family.lamda(sp.Integer(n)) for n in (0, 1, -1)]
        elif isinstance(family, sp.FiniteSet):
            out += list(family.args)
    return out


def show_set(s: sp.Set) -> str:
    """A set as it is written: {-1, 1}, (0, oo), [0, 1) U (2, 3]."""
    if isinstance(s, sp.Interval):
        return f"{'(' if s.left_open else '['}{s.start}, {s.end}{')' if s.right_open else ']'}"
    if isinstance(s, sp.Union):
        return " U ".join(show_set(p) for p in s.args)
    if isinstance(s, sp.FiniteSet):
        return "{" + ", ".join(sp.sstr(e) for e in s.args) + "}"
    if s == sp.S.Reals:
        return "all reals"
    if s == sp.S.EmptySet:
        return "empty"
    return sp.sstr(s)


__all__ = ["show_set", "candidates", "compare_conditions", "elements_between", "same_set", "solution_set"]
