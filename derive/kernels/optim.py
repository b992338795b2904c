"""Optimiser updates and L2 regularisation as pure functions.

Each ``*_step`` takes the current parameter ``w``, its gradient ``g`` and the optimiser state,
and returns new arrays ``(w_new, *state_new)`` without modifying its inputs. Apply per
parameter array. State starts at zeros (``np.zeros_like(w)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from ._common import as_f64

MomentumConvention = Literal["sum", "ema"]
L2Convention = Literal["half", "full"]


def sgd_step(w: np.ndarray, g: np.ndarray, lr: float) -> np.ndarray:
    """Plain gradient descent: ``w - lr * g``."""
    return as_f64(w) - lr * as_f64(g)


def _velocity(v: np.ndarray, g: np.ndarray, beta: float, convention: MomentumConvention) -> np.ndarray:
    if convention == "sum":
        return beta * as_f64(v) + as_f64(g)
    if convention == "ema":
        return beta * as_f64(v) + (1.0 - beta) * as_f64(g)
    raise ValueError(f"convention must be 'sum' or 'ema', got {convention!r}")


def momentum_step(
    w: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    lr: float,
    beta: float = 0.9,
    convention: MomentumConvention = "sum",
) -> tuple[np.ndarray, np.ndarray]:
    """Heavy-ball momentum; returns ``(w_new, v_new)``.

    ``convention='sum'`` (PyTorch SGD, no dampening): ``v = beta v + g``;
    ``convention='ema'`` (Andrew Ng's course): ``v = beta v + (1 - beta) g``.
    Then ``w = w - lr v`` in both.
    """
    v_new = _velocity(v, g, beta, convention)
    return as_f64(w) - lr * v_new, v_new


def nesterov_step(
    w: np.ndarray,
    g: np.ndarray,
    v: np.ndarray,
    lr: float,
    beta: float = 0.9,
    convention: MomentumConvention = "sum",
) -> tuple[np.ndarray, np.ndarray]:
    """Nesterov momentum in the "gradient at the current point" form (PyTorch ``nesterov=True``).

    ``v = beta v + g`` (or the ``'ema'`` form) and ``w = w - lr (g + beta v)`` for ``'sum'``,
    ``w = w - lr ((1 - beta) g + beta v)`` for ``'ema'``. Returns ``(w_new, v_new)``.
    For the look-ahead form see :func:`nesterov_lookahead_step`.
    """
    v_new = _velocity(v, g, beta, convention)
    g_term = as_f64(g) if convention == "sum" else (1.0 - beta) * as_f64(g)
    return as_f64(w) - lr * (g_term + beta * v_new), v_new


def nesterov_lookahead_step(
    w: np.ndarray,
    v: np.ndarray,
    grad_fn: Callable[[np.ndarray], np.ndarray],
    lr: float,
    beta: float = 0.9,
) -> tuple[np.ndarray, np.ndarray]:
    """Sutskever et al. (2013) Nesterov: gradient at the look-ahead point ``w + beta v``.

    ``v = beta v - lr grad_fn(w + beta v)``, ``w = w + v`` (velocity carries the ``-lr``).
    Returns ``(w_new, v_new)``.
    """
    w, v = as_f64(w), as_f64(v)
    v_new = beta * v - lr * as_f64(grad_fn(w + beta * v))
    return w + v_new, v_new


def adam_step(
    w: np.ndarray,
    g: np.ndarray,
    m: np.ndarray,
    v: np.ndarray,
    t: int,
    lr: float = 1e-3,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-8,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Adam with bias correction (Kingma & Ba, Algorithm 1); returns ``(w_new, m_new, v_new)``.

    ``t`` is the 1-based index of this step (first call ``t=1``). ``eps`` is added to
    ``sqrt(v_hat)``, outside the square root, as in the paper and PyTorch.
    """
    if t < 1:
        raise ValueError("Adam step counter t starts at 1")
    g = as_f64(g)
    m_new = beta1 * as_f64(m) + (1.0 - beta1) * g
    v_new = beta2 * as_f64(v) + (1.0 - beta2) * g * g
    m_hat = m_new / (1.0 - beta1**t)
    v_hat = v_new / (1.0 - beta2**t)
    return as_f64(w) - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def _l2_factor(convention: L2Convention) -> float:
    if convention == "half":
        return 0.5
    if convention == "full":
        return 1.0
    raise ValueError(f"convention must be 'half' or 'full', got {convention!r}")


def l2_penalty(w: np.ndarray, lam: float, convention: L2Convention = "half") -> float:
    """``lam/2 ||w||^2`` (``'half'``) or ``lam ||w||^2`` (``'full'``), ``||.||`` the Frobenius norm."""
    w = as_f64(w)
    return _l2_factor(convention) * lam * float(np.sum(w * w))


def l2_grad(w: np.ndarray, lam: float, convention: L2Convention = "half") -> np.ndarray:
    """Gradient of :func:`l2_penalty`: ``lam w`` (``'half'``) or ``2 lam w`` (``'full'``)."""
    return 2.0 * _l2_factor(convention) * lam * as_f64(w)
