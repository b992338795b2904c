"""How a Lowerer reads: one frozen settings object, passed once (`Lowerer(decls, settings)`).

The default reading gives every formula of a spec its most likely meaning. The variants are settings, never
subclasses: lint's "refuse to guess" reading (`strict`, with `poisoned`, `expand` and `plain`), the numeric
claims' reading of printed decimals (`literal_decimals`, `bracket_vectors`), and the hint that reads a bare
indicator as 1[z > 0] (`bare_indicator_positive`). derive/lower/lowerer.py says which construct functions
each setting selects.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoweringSettings:
    # lint: nothing unknown is given a guessed meaning (derive/lower/strict.py): an unknown function head,
    # prose, a derivative operator of unclear reach refuse to lower instead of reading as a product
    strict: bool = False
    # names whose definition is ambiguous here: reading one refuses (errors.Ambiguous)
    poisoned: frozenset[str] = frozenset()
    # False: defined (`given:`) names stay symbols, except as the quantity of a derivative (the shallow reading)
    expand: bool = True
    # strict: names written without brackets elsewhere in the formula, so `n(n + 1)` may be n times (n + 1)
    plain: frozenset[str] = frozenset()
    # decimal literals become symbols recorded in `Lowerer.literals` with half a printed unit, so a side's
    # rounding can be propagated (verify/claims/numeric.py)
    literal_decimals: bool = False
    # `[a, b, c]` (and `x [a, b]`) is a row vector of its entries
    bracket_vectors: bool = False
    # `\mathbb{1}[z]` without a relation reads as 1[z > 0] (only to tell the reader what that would give)
    bare_indicator_positive: bool = False

    def __post_init__(self) -> None:
        if self.strict and self.bracket_vectors:
            # both replace the reading of `head(...)`; nobody needs the two together, so they are not composed
            raise ValueError("strict and bracket_vectors readings are not combined")


DEFAULT = LoweringSettings()
