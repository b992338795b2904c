"""Why a formula that parsed cannot be given a meaning: the errors of lowering (a leaf module)."""

from __future__ import annotations


class LoweringError(ValueError):
    """The formula parsed but cannot be given a mathematical meaning."""

    kind = "unsupported"


class UndefinedQuantity(LoweringError):
    """A derivative of a quantity that the exercise never defines."""

    kind = "undefined"


class TooLarge(LoweringError):
    kind = "too-large"


class MissingCondition(LoweringError):
    """`\\mathbb{1}[z]`: an indicator of a value, not of a condition (ill-posed as written)."""

    kind = "missing-condition"
