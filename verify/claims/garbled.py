"""Readings of garbled data: the repair of malformed givens under which the notes' printed values come out.

A worked example whose data are printed wrongly (a ragged matrix, a vector with an entry too many or too few,
a matrix written transposed, two numbers run together) makes every claim that uses them ill-posed. A grader
reads past the slip: finds the reading of the data that reproduces the first values the notes print, and
checks the rest under it. So does this module, for numeric claims whose check came back ill-posed because of
their given data:

1. The failing claims: those that use a malformed given, or whose derivation stops on a shape mismatch.
2. The readings: every malformed given used by a failing claim must be repaired (derive/spec/repairs.py lists
   its one-edit repairs); only if no such reading fits, one well-formed given used by a failing claim is
   repaired as well (a vector with an entry missing, a transposed matrix) — the fewest edits first.
3. A reading is kept when, for each given it repairs, the first failing claim using that given (its *anchor*)
   derives the number the notes print there as the claim's result, within the printed precision, and every
   failing claim using a repaired given can then be derived.

Then: one reading -> the anchors stay ill-posed, naming the reading and the values it reproduces; every other
failing claim is checked under the reading ("under the reading ..."). Several readings -> each later claim is
checked under each; where they agree, that verdict, and where they disagree, `unverified` with the readings
listed. No reading -> the claim is reported as before. The search of an exercise runs once per process, in
at most SEARCH_SECONDS of CPU time and MAX_READINGS readings; past either it finds nothing.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import sympy as sp

from derive.lower.definitions import build_declarations, given_value, written_name
from derive.recipes.errors import ShapeMismatch
from derive.spec.declarations import Declarations, IllPosedValue
from derive.spec.model import ClaimSpec, ExerciseSpec
from derive.spec.repairs import Repair, repairs, show
from verify.claims.context import ClaimContext, claim_declarations, derive_expected
from verify.claims.numeric import Printed, compare_numeric, printed_sides
from verify.compare.budget import time_limit
from verify.result import ClaimResult, Verdict, diagnosis_kind

SEARCH_SECONDS = 3.0      # CPU seconds for one exercise's search, inside the budget of the claim that asks
MAX_READINGS = 400        # readings tried in one stage; with more candidates than this the data stay as they are
MAX_LISTED = 4            # readings named in one message
_DATA_DIAGNOSES = ("malformed data", "shape")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Fix:
    """One given read differently: its declared name, the spec's key for it, and the repair."""

    name: str
    key: Any
    repair: Repair

    def describe(self) -> str:
        return f"{self.name} = {show(self.repair.value)} ({self.repair.how})"


@dataclass(frozen=True)
class Reading:
    """A repair of some of an exercise's givens (at most one edit per given)."""

    fixes: tuple[Fix, ...]

    @property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fixes)

    def restricted(self, names: set[str] | frozenset[str]) -> Reading:
        return Reading(tuple(f for f in self.fixes if f.name in names))

    def describe(self) -> str:
        return " and ".join(f.describe() for f in self.fixes)

    def key(self) -> tuple[tuple[str, str], ...]:
        return tuple((f.name, show(f.repair.value)) for f in self.fixes)


@dataclass
class Found:
    """The readings that survived, and for each anchor claim the printed values it reproduced."""

    readings: list[Reading]
    anchors: dict[str, str] = field(default_factory=dict)   # claim id -> "0.47, 0.23, 0.22"
    anchored: dict[str, frozenset[str]] = field(default_factory=dict)   # claim id -> the givens it decides


# ------------------------------------------------------------------ the search
def _eligible(claim: ClaimSpec) -> bool:
    # A claim with its own `given:` or `from_claim:` derives from other data than the exercise's: it can
    # neither decide a reading nor be re-read here.
    return isinstance(claim.expect, str) and not claim.given and not claim.from_claim and claim.status is None


def _numeric(value: Any) -> bool:
    entries = list(value) if isinstance(value, sp.MatrixBase) else [value]
    return all(isinstance(e, sp.Basic) and e.is_number and e.is_finite is not False for e in entries)


def _fmt_values(printed: Printed) -> str:
    """The printed numbers with their printed decimals (`1.0`, not `1`), read back from their tolerance."""
    entries = list(printed.value) if isinstance(printed.value, sp.MatrixBase) else [printed.value]
    tols = printed.tol if isinstance(printed.tol, list) else [printed.tol or 0.0] * len(entries)
    out = []
    for e, t in zip(entries, tols, strict=True):
        decimals = max(0, round(-math.log10(2 * t))) if t and t > 0 else None
        out.append(f"{float(e):.{decimals}f}" if decimals is not None else f"{float(e):.6g}")
    return ", ".join(out)


