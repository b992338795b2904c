"""Judging one `A = B` step: identity (numeric with exact confirmation, then proof) or arithmetic.

A step is reported wrong only when it fails under every reading lint can think of: as written,
for positive values, with `\\log` in base 2 or 10, with defined names left as symbols, and for
written-out numbers, within the precision they were printed to. A reading that holds, or that
cannot be decided, turns the step into a counted skip.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy as sp

from verify.compare.budget import time_limit
from verify.compare.equal import compare
from verify.compare.types import Comparison

STEP_SECONDS = 2.5   # per comparison; a step that needs longer is skipped, never judged
READINGS = {
    "domain": "for positive values of its letters",
    "log-base": "with \\log read in base 2 or 10",
    "shallow-reading": "with the defined names it uses read as plain symbols",
    "rounding": "within the rounding of the printed inputs",
    "substituted": "with the defined names replaced by their definitions",
    "powers": "with its superscript letters read as powers",
    "sum-to-one": "if {0} = 1 (a probability vector, or one-hot labels)",
}
# Readings that add a condition the document states or implies: a step holding only under one is reported
# as information ("holds if ..."), never as a finding.
CONDITIONS = frozenset({"domain", "sum-to-one"})


def reading_text(reason: str) -> str:
    """`sum-to-one:\\sum_{j} y_{j}` -> 'if \\sum_{j} y_{j} = 1 (...)'; a plain reason -> its READINGS text."""
    key, _, arg = reason.partition(":")
    return READINGS[key].format(arg)

Reading = tuple[str, Callable[[], "tuple[sp.Expr, sp.Expr] | bool | None"]]


def ALWAYS() -> bool:  # noqa: N802 - a reading that holds without computing anything
    """A reading that always holds: the step is skipped for its reason (notation lint cannot read)."""
    return True


@dataclass
class Judgement:
    equal: bool | None            # None: skipped (see reason)
    reason: str = ""
    comparison: Comparison | None = None
    value_left: sp.Expr | None = None    # numeric steps: exact values of both sides
    value_right: sp.Expr | None = None
    tolerance: sp.Expr | None = None


def compare_step(a: sp.Expr, b: sp.Expr, seed: int) -> Comparison:
    """`compare`, with the symbolic bounds of sums (n in \\sum_{i=1}^n, J of a bare \\sum_j) set to 3, then 4.

    The sampler cannot vary a bound between points. All bounds get the same value: `\\sum_j` (read as
    running to J) and `\\sum_{j=1}^{n}` usually mean the same range, and an identity must hold for
    equal bounds too, so a counterexample found this way is a real one.
    """
    bounds = {s for expr in (a, b) for su in expr.atoms(sp.Sum, sp.Product)
              for lim in su.limits for s in sp.Tuple(*lim[1:]).free_symbols}
    with time_limit(STEP_SECONDS):
        if not bounds:
            return compare(b, a, seed=seed, proof_seconds=0.5)
        comp = Comparison(None)
        for n in (3, 4):
            fixed = {s: sp.Integer(n) for s in bounds}
            comp = compare(b.xreplace(fixed), a.xreplace(fixed), seed=seed, proof_seconds=0.5)
            if comp.counterexample is not None:
                comp.counterexample.point.update({str(s): int(v) for s, v in fixed.items()})
            if comp.equal is not True:
                return comp
        return comp


def judge_identity(a: sp.Expr, b: sp.Expr, seed: int, readings: Iterable[Reading]) -> Judgement:
    """Is `a = b` an identity? Wrong only if every alternative reading is wrong too."""
    try:
        comp = compare_step(a, b, seed)
    except Exception as exc:  # noqa: BLE001 - a crash or a timeout of the comparison is a skip, never a finding
        return Judgement(None, f"compare-error:{type(exc).__name__}")
    if comp.equal is None:
        return Judgement(None, "undecided", comp)
    if comp.equal:
        return Judgement(True, comparison=comp)
    for reason, reading in readings:
        outcome = _try_reading(reading, seed)
        if outcome is None:
            return Judgement(None, "undecided", comp)
        if outcome:
            if reading is ALWAYS or reason.partition(":")[0] not in READINGS:
                return Judgement(None, reason, comp)
            # right in a reading the notes may well intend: checked, and said how
            return Judgement(True, reason, Comparison(True, evidence=f"holds {reading_text(reason)}"))
    return Judgement(False, comparison=comp)


def _try_reading(reading: Callable[[], tuple[sp.Expr, sp.Expr] | bool | None], seed: int) -> bool | None:
    """True: the step holds in this reading; False: it fails there too; None: undecidable."""
    try:
        pair = reading()
    except Exception:  # noqa: BLE001 - an alternative reading that cannot be formed cannot clear the step
        return False
    if pair is True:
        return True
    if pair is None or pair is False:
        return False
    try:
        comp = compare_step(pair[0], pair[1], seed + 1)
    except Exception:  # noqa: BLE001
        return None
    return comp.equal


def positive_reading(a: sp.Expr, b: sp.Expr) -> tuple[sp.Expr, sp.Expr] | None:
    """Every real non-integer symbol positive: the domain most notes assume without saying."""
    pos = {s: sp.Symbol(s.name, positive=True) for s in (a.free_symbols | b.free_symbols)
           if isinstance(s, sp.Symbol) and not s.is_integer and not s.is_positive}
    return (a.xreplace(pos), b.xreplace(pos)) if pos else None


def sum_to_one_readings(a: sp.Expr, b: sp.Expr) -> list[tuple[str, Callable[[], bool]]]:
    """For each quantity summed over an index (`\\sum_j y_j`): does the step hold when its entries add up to 1?

    Cross-entropy steps use it without saying so (`\\sum_j y_j \\log Z = \\log Z` for one-hot labels). The
    symbolic bounds are set to 3 and then 4 (as in `compare_step`); the last entry becomes 1 minus the
    others, and the step must hold for both sizes.
    """
    bases: dict[sp.IndexedBase, sp.Symbol] = {}
    for e in (a, b):
        for su in e.atoms(sp.Sum):
            letters = {lim[0] for lim in su.limits}
            for atom in su.function.atoms(sp.Indexed):
                if len(atom.indices) == 1 and atom.indices[0] in letters:
                    bases.setdefault(atom.base, atom.indices[0])
    return [(f"sum-to-one:\\sum_{{{letter}}} {sp.latex(base.label)}_{{{letter}}}",
             lambda base=base: _holds_if_normalised(a, b, base)) for base, letter in sorted(bases.items(), key=str)]


def _holds_if_normalised(a: sp.Expr, b: sp.Expr, base: sp.IndexedBase) -> bool:
    bounds = {s for expr in (a, b) for su in expr.atoms(sp.Sum, sp.Product)
              for lim in su.limits for s in sp.Tuple(*lim[1:]).free_symbols}
    for n in (3, 4):
        fixed = {s: sp.Integer(n) for s in bounds}
        ranges = set()
        for expr in (a, b):
            for su in expr.xreplace(fixed).atoms(sp.Sum):
                for lim in su.limits:
                    if any(x.base == base and lim[0] in x.indices for x in su.function.atoms(sp.Indexed)):
                        ranges.add((lim[1], lim[2]))
        if len(ranges) != 1:
            return False   # summed over different ranges: which entries add up to 1 is not clear
        lo, hi = ranges.pop()
        if not (lo.is_Integer and hi.is_Integer and hi > lo):
            return False
        last = {base[hi]: 1 - sum(base[k] for k in range(int(lo), int(hi)))}
        pa, pb = (e.xreplace(fixed).doit().xreplace(last) for e in (a, b))
        with time_limit(STEP_SECONDS):
            if compare(pb, pa, seed=1, proof_seconds=0.5).equal is not True:
                return False
    return True


def log_base_readings(a: sp.Expr, b: sp.Expr) -> list[tuple[sp.Expr, sp.Expr]]:
    """`\\log` in base 2 and in base 10 (information theory writes log for log_2)."""
    if not (a.has(sp.log) or b.has(sp.log)):
        return []
    out = []
    for base in (2, 10):
        def rebase(e: sp.Expr, base: int = base) -> sp.Expr:
            return e.replace(lambda x: isinstance(x, sp.log) and len(x.args) == 1,
                             lambda x: sp.log(x.args[0]) / sp.log(base))
        out.append((rebase(a), rebase(b)))
    return out


# ---------------------------------------------------------------- written-out arithmetic
def exact_number(v: sp.Expr) -> sp.Expr | None:
    try:
        with time_limit(STEP_SECONDS):
            n = sp.N(v, 30)
    except Exception:  # noqa: BLE001 - a value that cannot be evaluated is a skip
        return None
    if not (n.is_real and n.is_finite):
        return None
    return n


def printed_tolerance(literal: str | None, other_value: sp.Expr) -> sp.Expr | None:
    """A bare literal with k decimals was printed to ±0.5·10^-k (integers only if the value is not)."""
    if literal is None:
        return None
    if "." not in literal:
        return None if _is_whole(other_value) else sp.Rational(1, 2)
    k = len(literal.split(".", 1)[1])
    return sp.Rational(5, 10 ** (k + 1)) * (1 + sp.Rational(1, 10 ** 9))


def _is_whole(v: sp.Expr) -> bool:
    return abs(v - sp.Integer(round(v))) < sp.Float("1e-25")


def judge_numbers(a: sp.Expr, b: sp.Expr, literal_a: str | None, literal_b: str | None,
                  alternatives: Iterable[tuple[str, Callable[[], Iterable[tuple[sp.Expr, sp.Expr]]]]]) -> Judgement:
    """Arithmetic `a = b` of constants, within the precision the printed side was written to."""
    va, vb = exact_number(a), exact_number(b)
    if va is None or vb is None:
        return Judgement(None, "numeric-undecided")
    tol = printed_tolerance(literal_b, va) or printed_tolerance(literal_a, vb)
    limit = tol if tol is not None else sp.Float("1e-12") * max(1, abs(va), abs(vb))
    out = Judgement(bool(abs(va - vb) <= limit), value_left=va, value_right=vb, tolerance=tol)
    if out.equal:
        return out
    for reason, make in alternatives:
        try:
            pairs = list(make())
        except Exception:  # noqa: BLE001 - an alternative that cannot be formed cannot clear the step
            continue
        for pa, pb in pairs:
            xa, xb = exact_number(pa), exact_number(pb)
            if xa is None or xb is None:
                return Judgement(None, "numeric-undecided")
            if abs(xa - xb) <= limit:
                return Judgement(True, reason, value_left=va, value_right=vb, tolerance=tol)
    return out


def rounding_corners(a: sp.Expr, b: sp.Expr, values: dict[sp.Symbol, sp.Expr],
                     rounded: dict[sp.Symbol, sp.Expr]) -> Iterable[tuple[sp.Expr, sp.Expr]]:
    """Both sides with each rounded input at the ends of its printed interval (at most 2^6 corners)."""
    names = sorted(rounded, key=str)[:6]
    for signs in itertools.product((-1, 1), repeat=len(names)):
        point = dict(values)
        point.update({s: values[s] + sign * rounded[s] for s, sign in zip(names, signs, strict=True)})
        yield a.xreplace(point), b.xreplace(point)


def short(v: sp.Expr) -> str:
    return str(v) if v.is_Integer else str(sp.Float(v, 8))
