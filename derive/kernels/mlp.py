"""Multi-layer perceptron built from dense layers, keeping every intermediate.

Indexing: layer ``k`` (1-based, as in most notes) computes ``z_k = a_{k-1} @ W_k.T + b_k`` and
``a_k = act_k(z_k)`` with ``a_0 = X``. In the dataclasses the lists are 0-based: ``zs[k-1]`` is
``z_k`` while ``activations[k]`` is ``a_k`` (so ``activations[0]`` is the input).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._common import Reduction, as_f64, check_reduction
from .activations import get_activation
from .dense import dense_backward, dense_forward
from .losses import (
    LOSSES,
    bce_logits_grad,
    bce_logits_loss,
    cross_entropy_logits_grad,
    cross_entropy_logits_loss,
)

Params = Sequence[tuple[np.ndarray, np.ndarray]]


@dataclass
class MLPCache:
    """Everything the forward pass computed.

    ``zs[i]`` is the pre-activation of layer ``i + 1`` (N, out_i); ``activations[i]`` is
    ``a_i`` with ``activations[0] = X`` and ``activations[-1] = output``; ``loss`` is None
    when no loss was requested.
    """

    zs: list[np.ndarray]
    activations: list[np.ndarray]
    output: np.ndarray
    loss: float | None
    activation_names: list[str]
    loss_name: str | None = None
    y: np.ndarray | None = None
    reduction: Reduction = "mean"
    loss_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class MLPGrads:
    """Gradients from :func:`mlp_backward`, one entry per layer (0-based lists).

    ``dW[i]``, ``db[i]``: gradients of layer ``i + 1``'s parameters; ``dz[i] = dL/dz_{i+1}``;
    ``da[i] = dL/da_i`` with ``da[0] = dL/dX`` and ``da[-1] = dL/d output``.
    """

    dW: list[np.ndarray]
    db: list[np.ndarray]
    dz: list[np.ndarray]
    da: list[np.ndarray]


def _names(activations: str | Sequence[str], n_layers: int) -> list[str]:
    names = [activations] * n_layers if isinstance(activations, str) else list(activations)
    if len(names) != n_layers:
        raise ValueError(f"{n_layers} layers but {len(names)} activations")
    for n in names:
        get_activation(n)
    return [n.lower() for n in names]


def _fused(last_activation: str, loss_name: str | None) -> str | None:
    """Name of the logits loss equivalent to ``activation`` followed by ``loss``, if any.

    Using it gives the same value and gradient as the unfused chain but stays finite when a
    probability saturates to 0 or 1.
    """
    if last_activation == "softmax" and loss_name == "cross_entropy":
        return "cross_entropy_logits"
    if last_activation == "sigmoid" and loss_name == "bce":
        return "bce_logits"
    return None


def mlp_forward(
    params: Params,
    X: np.ndarray,
    activations: str | Sequence[str],
    loss: str | None = None,
    y: np.ndarray | None = None,
    reduction: Reduction = "mean",
    loss_kwargs: Mapping[str, Any] | None = None,
) -> MLPCache:
    """Forward pass of a stack of dense layers.

    ``params``: sequence of ``(W_k, b_k)`` with ``W_k`` (out_k, in_k), ``b_k`` (out_k,).
    ``X``: (N, in_1). ``activations``: one name per layer (``'identity'``, ``'relu'``,
    ``'sigmoid'``, ``'tanh'``, ``'softmax'``) or a single name for all layers.
    ``loss``: optional name from :data:`verify.kernels.losses.LOSSES` (``'mse'``, ``'bce'``,
    ``'bce_logits'``, ``'cross_entropy'``, ``'cross_entropy_logits'``, ``'huber'``) applied to
    the output with targets ``y``; ``loss_kwargs`` e.g. ``{'delta': 1.0}`` for Huber.
    """
    names = _names(activations, len(params))
    kwargs = dict(loss_kwargs or {})
    check_reduction(reduction)
    a = as_f64(X)
    zs, acts = [], [a]
    for (W, b), name in zip(params, names, strict=True):
        z = dense_forward(a, W, b)
        a = get_activation(name)[0](z)
        zs.append(z)
        acts.append(a)
    value = None
    if loss is not None:
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; known: {sorted(LOSSES)}")
        if y is None:
            raise ValueError("a loss needs targets y")
        fused = _fused(names[-1], loss)
        if fused == "cross_entropy_logits":
            value = cross_entropy_logits_loss(zs[-1], y, reduction)
        elif fused == "bce_logits":
            value = bce_logits_loss(zs[-1], y, reduction)
        else:
            value = LOSSES[loss][0](a, y, reduction=reduction, **kwargs)
    return MLPCache(zs, acts, a, value, names, loss, None if y is None else np.asarray(y), reduction, kwargs)


def mlp_backward(params: Params, cache: MLPCache, dout: np.ndarray | None = None) -> MLPGrads:
    """Backward pass through the network recorded in ``cache``.

    The upstream gradient of the output is ``dout`` when given (e.g. to backprop an arbitrary
    scalar), otherwise the gradient of the loss chosen in :func:`mlp_forward`.
    """
    n = len(params)
    names = cache.activation_names
    dz_last = None
    if dout is not None:
        da = as_f64(dout)
    elif cache.loss_name is not None:
        fused = _fused(names[-1], cache.loss_name)
        if fused == "cross_entropy_logits":
            dz_last = cross_entropy_logits_grad(cache.zs[-1], cache.y, cache.reduction)
        elif fused == "bce_logits":
            dz_last = bce_logits_grad(cache.zs[-1], cache.y, cache.reduction)
        grad_fn = LOSSES[cache.loss_name][1]
        # Still reported for comparison with notes; may be inf if a fused probability saturated.
        with np.errstate(divide="ignore", invalid="ignore"):
            da = grad_fn(cache.output, cache.y, reduction=cache.reduction, **cache.loss_kwargs)
    else:
        raise ValueError("no loss recorded in the cache; pass dout")

    dWs: list[np.ndarray] = [np.empty(0)] * n
    dbs: list[np.ndarray] = [np.empty(0)] * n
    dzs: list[np.ndarray] = [np.empty(0)] * n
    das: list[np.ndarray] = [np.empty(0)] * (n + 1)
    das[n] = da
    for k in reversed(range(n)):
        if k == n - 1 and dz_last is not None:
            dz = dz_last
        else:
            dz = get_activation(names[k])[1](das[k + 1], cache.zs[k])
        dx, dW, db = dense_backward(dz, cache.activations[k], params[k][0])
        dzs[k], dWs[k], dbs[k], das[k] = dz, dW, db, dx
    return MLPGrads(dWs, dbs, dzs, das)
