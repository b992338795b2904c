"""Scaled dot-product attention, forward and backward.

``Q`` (..., Lq, d), ``K`` (..., Lk, d), ``V`` (..., Lk, dv); any leading (batch/head) dims.
``S = Q @ K^T * scale`` with ``scale = 1/sqrt(d)`` by default, ``P = softmax(S)`` over keys
(last axis), ``out = P @ V`` (..., Lq, dv).

``mask`` is boolean, broadcastable to (..., Lq, Lk), with True meaning *may attend*; masked
scores are set to -inf, so masked weights are exactly 0. A query row with every key
masked gives NaN, which is deliberate: such a row has no defined output.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._common import as_f64
from .activations import softmax


class AttentionCache(NamedTuple):
    """``scores`` (after scaling and masking) and ``weights`` P, both (..., Lq, Lk)."""

    Q: np.ndarray
    K: np.ndarray
    V: np.ndarray
    scores: np.ndarray
    weights: np.ndarray
    scale: float


def attention_forward(
    Q: np.ndarray,
    K: np.ndarray,
    V: np.ndarray,
    mask: np.ndarray | None = None,
    scale: float | None = None,
) -> tuple[np.ndarray, AttentionCache]:
    """Returns ``(out, cache)``; ``cache.weights`` are the attention probabilities."""
    Q, K, V = as_f64(Q), as_f64(K), as_f64(V)
    s = 1.0 / math.sqrt(Q.shape[-1]) if scale is None else float(scale)
    scores = (Q @ np.swapaxes(K, -1, -2)) * s
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, -np.inf)
    with np.errstate(invalid="ignore"):
        P = softmax(scores)
    return P @ V, AttentionCache(Q, K, V, scores, P, s)


def attention_backward(
    dout: np.ndarray, cache: AttentionCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns ``(dQ, dK, dV)`` for upstream ``dout`` (..., Lq, dv).

    Masked positions have ``P = 0`` and so receive no gradient through the softmax.
    """
    dout = as_f64(dout)
    P = cache.weights
    dV = np.swapaxes(P, -1, -2) @ dout
    dP = dout @ np.swapaxes(cache.V, -1, -2)
    # Softmax VJP written with P directly to avoid recomputing it from -inf scores.
    dS = P * (dP - np.sum(dP * P, axis=-1, keepdims=True)) * cache.scale
    return dS @ cache.K, np.swapaxes(dS, -1, -2) @ cache.Q, dV
