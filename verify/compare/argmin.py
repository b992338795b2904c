"""Decide "same minimisers": two losses that differ by a positive factor and an additive constant in the parameters.

L1 ~ L2 in the parameters W when L1 = s L2 + c with s > 0 and s, c free of W. With fresh copies W', W'' of
the parameters (every other symbol and data array held fixed) and D1 = L1(W) - L1(W'), E1 = L1(W) - L1(W''),
D2, E2 likewise for L2, that is

    D1 E2 - E1 D2 = 0 identically, and D1 / D2 > 0.

The first condition is an ordinary equality, so it is decided by `compare` (random points, every
disagreement confirmed to 40 digits): a `wrong` always comes with a confirmed point. When the losses cannot be
evaluated at enough points (log f for a network output f of either sign), a symbolic proof is tried instead:
d/dw (L1 - s L2) = 0 for every parameter w, with s read off the points that could be evaluated.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy.core.function import AppliedUndef

from derive.lower.argmin import Argmin, ArgminClass, LikelihoodClass, negative_log
from derive.numeric import NumericError, constant_rational, sampled_ratios
from verify.compare.engine import compare, prove, sampled_comparison
from verify.compare.types import Comparison

SCALE_POINTS = 48


def is_argmin_value(value: object) -> bool:
    return isinstance(value, (Argmin, ArgminClass))


def compare_argmin(claimed, expected, *, seed: int, proof_seconds: float):
    """`compare` for argmin values: Argmin against Argmin or a class, or a loss against a class."""

    if isinstance(claimed, ArgminClass):
        return Comparison(None, reason="a class of losses on the claimed side")
    if isinstance(expected, Argmin) and not isinstance(claimed, Argmin):
        return Comparison(False, diagnosis="the claim is a value, the derivation an argmin",
                          evidence="an argmin is compared only with an argmin")
    if isinstance(claimed, Argmin):
        if isinstance(expected, LikelihoodClass):
            return Comparison(None, reason="an argmin compared with a class of likelihoods")
        if not isinstance(expected, (Argmin, ArgminClass)):
            return Comparison(False, diagnosis="the claim is an argmin, the derivation a value",
                              evidence="an argmin is compared only with an argmin")
        if set(claimed.args[1]) != set(expected.args[1]):
            names = ", ".join(map(str, claimed.args[1]))
            want = ", ".join(map(str, expected.args[1]))
            return Comparison(False, diagnosis=f"minimised over {names} where {want} is derived",
                              evidence="different parameters under the argmin")
        return same_minimisers(claimed.args[0], expected.args[0], tuple(expected.args[1]), seed=seed,
                               proof_seconds=proof_seconds)
    wrt = tuple(expected.args[1])
    if isinstance(expected, LikelihoodClass):
        comp = _plain(claimed, expected.args[0], seed, proof_seconds)
        if comp.equal:
            return comp
        return same_minimisers(negative_log(claimed), negative_log(expected.args[0]), wrt, seed=seed,
                               proof_seconds=proof_seconds, what="likelihood")
    return same_minimisers(claimed, expected.args[0], wrt, seed=seed, proof_seconds=proof_seconds)


def _plain(claimed, expected, seed: int, proof_seconds: float):

    try:
        comp = compare(claimed, expected, seed=seed, proof_seconds=min(proof_seconds, 1.0))
    except (TypeError, ValueError):
        return Comparison(None, reason="cannot compare")
    if comp.equal:
        comp.evidence = f"equal to the derived value ({comp.evidence})"
    return comp


def _fresh(w: sp.Basic, tag: str) -> sp.Basic:
    if isinstance(w, sp.Indexed):
        return sp.IndexedBase(f"{w.base.label}__{tag}")[w.indices]
    return sp.Symbol(f"{w.name}__{tag}", **w.assumptions0)


def same_minimisers(l1: sp.Expr, l2: sp.Expr, wrt: tuple, *, seed: int, proof_seconds: float,
                    what: str = "loss"):
    """Comparison(True) when l1 = s l2 + c with s > 0 and s, c independent of `wrt`."""

    plain = _plain(l1, l2, seed, proof_seconds) if what == "loss" else Comparison(None)
    if plain.equal:
        return plain
    names = ", ".join(map(str, wrt))
    l1, l2 = _on_claim_domain(l1, l2)
    l1, l2 = _generalise_data_constants(l1, wrt), _generalise_data_constants(l2, wrt)
    if not any(l2.has(w) for w in wrt):
        return Comparison(None, reason=f"the derived {what} does not depend on {names}")
    q = {w: _fresh(w, "q") for w in wrt}
    r = {w: _fresh(w, "r") for w in wrt}
    d1, e1 = l1 - l1.xreplace(q), l1 - l1.xreplace(r)
    d2, e2 = l2 - l2.xreplace(q), l2 - l2.xreplace(r)
    comp = _numeric_only(d1 * e2 - e1 * d2, sp.Integer(0), seed)
    if comp.equal is False:
        return Comparison(False, counterexample=comp.counterexample,
                          diagnosis=f"not the same minimisers: the claimed and derived {_plural(what)} are not related "
                                    f"by a positive factor and a constant in {names}",
                          evidence=comp.evidence)
    if comp.equal is True:
        sign = _scale_sign(d1, d2, seed)
        if sign is None:
            return Comparison(None, reason="could not tell the sign of the scale factor")
        if sign < 0:
            flip = _numeric_only(d1 * d2, sp.Abs(d1 * d2), seed + 1)
            if flip.equal is False:
                return Comparison(False, counterexample=flip.counterexample,
                                  diagnosis=f"the claimed {what} grows where the derived one falls: a negative "
                                            f"factor turns its minimisers into maximisers",
                                  evidence=flip.evidence)
            return Comparison(None, reason="the scale factor looks negative but this was not confirmed exactly")
        if sign == 0:
            return Comparison(False, diagnosis=f"the claimed {what} does not depend on {names}",
                              evidence="constant in the parameters")
        return Comparison(True, evidence=_why_same(what, names, comp.evidence))
    return _symbolic(l1, l2, wrt, seed, proof_seconds, what, comp.reason)


def _on_claim_domain(l1: sp.Expr, l2: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """Where the claim takes log f of an unspecified function f, it is only defined for f > 0: compare there.

    f is replaced by exp(f) on both sides (any positive function is exp of some function), so the random
    points all lie in the claim's domain instead of mostly outside it.
    """
    heads = {a.args[0].func for a in l1.atoms(sp.log) if isinstance(a.args[0], AppliedUndef)}
    if not heads:
        return l1, l2

    def positive(expr: sp.Expr) -> sp.Expr:
        return expr.replace(lambda e: isinstance(e, AppliedUndef) and e.func in heads, lambda e: sp.exp(e))

    return positive(l1), positive(l2)


def _generalise_data_constants(loss: sp.Expr, wrt: tuple) -> sp.Expr:
    """k_i! of data k_i (no parameter in it) -> exp(c(k_i)) for an unspecified c.

    Such a factor cannot move the minimisers; counts drawn as random reals have no factorial, and an identity
    that holds for every positive value of the factor holds for the factorial too.
    """
    def is_data_constant(e: sp.Basic) -> bool:
        return isinstance(e, (sp.factorial, sp.gamma, sp.binomial)) and not any(e.has(w) for w in wrt) \
            and bool(e.atoms(sp.Indexed))

    return loss.replace(is_data_constant, lambda e: sp.exp(sp.Function(f"c_{type(e).__name__}", real=True)(*e.args)))


def _numeric_only(claimed: sp.Expr, expected: sp.Expr, seed: int):
    """Random points and exact confirmation, no proof attempt (the differences of sums do not simplify)."""

    try:
        with np.errstate(all="ignore"):
            return sampled_comparison(claimed, expected, seed)
    except NumericError as exc:
        return Comparison(None, reason=str(exc))


def _why_same(what: str, names: str, evidence: str) -> str:
    if what == "likelihood":
        return (f"not equal to the derived likelihood, but the same maximum-likelihood {names}: the negative logs "
                f"differ by a positive factor and/or a constant that do not depend on {names} ({evidence})")
    return (f"not equal to the derived loss, but the same minimisers: they differ by a positive factor and/or "
            f"a constant that do not depend on {names} ({evidence})")


def _scale_sign(d1: sp.Expr, d2: sp.Expr, seed: int) -> int | None:
    """Sign of s = D1 / D2 at random points (+1, -1, or 0 when D1 vanishes where D2 does not)."""
    signs: list[float] = []
    for trial in range(4):
        ratios = sampled_ratios(d1, d2, n=SCALE_POINTS, seed=seed * 7 + trial, trial=trial, smallest=1e-8)
        if ratios is None:
            return None
        signs.extend(np.sign(ratios).tolist())
    if len(signs) < 8:
        return None
    if all(s > 0 for s in signs):
        return 1
    if all(s == 0 for s in signs):
        return 0
    return -1 if any(s < 0 for s in signs) else None


def _symbolic(l1, l2, wrt, seed: int, proof_seconds: float, what: str, why: str):
    """d/dw (L1 - s L2) == 0 for every parameter, s > 0 a number guessed from the points that evaluate."""

    candidates: list[sp.Expr] = []
    guess = _ratio_guess(l1, l2, wrt, seed)
    if guess is not None:
        candidates.append(guess)
    if sp.Integer(1) not in candidates:
        candidates.append(sp.Integer(1))
    names = ", ".join(map(str, wrt))
    for s in candidates:
        if not (s.is_positive):
            continue
        if all(prove(sp.diff(l1, w), s * sp.diff(l2, w), proof_seconds / max(1, len(wrt))) for w in wrt):
            return Comparison(True, proven=True,
                              evidence=_why_same(what, names, f"proven symbolically with factor {s}"))
    return Comparison(None, reason=f"could not decide whether the {_plural(what)} have the same minimisers ({why})")


def _ratio_guess(l1, l2, wrt, seed: int) -> sp.Expr | None:
    q = {w: _fresh(w, "q") for w in wrt}
    d1, d2 = l1 - l1.xreplace(q), l2 - l2.xreplace(q)
    ratios = sampled_ratios(d1, d2, n=SCALE_POINTS, seed=seed * 11, smallest=1e-8)
    if ratios is None or ratios.size < 2:
        return None
    return constant_rational(ratios, spread=1e-8)


def _plural(what: str) -> str:
    return "likelihoods" if what == "likelihood" else f"{what}es"
