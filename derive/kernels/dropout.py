"""Dropout with a caller-supplied mask, so results are reproducible from the notes.

``mask`` holds 1 for kept units and 0 for dropped ones (same shape as ``x`` or broadcastable);
``keep_prob`` is the probability of keeping a unit (``1 - p`` in PyTorch's notation).
"""

from __future__ import annotations

import numpy as np

from ._common import as_f64


def dropout_forward(x: np.ndarray, mask: np.ndarray, keep_prob: float, inverted: bool = True) -> np.ndarray:
    """Training-time dropout.

    ``inverted=True``: ``x * mask / keep_prob`` (expected activation unchanged; test time is the
    identity). ``inverted=False``: ``x * mask`` (the original paper; at test time scale
    activations by ``keep_prob`` instead).
    """
    out = as_f64(x) * as_f64(mask)
    return out / keep_prob if inverted else out


def dropout_backward(
    dout: np.ndarray, mask: np.ndarray, keep_prob: float, inverted: bool = True
) -> np.ndarray:
    """``dx``: the same masking and scaling applied to the upstream gradient."""
    return dropout_forward(dout, mask, keep_prob, inverted)
