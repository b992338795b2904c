"""Batch normalisation in training mode (batch statistics, biased variance)."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._common import as_f64


class BatchNormCache(NamedTuple):
    """Intermediates of :func:`batchnorm_forward`, statistics kept with reduced axes as size 1."""

    x_hat: np.ndarray
    mean: np.ndarray
    var: np.ndarray
    inv_std: np.ndarray
    gamma: np.ndarray
    axes: tuple[int, ...]


def _axes(axis: int | tuple[int, ...], ndim: int) -> tuple[int, ...]:
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def batchnorm_forward(
    x: np.ndarray,
    gamma: np.ndarray,
    beta: np.ndarray,
    eps: float = 1e-5,
    axis: int | tuple[int, ...] = 0,
) -> tuple[np.ndarray, BatchNormCache]:
    """``y = gamma * (x - mean) / sqrt(var + eps) + beta`` with batch statistics.

    ``x`` (N, D) with ``gamma``, ``beta`` (D,) by default. ``var`` is the biased (1/m)
    variance, as used for normalising in training mode. For conv features (N, C, H, W) pass
    ``axis=(0, 2, 3)`` and ``gamma``, ``beta`` shaped (1, C, 1, 1). Returns ``(y, cache)``.
    """
    x = as_f64(x)
    axes = _axes(axis, x.ndim)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mean) * inv_std
    gamma = as_f64(gamma)
    return gamma * x_hat + as_f64(beta), BatchNormCache(x_hat, mean, var, inv_std, gamma, axes)


def batchnorm_backward(
    dy: np.ndarray, cache: BatchNormCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Returns ``(dx, dgamma, dbeta)`` with the shapes of ``x``, ``gamma``, ``beta``.

    Uses the compact form ``dx = inv_std * (dxh - mean(dxh) - x_hat * mean(dxh * x_hat))``
    with ``dxh = dy * gamma``, which accounts for the batch statistics depending on ``x``.
    """
    dy = as_f64(dy)
    x_hat, axes, gamma = cache.x_hat, cache.axes, cache.gamma
    dgamma = np.sum(dy * x_hat, axis=axes, keepdims=True)
    dbeta = np.sum(dy, axis=axes, keepdims=True)
    dxh = dy * gamma
    dx = cache.inv_std * (
        dxh - dxh.mean(axis=axes, keepdims=True) - x_hat * (dxh * x_hat).mean(axis=axes, keepdims=True)
    )
    # gamma may be (D,) or keepdims-shaped; hand the gradients back in its own shape.
    return dx, dgamma.reshape(gamma.shape), dbeta.reshape(gamma.shape)
