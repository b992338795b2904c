"""Shared helpers for the kernels (not part of the public API)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

Reduction = Literal["mean", "sum"]


def as_f64(a: ArrayLike) -> np.ndarray:
    """Return ``a`` as a float64 ndarray (no copy when it already is one)."""
    return np.asarray(a, dtype=np.float64)


def check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum"):
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


def reduce(values: np.ndarray, reduction: str, count: int) -> float:
    """Sum ``values`` and, for ``'mean'``, divide by ``count``."""
    check_reduction(reduction)
    total = float(np.sum(values))
    return total / count if reduction == "mean" else total


def scale(reduction: str, count: int) -> float:
    """Factor the per-element gradient is multiplied by under ``reduction``."""
    check_reduction(reduction)
    return 1.0 / count if reduction == "mean" else 1.0
