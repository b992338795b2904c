"""Vanilla (Elman) RNN over a sequence with backpropagation through time.

Layout is batch-first: ``x`` (N, T, D), hidden states (N, T, H). Weights follow the
``W @ column-vector`` convention of the notes: ``W_xh`` (H, D), ``W_hh`` (H, H), ``b`` (H,),
so for a batch row ``h_t = tanh(x_t @ W_xh.T + h_{t-1} @ W_hh.T + b)``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._common import as_f64


class RNNCache(NamedTuple):
    """``hs`` (N, T+1, H) with ``hs[:, 0] = h0``; ``zs`` (N, T, H) pre-activations."""

    x: np.ndarray
    hs: np.ndarray
    zs: np.ndarray
    W_xh: np.ndarray
    W_hh: np.ndarray


class RNNGrads(NamedTuple):
    dx: np.ndarray
    dh0: np.ndarray
    dW_xh: np.ndarray
    dW_hh: np.ndarray
    db: np.ndarray


def rnn_forward(
    x: np.ndarray, h0: np.ndarray, W_xh: np.ndarray, W_hh: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, RNNCache]:
    """Run ``T`` steps; returns ``(h, cache)`` with ``h`` (N, T, H) = ``h_1 .. h_T``.

    For a single sequence pass ``x[None]`` and ``h0[None]``.
    """
    x, W_xh, W_hh, b = as_f64(x), as_f64(W_xh), as_f64(W_hh), as_f64(b)
    h0 = as_f64(h0)
    N, T, _ = x.shape
    H = W_hh.shape[0]
    hs = np.empty((N, T + 1, H))
    hs[:, 0] = h0
    # The input projection has no recurrence, so do it for all steps in one matmul.
    zs = x @ W_xh.T + b
    for t in range(T):
        zs[:, t] += hs[:, t] @ W_hh.T
        hs[:, t + 1] = np.tanh(zs[:, t])
    return hs[:, 1:].copy(), RNNCache(x, hs, zs, W_xh, W_hh)


def rnn_backward(dh: np.ndarray, cache: RNNCache) -> RNNGrads:
    """BPTT given ``dh`` (N, T, H) = dL/dh_t from outside the recurrence (e.g. output layers).

    Returns :class:`RNNGrads` ``(dx, dh0, dW_xh, dW_hh, db)``; gradients are summed over
    time and batch.
    """
    dh = as_f64(dh)
    x, hs, W_hh = cache.x, cache.hs, cache.W_hh
    T = x.shape[1]
    dzs = np.empty_like(cache.zs)
    carry = np.zeros_like(hs[:, 0])
    for t in reversed(range(T)):
        h_t = hs[:, t + 1]
        dzs[:, t] = (dh[:, t] + carry) * (1.0 - h_t * h_t)
        carry = dzs[:, t] @ W_hh
    H, D = cache.W_xh.shape
    dz2 = dzs.reshape(-1, H)
    dW_xh = dz2.T @ x.reshape(-1, D)
    dW_hh = dz2.T @ hs[:, :-1].reshape(-1, H)
    return RNNGrads(dzs @ cache.W_xh, carry, dW_xh, dW_hh, dz2.sum(axis=0))