class _Search:
    """One exercise's search; derivations are memoised by the part of the reading the claim uses."""

    def __init__(self, ex: ExerciseSpec) -> None:
        self.ex = ex
        self.decls = build_declarations(ex)
        self.keys = {written_name(self.decls, str(k)) or str(k): k for k in ex.given}
        self.broken = {n for n, v in self.decls.given.items() if isinstance(v, IllPosedValue)}
        self.claims = [c for c in ex.claims if _eligible(c)]
        self.uses = {c.id: set(_NAME.findall(c.expect)) & set(self.decls.given) for c in self.claims}
        # Only vectors and matrices (and malformed values) can fail to fit: other claims are not derived here.
        self.arrays = self.broken | {n for n, v in self.decls.given.items() if isinstance(v, sp.MatrixBase)}
        self.failing = [c for c in self.claims if self._fails(c)]
        self._memo: dict[tuple[str, Any], Any] = {}
        self._decls: dict[Any, Declarations] = {}

    def _fails(self, claim: ClaimSpec) -> bool:
        if self.uses[claim.id] & self.broken:
            return True
        return bool(self.uses[claim.id] & self.arrays) and self._derive(claim, self.decls) is ShapeMismatch

    def _derive(self, claim: ClaimSpec, decls: Declarations) -> Any:
        """The claim's derived value under `decls`; ShapeMismatch (the class) when the data do not fit, None when
        it cannot be derived for another reason."""
        try:
            return derive_expected(claim, self.ex, claim_declarations(self.ex, claim, decls))
        except ShapeMismatch:
            return ShapeMismatch
        except TimeoutError:
            raise
        except Exception:  # noqa: BLE001 - a reading under which a claim cannot be derived is no reading
            return None

    def printed_result(self, claim: ClaimSpec) -> Printed | None:
        """The number the claim prints as its result (its last numeric side), read without the malformed data."""
        key = ("printed", claim.id)
        if key not in self._memo:
            decls = self.decls.copy()
            for name in self.broken:
                del decls.given[name]   # a malformed given's name stays a name in the quote
            try:
                sides = [s for s in printed_sides(claim.formula, decls) if s.value is not None]
            except TimeoutError:
                raise
            except Exception:  # noqa: BLE001 - a quote that cannot be read anchors nothing
                sides = []
            self._memo[key] = sides[-1] if sides else None
        return self._memo[key]

    def _under(self, reading: Reading) -> Declarations:
        key = reading.key()
        if key not in self._decls:
            decls = self.decls.copy()
            for fix in reading.fixes:
                decls.given[fix.name] = given_value(decls, fix.repair.value)
            self._decls[key] = decls
        return self._decls[key]

    def _value(self, claim: ClaimSpec, reading: Reading) -> Any:
        part = reading.restricted(self.uses[claim.id])
        key = ("value", claim.id, part.key())
        if key not in self._memo:
            self._memo[key] = self._derive(claim, self._under(part))
        return self._memo[key]

    def anchor(self, name: str) -> ClaimSpec | None:
        """The first failing claim that uses `name` and prints a number: the first printed value the reading
        of `name` must reproduce."""
        return next((c for c in self.failing if name in self.uses[c.id] and self.printed_result(c) is not None),
                    None)

    def reproduces(self, claim: ClaimSpec, reading: Reading) -> bool:
        value, printed = self._value(claim, reading), self.printed_result(claim)
        if printed is None or value is None or value is ShapeMismatch or not _numeric(value):
            return False
        value = value.evalf(17)
        return compare_numeric(printed.value, printed.tol, value, claim.tol).ok

    def fits(self, reading: Reading) -> bool:
        for fix in reading.fixes:
            anchor = self.anchor(fix.name)
            if anchor is None or not self.reproduces(anchor, reading):
                return False
        return all(self._value(c, reading) not in (ShapeMismatch, None) for c in self.failing
                   if self.uses[c.id] & reading.names)

    def candidates(self, name: str) -> list[Fix]:
        key = self.keys.get(name)
        if key is None:
            return []
        return [Fix(name, key, r) for r in repairs(self.ex.given[key])]

    def stages(self) -> list[list[Reading]]:
        """The readings to try, fewest edits first: the malformed givens repaired, then also one other given."""
        used = set().union(*(self.uses[c.id] for c in self.failing))
        must = [n for n in self.keys if n in self.broken and n in used]
        suspects = [n for n in self.keys if n in used and n not in self.broken]
        options = [self.candidates(n) for n in must]
        if any(not o for o in options):
            return []
        base = [tuple(p) for p in itertools.product(*options)] if must else []
        extra = [f for n in suspects for f in self.candidates(n)]
        stages = [[Reading(b) for b in base]] if base else []
        stages.append([Reading(b + (f,)) for b in (base or [()]) for f in extra])
        return stages

    def run(self) -> Found | None:
        if not self.failing:
            return None
        for stage in self.stages():
            if len(stage) > MAX_READINGS:
                return None
            kept = [r for r in stage if self.fits(r)]
            if kept:
                return self._found(kept)
        return None

    def _found(self, kept: list[Reading]) -> Found:
        found = Found(kept)
        for reading in kept:
            for fix in reading.fixes:
                anchor = self.anchor(fix.name)
                assert anchor is not None   # fits() checked it
                printed = self.printed_result(anchor)
                assert printed is not None
                found.anchors[anchor.id] = _fmt_values(printed)
                found.anchored[anchor.id] = found.anchored.get(anchor.id, frozenset()) | {fix.name}
        return found


