"""Fully connected (dense / affine) layer."""

from __future__ import annotations

import numpy as np

from ._common import as_f64


def dense_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Affine map ``z = x @ W.T + b``.

    Shapes: ``x`` (N, in) (or any ``(..., in)``, including a single vector ``(in,)``),
    ``W`` (out, in) -- the PyTorch ``nn.Linear`` layout, so row ``j`` holds the weights
    of output unit ``j`` -- and ``b`` (out,). Returns ``z`` of shape (N, out).
    """
    return as_f64(x) @ as_f64(W).T + as_f64(b)


def dense_backward(
    dz: np.ndarray, x: np.ndarray, W: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of a dense layer given the upstream gradient ``dz = dL/dz``.

    Shapes as in :func:`dense_forward`; ``dz`` has the shape of ``z``.
    Returns ``(dx, dW, db)`` with the shapes of ``x``, ``W`` (out, in) and ``b`` (out,).
    The batch is summed, not averaged: any ``1/N`` belongs to the loss gradient.
    """
    dz, x, W = as_f64(dz), as_f64(x), as_f64(W)
    dx = dz @ W
    # Flatten leading dims so one matmul covers unbatched, batched and sequence inputs.
    dz2 = dz.reshape(-1, W.shape[0])
    x2 = x.reshape(-1, W.shape[1])
    return dx, dz2.T @ x2, dz2.sum(axis=0)
