"""Activation functions with their derivatives.

Convention: every ``*_backward(da, z)`` takes the upstream gradient ``da = dL/da`` and the
*pre-activation* ``z`` (the forward input) and returns ``dz = dL/dz``, same shape as ``z``.
``*_derivative(z)`` is the elementwise derivative ``a'(z)`` of the elementwise activations.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._common import as_f64


def identity(z: np.ndarray) -> np.ndarray:
    """Linear activation ``a = z`` (returned as a float64 array)."""
    return as_f64(z).copy()


def identity_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Backward of :func:`identity`: ``dz = da``."""
    return as_f64(da).copy()


def relu(z: np.ndarray) -> np.ndarray:
    """``max(z, 0)`` elementwise."""
    return np.maximum(as_f64(z), 0.0)


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """``1`` where ``z > 0`` else ``0``; the subgradient at 0 is taken as 0 (as PyTorch does)."""
    return (as_f64(z) > 0).astype(np.float64)


def relu_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``dz = da * relu'(z)``."""
    return as_f64(da) * relu_derivative(z)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``, stable for large ``|z|``."""
    z = as_f64(z)
    # e^{min(z,0)} / (1 + e^{-|z|}) equals 1/(1+e^{-z}) for either sign but only ever
    # exponentiates non-positive numbers, and avoids a data-dependent np.where (slow on mixed signs).
    return np.exp(np.minimum(z, 0.0)) / (1.0 + np.exp(-np.abs(z)))


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """``s(z) * (1 - s(z))``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def sigmoid_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``dz = da * s(z) * (1 - s(z))``."""
    return as_f64(da) * sigmoid_derivative(z)


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent elementwise."""
    return np.tanh(as_f64(z))


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """``1 - tanh(z)**2``."""
    t = np.tanh(as_f64(z))
    return 1.0 - t * t


def tanh_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``dz = da * (1 - tanh(z)**2)``."""
    return as_f64(da) * tanh_derivative(z)


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along the last axis; the row max is subtracted so ``exp`` cannot overflow.

    ``z`` is (C,) or (N, C) (any leading dims); the output has the same shape and sums to 1
    along the last axis.
    """
    z = as_f64(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_backward(da: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Vector-Jacobian product of softmax along the last axis.

    ``dz_i = s_i * (da_i - sum_j da_j s_j)`` with ``s = softmax(z)``; never forms the
    (C, C) Jacobian, so it works row-wise on a batch.
    """
    s = softmax(z)
    da = as_f64(da)
    return s * (da - np.sum(da * s, axis=-1, keepdims=True))


def softmax_jacobian(z: np.ndarray) -> np.ndarray:
    """Full Jacobian ``J[i, j] = d s_i / d z_j = s_i (delta_ij - s_j)`` of a single vector ``z`` (C,)."""
    z = as_f64(z)
    if z.ndim != 1:
        raise ValueError(f"softmax_jacobian expects a single vector, got shape {z.shape}")
    s = softmax(z)
    return np.diag(s) - np.outer(s, s)


ActivationPair = tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray, np.ndarray], np.ndarray]]

#: Name -> (forward, backward) used by :mod:`verify.kernels.mlp`.
ACTIVATIONS: dict[str, ActivationPair] = {
    "identity": (identity, identity_backward),
    "linear": (identity, identity_backward),
    "none": (identity, identity_backward),
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
}


def get_activation(name: str) -> ActivationPair:
    """Look up ``(forward, backward)`` by name (case-insensitive)."""
    try:
        return ACTIVATIONS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; known: {sorted(ACTIVATIONS)}") from None