_FOUND: dict[str, Found | None] = {}
_MAX_REMEMBERED = 16


def find_readings(ex: ExerciseSpec, seconds: float = SEARCH_SECONDS) -> Found | None:
    """The readings of the exercise's garbled data that reproduce its printed values (None: no garbled data, or
    no reading found within the budget). Searched once per process for each exercise."""
    key = json.dumps(asdict(ex), sort_keys=True, default=str)
    if key not in _FOUND:
        if len(_FOUND) >= _MAX_REMEMBERED:
            _FOUND.clear()
        try:
            with time_limit(seconds):
                _FOUND[key] = _Search(ex).run()
        except TimeoutError:
            _FOUND[key] = None   # a search that cannot finish in its budget finds nothing
    return _FOUND[key]


# ------------------------------------------------------------------ claims under a reading
def _listed(readings: list[Reading]) -> str:
    shown = "; or ".join(r.describe() for r in readings[:MAX_LISTED])
    more = len(readings) - MAX_LISTED
    return shown + (f"; and {more} more" if more > 0 else "")


def _under_reading(ctx: ClaimContext, reading: Reading, check: Callable[[ClaimContext], ClaimResult]) -> ClaimResult:
    given = dict(ctx.exercise.given)
    for fix in reading.fixes:
        given[fix.key] = fix.repair.value
    ex = replace(ctx.exercise, given=given)
    decls = claim_declarations(ex, ctx.claim, build_declarations(ex))
    return check(ClaimContext(ex, ctx.claim, decls, seed=ctx.seed, proof_seconds=ctx.proof_seconds,
                              allow_code=ctx.allow_code))


def _still_ill_posed(result: ClaimResult) -> bool:
    return result.verdict is Verdict.ILL_POSED and diagnosis_kind(result.diagnosis) in _DATA_DIAGNOSES


def reread(ctx: ClaimContext, result: ClaimResult, check: Callable[[ClaimContext], ClaimResult]) -> ClaimResult:
    """`result` (a numeric claim's), or — when it is ill-posed because of garbled given data that have a reading
    reproducing the printed values — what the claim is under that reading."""
    if not _still_ill_posed(result) or not _eligible(ctx.claim):
        return result
    found = find_readings(ctx.exercise, min(SEARCH_SECONDS, ctx.proof_seconds))
    if found is None:
        return result
    uses = set(_NAME.findall(ctx.claim.expect))
    claim_id = ctx.claim.id
    if claim_id in found.anchors:
        decided = [r.restricted(found.anchored[claim_id]) for r in found.readings]
        decided = list({r.key(): r for r in decided}.values())
        values = found.anchors[claim_id]
        what = "value" if "," not in values else "values"
        if len(decided) == 1:
            result.message += (f"; read as {decided[0].describe()}, the printed {what} {values} "
                               f"{'is' if what == 'value' else 'are'} reproduced, and the later claims are "
                               "checked under this reading")
        else:
            result.message += (f"; {len(decided)} readings reproduce the printed {what} {values}: "
                               f"{_listed(decided)} (later claims where they disagree are unverified)")
        return result
    parts = list({r.key(): r for r in (r.restricted(uses) for r in found.readings) if r.fixes}.values())
    if not parts:
        return result
    outcomes = [(r, _under_reading(ctx, r, check)) for r in parts]
    if any(_still_ill_posed(o) for _, o in outcomes):
        return result
    first = outcomes[0][1]
    if len(outcomes) == 1:
        first.message = f"under the reading {parts[0].describe()}: {first.message}"
        return first
    if len({o.verdict for _, o in outcomes}) == 1:
        first.message = f"under each of the {len(parts)} readings ({_listed(parts)}): {first.message}"
        return first
    listed = "; ".join(f"under {r.describe()} it is {o.verdict.value}"
                       + (f" ({o.message})" if o.verdict is not Verdict.CORRECT else "")
                       for r, o in outcomes[:MAX_LISTED])
    return ctx.result(Verdict.UNVERIFIED, f"{len(parts)} readings of the garbled data reproduce the printed values "
                                          f"and disagree here: {listed}", expected_latex=first.expected_latex)
