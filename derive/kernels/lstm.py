"""A single LSTM cell step, forward and backward.

Gates (default order ``'ifgo'``, as in PyTorch ``nn.LSTM`` and Keras):
``i`` input, ``f`` forget, ``g`` candidate (tanh), ``o`` output. The stacked pre-activation
``a = x @ W.T + h_prev @ U.T + b`` (N, 4H) is split into four H-wide blocks in
``gate_order``; then::

    i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o);  g = tanh(a_g)
    c = f * c_prev + i * g;  h = o * tanh(c)

Shapes: ``x`` (N, D), ``h_prev``/``c_prev`` (N, H), ``W`` (4H, D), ``U`` (4H, H), ``b`` (4H,).
Notes that use one matrix on ``[h_prev, x]`` have ``U = W_cat[:, :H]``, ``W = W_cat[:, H:]``.
PyTorch's separate ``b_ih + b_hh`` add up to ``b``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._common import as_f64
from .activations import sigmoid


class LSTMCache(NamedTuple):
    """Gate activations (each (N, H)), ``tanh_c`` and the inputs needed for the backward pass."""

    i: np.ndarray
    f: np.ndarray
    g: np.ndarray
    o: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    x: np.ndarray
    h_prev: np.ndarray
    c_prev: np.ndarray
    W: np.ndarray
    U: np.ndarray
    gate_order: str


def _check_order(gate_order: str) -> None:
    if sorted(gate_order) != sorted("ifgo"):
        raise ValueError(f"gate_order must be a permutation of 'ifgo', got {gate_order!r}")


def lstm_cell_forward(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    gate_order: str = "ifgo",
) -> tuple[np.ndarray, np.ndarray, LSTMCache]:
    """One step; returns ``(h, c, cache)``. See the module docstring for the equations."""
    _check_order(gate_order)
    x, h_prev, c_prev, W, U = (as_f64(v) for v in (x, h_prev, c_prev, W, U))
    H = h_prev.shape[-1]
    a = x @ W.T + h_prev @ U.T + as_f64(b)
    block = {name: a[..., k * H:(k + 1) * H] for k, name in enumerate(gate_order)}
    i, f, o = sigmoid(block["i"]), sigmoid(block["f"]), sigmoid(block["o"])
    g = np.tanh(block["g"])
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    h = o * tanh_c
    return h, c, LSTMCache(i, f, g, o, c, tanh_c, x, h_prev, c_prev, W, U, gate_order)


def lstm_cell_backward(
    dh: np.ndarray, dc: np.ndarray, cache: LSTMCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Given ``dh = dL/dh`` and ``dc = dL/dc`` from outside (pass zeros if unused), returns
    ``(dx, dh_prev, dc_prev, dW, dU, db)``."""
    dh, dc = as_f64(dh), as_f64(dc)
    i, f, g, o, tanh_c = cache.i, cache.f, cache.g, cache.o, cache.tanh_c
    dc_total = dc + dh * o * (1.0 - tanh_c * tanh_c)
    local = {
        "i": dc_total * g * i * (1.0 - i),
        "f": dc_total * cache.c_prev * f * (1.0 - f),
        "g": dc_total * i * (1.0 - g * g),
        "o": dh * tanh_c * o * (1.0 - o),
    }
    da = np.concatenate([local[name] for name in cache.gate_order], axis=-1)
    dx = da @ cache.W
    dh_prev = da @ cache.U
    da2 = da.reshape(-1, da.shape[-1])
    dW = da2.T @ cache.x.reshape(-1, cache.W.shape[1])
    dU = da2.T @ cache.h_prev.reshape(-1, cache.U.shape[1])
    return dx, dh_prev, dc_total * f, dW, dU, da2.sum(axis=0)
