"""Why a formula that parsed cannot be given a meaning: the errors of lowering (a leaf module)."""

from __future__ import annotations

from sympy.matrices.exceptions import ShapeError


class LoweringError(ValueError):
    """The formula parsed but cannot be given a mathematical meaning."""

    kind = "unsupported"


class UndefinedQuantity(LoweringError):
    """A derivative of a quantity that the exercise never defines."""

    kind = "undefined"


class TooLarge(LoweringError):
    kind = "too-large"


class TooDeep(TooLarge):
    """Nested deeper than Python's stack allows to read (the parser bounds the nesting; this is the backstop)."""


class SizeMismatch(LoweringError, ShapeError):
    """SymPy refused an operation on matrices of sizes that do not fit (still a ShapeError: ill-posed)."""


class MissingCondition(LoweringError):
    """`\\mathbb{1}[z]`: an indicator of a value, not of a condition (ill-posed as written)."""

    kind = "missing-condition"


# ------------------------------------------------------------------ refusals of the strict reading (lint)
class UnknownFunction(LoweringError):
    """A name used as a function that nothing defines (the default reading would multiply)."""

    kind = "undefined-function"


class Ambiguous(LoweringError):
    """A reading with more than one meaning: a poisoned name, an operator whose reach is unclear, ..."""

    kind = "ambiguous-definition"


class Prose(LoweringError):
    """Words inside a formula that name no quantity or function."""

    kind = "prose"


class IntegralError(LoweringError):
    """A definite integral that cannot be read or whose closed form is not confirmed."""

    kind = "integral"
