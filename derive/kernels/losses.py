"""Loss functions, each as a ``*_loss`` (value) and ``*_grad`` (gradient w.r.t. the prediction).

Reduction conventions (they match PyTorch's defaults):

* elementwise losses (MSE, BCE, BCE-with-logits, Huber): ``'mean'`` averages over *every*
  element of the prediction, ``'sum'`` adds them;
* categorical cross-entropy: the class axis (last) is summed per sample, then ``'mean'``
  averages over samples (all leading dims), ``'sum'`` adds them.

Notes that use e.g. ``1/2 * sum (y - yhat)^2`` differ by a constant factor; rescale outside.
Gradients have the shape of the prediction and already include the reduction factor.
"""

from __future__ import annotations

import numpy as np

from ._common import Reduction, as_f64, reduce, scale
from .activations import sigmoid, softmax


# --- mean squared error -------------------------------------------------------------------
def mse_loss(pred: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> float:
    """``sum_or_mean((pred - target)**2)``; shapes must broadcast to ``pred``."""
    r = as_f64(pred) - as_f64(target)
    return reduce(r * r, reduction, r.size)


def mse_grad(pred: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> np.ndarray:
    """``2 (pred - target)`` times the reduction factor."""
    r = as_f64(pred) - as_f64(target)
    return 2.0 * r * scale(reduction, r.size)


# --- binary cross-entropy on probabilities ------------------------------------------------
def bce_loss(prob: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> float:
    """``-(y log p + (1 - y) log(1 - p))`` with ``p`` in (0, 1); no clipping (p=0 or 1 gives inf)."""
    p, y = as_f64(prob), as_f64(target)
    # log1p(-p) keeps precision for small p where log(1 - p) would round 1 - p.
    values = -(y * np.log(p) + (1.0 - y) * np.log1p(-p))
    return reduce(values, reduction, p.size)


def bce_grad(prob: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> np.ndarray:
    """``(p - y) / (p (1 - p))`` times the reduction factor."""
    p, y = as_f64(prob), as_f64(target)
    return (p - y) / (p * (1.0 - p)) * scale(reduction, p.size)


# --- binary cross-entropy on logits -------------------------------------------------------
def bce_logits_loss(logits: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> float:
    """BCE of ``sigmoid(z)`` computed from the logits ``z`` as ``log(1 + e^z) - y z`` (stable)."""
    z, y = as_f64(logits), as_f64(target)
    values = np.logaddexp(0.0, z) - y * z
    return reduce(values, reduction, z.size)


def bce_logits_grad(logits: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> np.ndarray:
    """``sigmoid(z) - y`` times the reduction factor."""
    z, y = as_f64(logits), as_f64(target)
    return (sigmoid(z) - y) * scale(reduction, z.size)


# --- categorical cross-entropy ------------------------------------------------------------
def one_hot(labels: np.ndarray, num_classes: int) -> np.ndarray:
    """Integer labels of any shape -> float64 one-hot with a trailing class axis."""
    labels = np.asarray(labels)
    return (labels[..., None] == np.arange(num_classes)).astype(np.float64)


def _target_dist(target: np.ndarray, num_classes: int) -> np.ndarray:
    """Integer class indices (shape of pred without the last axis) or one-hot/soft rows."""
    t = np.asarray(target)
    if np.issubdtype(t.dtype, np.integer):
        return one_hot(t, num_classes)
    return as_f64(t)


def _n_samples(pred: np.ndarray) -> int:
    return max(pred.size // pred.shape[-1], 1) if pred.ndim else 1


def cross_entropy_loss(prob: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> float:
    """``-sum_c y_c log p_c`` per sample; ``prob`` (N, C) rows of probabilities.

    ``target`` is either integer class indices (N,) or one-hot / soft targets (N, C).
    Terms with ``y_c = 0`` contribute 0 even where ``p_c = 0``.
    """
    p = as_f64(prob)
    y = _target_dist(target, p.shape[-1])
    logs = np.log(np.where(y != 0, p, 1.0))
    return reduce(-y * logs, reduction, _n_samples(p))


def cross_entropy_grad(prob: np.ndarray, target: np.ndarray, reduction: Reduction = "mean") -> np.ndarray:
    """``-y / p`` (w.r.t. the probabilities) times the reduction factor."""
    p = as_f64(prob)
    y = _target_dist(target, p.shape[-1])
    safe_p = np.where(y != 0, p, 1.0)
    return -y / safe_p * scale(reduction, _n_samples(p))


def cross_entropy_logits_loss(
    logits: np.ndarray, target: np.ndarray, reduction: Reduction = "mean"
) -> float:
    """Cross-entropy of ``softmax(z)`` from logits (N, C) via log-sum-exp (stable).

    ``target`` as in :func:`cross_entropy_loss`.
    """
    z = as_f64(logits)
    y = _target_dist(target, z.shape[-1])
    m = np.max(z, axis=-1, keepdims=True)
    log_softmax = z - m - np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return reduce(-y * log_softmax, reduction, _n_samples(z))


def cross_entropy_logits_grad(
    logits: np.ndarray, target: np.ndarray, reduction: Reduction = "mean"
) -> np.ndarray:
    """``softmax(z) * sum_c y_c - y`` (= ``softmax(z) - y`` for one-hot) times the reduction factor."""
    z = as_f64(logits)
    y = _target_dist(target, z.shape[-1])
    # Keep the sum_c y_c factor so unnormalised soft targets still get the exact gradient.
    g = softmax(z) * np.sum(y, axis=-1, keepdims=True) - y
    return g * scale(reduction, _n_samples(z))


# --- Huber ----------------------------------------------------------------------------------
def huber_loss(
    pred: np.ndarray, target: np.ndarray, delta: float = 1.0, reduction: Reduction = "mean"
) -> float:
    """``0.5 r^2`` if ``|r| <= delta`` else ``delta (|r| - 0.5 delta)``, ``r = pred - target``.

    This is PyTorch's ``HuberLoss`` (for ``delta = 1`` it equals ``SmoothL1Loss``).
    """
    r = as_f64(pred) - as_f64(target)
    a = np.abs(r)
    values = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta))
    return reduce(values, reduction, r.size)


def huber_grad(
    pred: np.ndarray, target: np.ndarray, delta: float = 1.0, reduction: Reduction = "mean"
) -> np.ndarray:
    """``clip(r, -delta, delta)`` times the reduction factor."""
    r = as_f64(pred) - as_f64(target)
    return np.clip(r, -delta, delta) * scale(reduction, r.size)


#: Name -> (loss, grad) used by :mod:`verify.kernels.mlp`.
LOSSES = {
    "mse": (mse_loss, mse_grad),
    "bce": (bce_loss, bce_grad),
    "bce_logits": (bce_logits_loss, bce_logits_grad),
    "cross_entropy": (cross_entropy_loss, cross_entropy_grad),
    "cross_entropy_logits": (cross_entropy_logits_loss, cross_entropy_logits_grad),
    "huber": (huber_loss, huber_grad),
}
