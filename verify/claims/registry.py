"""The claim kinds: one module each, one line each here.

A kind module exposes `NAME` (what `kind:` says in a spec), `HEAVY` (checked on concrete tensors, grids or in a
child process: the runner hands such exercises out first) and `check(ctx: ClaimContext) -> ClaimResult`.
Adding a kind is one module and one line in `KINDS`; the spec loader validates `kind:` against this table.

A claim without `kind:` gets one from `infer_kind`, the only place that guesses: printed decimals with a
numeric derivation are `numeric`; otherwise the derived value decides (a set, a list of parameter values, an
equation), and everything else is a `formula`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import sympy as sp

from derive.recipes.interpreter import DerivationFailed
from derive.recipes.parameters import ParameterCheck
from derive.spec.load import load_specs, parse_spec_file
from derive.spec.model import ExerciseSpec
from verify.claims import (
    bound,
    equation,
    formula,
    garbled,
    numeric,
    order,
    parameters,
    property,
    regions,
    sandbox,
    sets,
    shape,
)
from verify.claims.context import ClaimContext
from verify.claims.index import check as index
from verify.result import ClaimResult, Verdict


@dataclass(frozen=True)
class Kind:
    name: str
    check: Callable[[ClaimContext], ClaimResult]
    heavy: bool

    @staticmethod
    def of(module: ModuleType) -> Kind:
        return Kind(module.NAME, module.check, module.HEAVY)


KINDS: dict[str, Kind] = {k.name: k for k in map(Kind.of, (
    formula,      # an expression or a chain of `=` steps against the derivation
    equation,     # equations equivalent to a derived equation
    numeric,      # printed decimals within their printed precision
    bound,        # inequalities and implications at random points
    order,        # O(...) against a derived count
    shape,        # sizes of matrices and vectors
    sets,         # a set of named items quoted across a sentence
    parameters,   # parameter values judged by what the model then does
    regions,      # threshold networks, region by region
    index,        # index notation on concrete sizes
    sandbox,      # a NumPy snippet against a kernel (--allow-code)
    property,     # a sentence asserting a property (convexity, an extremum, overflow), decided with evidence
))}


def infer_kind(ctx: ClaimContext) -> Kind:
    """The kind of a claim whose spec names none (derives the truth when the answer depends on it)."""
    if numeric.recognises(ctx):
        return KINDS[numeric.NAME]
    try:
        truth = ctx.truth
    except DerivationFailed:
        return KINDS[formula.NAME]   # which reports why the answer could not be derived
    if isinstance(truth, sp.FiniteSet):
        return KINDS[sets.NAME]
    if isinstance(truth, ParameterCheck):
        return KINDS[parameters.NAME]
    if isinstance(truth, sp.Eq):
        return KINDS[equation.NAME]
    return KINDS[formula.NAME]


def kind_of(ctx: ClaimContext) -> Kind:
    return KINDS[ctx.claim.kind] if ctx.claim.kind else infer_kind(ctx)


def check_claim(ctx: ClaimContext) -> ClaimResult:
    """Dispatch once: an unfinished claim is incomplete, every other claim goes to its kind."""
    if ctx.claim.status == "unfinished":
        return ctx.result(Verdict.INCOMPLETE, ctx.claim.reason or "the notes give no answer")
    kind = kind_of(ctx)
    result = kind.check(ctx)
    # Numbers ill-posed because the given data are garbled: checked under the reading of the data that
    # reproduces the printed values, when there is one (verify/claims/garbled.py).
    return garbled.reread(ctx, result, kind.check) if kind.name == numeric.NAME else result


def estimated_cost(ex: ExerciseSpec) -> int:
    """How many formulas' worth of work an exercise is (heavy kinds count four)."""
    return sum(4 if c.kind and KINDS[c.kind].heavy else 1 for c in ex.claims)


def load_suite(paths: list[Path]) -> list[ExerciseSpec]:
    """Every exercise under `paths`, with `kind:` validated against this registry."""
    return load_specs(paths, kinds=KINDS)


def load_file(path: Path) -> list[ExerciseSpec]:
    return parse_spec_file(path, kinds=KINDS)
