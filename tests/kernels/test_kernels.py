"""Tests for verify.kernels: finite-difference gradient checks plus small hand-computed cases."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

# The project is not installed into the venv; make ``verify`` importable from any cwd.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import derive.kernels as K  # noqa: E402

TOL = 1e-6
STEP = 1e-6


# --- shared numeric-gradient helpers -------------------------------------------------------
def numeric_grad(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = STEP) -> np.ndarray:
    """Central differences of the scalar ``f`` at ``x``, one coordinate at a time."""
    x = np.array(x, dtype=np.float64)
    grad = np.empty_like(x)
    for i in range(x.size):
        orig = x.flat[i]
        x.flat[i] = orig + h
        f_plus = f(x)
        x.flat[i] = orig - h
        f_minus = f(x)
        x.flat[i] = orig
        grad.flat[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """Norm-wise relative error, robust to individual entries being ~0."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    denom = max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)
    return float(np.linalg.norm(a - b) / denom)


def assert_grad(analytic: np.ndarray, f: Callable[[np.ndarray], float], x: np.ndarray) -> None:
    numeric = numeric_grad(f, x)
    assert analytic.shape == numeric.shape
    err = rel_error(analytic, numeric)
    assert err < TOL, f"relative error {err:.3e}"


def project(out: np.ndarray, weights: np.ndarray) -> float:
    """Scalarise a tensor output with fixed random weights, so dL/dout = weights."""
    return float(np.sum(out * weights))


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


def away_from_zero(rng: np.random.Generator, shape: tuple[int, ...], low: float = 0.1) -> np.ndarray:
    """Random values with |v| >= low, so kinks (ReLU, Huber) are not straddled by the FD step."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, 2.0, size=shape)


# --- dense ---------------------------------------------------------------------------------
def test_dense_gradients(rng):
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)
    G = rng.normal(size=(4, 5))
    dx, dW, db = K.dense_backward(G, x, W)
    assert_grad(dx, lambda v: project(K.dense_forward(v, W, b), G), x)
    assert_grad(dW, lambda v: project(K.dense_forward(x, v, b), G), W)
    assert_grad(db, lambda v: project(K.dense_forward(x, W, v), G), b)


def test_dense_hand_case_and_single_vector():
    W = np.array([[1.0, 2.0], [3.0, -1.0]])
    b = np.array([0.5, -0.5])
    x = np.array([1.0, 1.0])
    np.testing.assert_allclose(K.dense_forward(x, W, b), [3.5, 1.5])
    dx, dW, db = K.dense_backward(np.array([1.0, 2.0]), x, W)
    np.testing.assert_allclose(dx, [7.0, 0.0])
    np.testing.assert_allclose(dW, [[1.0, 1.0], [2.0, 2.0]])
    np.testing.assert_allclose(db, [1.0, 2.0])


# --- activations ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fwd, bwd",
    [
        (K.identity, K.identity_backward),
        (K.relu, K.relu_backward),
        (K.sigmoid, K.sigmoid_backward),
        (K.tanh, K.tanh_backward),
        (K.softmax, K.softmax_backward),
    ],
    ids=["identity", "relu", "sigmoid", "tanh", "softmax"],
)
def test_activation_backward(rng, fwd, bwd):
    z = away_from_zero(rng, (3, 4))
    G = rng.normal(size=z.shape)
    assert_grad(bwd(G, z), lambda v: project(fwd(v), G), z)


@pytest.mark.parametrize(
    "fwd, deriv",
    [(K.relu, K.relu_derivative), (K.sigmoid, K.sigmoid_derivative), (K.tanh, K.tanh_derivative)],
    ids=["relu", "sigmoid", "tanh"],
)
def test_elementwise_derivative(rng, fwd, deriv):
    z = away_from_zero(rng, (6,))
    assert_grad(deriv(z), lambda v: float(np.sum(fwd(v))), z)


def test_softmax_jacobian(rng):
    z = rng.normal(size=5)
    J = K.softmax_jacobian(z)
    numeric = np.stack([numeric_grad(lambda v, i=i: float(K.softmax(v)[i]), z) for i in range(5)])
    assert rel_error(J, numeric) < TOL
    g = rng.normal(size=5)
    np.testing.assert_allclose(K.softmax_backward(g, z), g @ J, atol=1e-14)
    with pytest.raises(ValueError):
        K.softmax_jacobian(np.zeros((2, 2)))


def test_activation_hand_cases():
    assert K.sigmoid(np.array(0.0)) == 0.5
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        np.testing.assert_array_equal(K.sigmoid(np.array([-1000.0, 1000.0])), [0.0, 1.0])
        big = K.softmax(np.array([1000.0, 1000.0, 1000.0]))
    np.testing.assert_allclose(K.softmax(np.zeros((2, 4))), np.full((2, 4), 0.25))
    np.testing.assert_allclose(big, np.full(3, 1 / 3))
    np.testing.assert_allclose(K.softmax(np.array([1.0, 2.0])), K.softmax(np.array([101.0, 102.0])))
    np.testing.assert_array_equal(K.relu_derivative(np.array([-1.0, 0.0, 2.0])), [0.0, 0.0, 1.0])
    assert K.sigmoid_derivative(np.array(0.0)) == 0.25
    assert K.tanh_derivative(np.array(0.0)) == 1.0


# --- losses --------------------------------------------------------------------------------
def _loss_cases(rng):
    n, c = 4, 3
    pred = rng.normal(size=(n, c))
    probs = rng.uniform(0.05, 0.95, size=(n, c))
    labels = rng.integers(0, c, size=n)
    soft = rng.dirichlet(np.ones(c), size=n)
    yield "mse", K.mse_loss, K.mse_grad, pred, rng.normal(size=(n, c)), {}
    yield "bce", K.bce_loss, K.bce_grad, probs, rng.integers(0, 2, size=(n, c)).astype(float), {}
    yield "bce_logits", K.bce_logits_loss, K.bce_logits_grad, pred, rng.uniform(size=(n, c)), {}
    yield "ce_onehot", K.cross_entropy_loss, K.cross_entropy_grad, probs, K.one_hot(labels, c), {}
    yield "ce_int", K.cross_entropy_loss, K.cross_entropy_grad, probs, labels, {}
    yield "ce_logits_int", K.cross_entropy_logits_loss, K.cross_entropy_logits_grad, pred, labels, {}
    yield "ce_logits_soft", K.cross_entropy_logits_loss, K.cross_entropy_logits_grad, pred, soft, {}
    target = rng.normal(size=(n, c))
    huber_pred = target + away_from_zero(rng, (n, c), low=0.05) * 1.5
    # Keep residuals clear of |r| = delta, where the second derivative jumps.
    r = huber_pred - target
    huber_pred = np.where(np.abs(np.abs(r) - 0.8) < 0.05, target + 0.3, huber_pred)
    yield "huber", K.huber_loss, K.huber_grad, huber_pred, target, {"delta": 0.8}


LOSS_CASES = ["mse", "bce", "bce_logits", "ce_onehot", "ce_int", "ce_logits_int", "ce_logits_soft", "huber"]


@pytest.mark.parametrize("case", LOSS_CASES)
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_loss_gradients(rng, case, reduction):
    _, loss, grad, pred, target, kw = {c[0]: c for c in _loss_cases(rng)}[case]
    analytic = grad(pred, target, reduction=reduction, **kw)
    assert_grad(analytic, lambda v: loss(v, target, reduction=reduction, **kw), pred)


def test_loss_hand_cases():
    assert K.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0])) == 5.0
    assert K.mse_loss(np.array([1.0, 3.0]), np.array([0.0, 0.0]), reduction="sum") == 10.0
    np.testing.assert_allclose(K.bce_loss(np.array([0.5]), np.array([1.0])), np.log(2))
    # log(1 + e^1000) must not overflow.
    assert K.bce_logits_loss(np.array([1000.0, -1000.0]), np.array([0.0, 1.0]), reduction="sum") == 2000.0
    z = np.array([[2.0, 1.0, 0.1]])
    np.testing.assert_allclose(
        K.cross_entropy_logits_loss(z, np.array([0])), K.cross_entropy_loss(K.softmax(z), np.array([0]))
    )
    np.testing.assert_allclose(K.cross_entropy_loss(np.array([[0.25, 0.75]]), np.array([1])), -np.log(0.75))
    # A zero probability on a class with zero target weight contributes nothing.
    assert K.cross_entropy_loss(np.array([[0.0, 1.0]]), np.array([1])) == 0.0
    r = np.array([0.5, -3.0])
    np.testing.assert_allclose(K.huber_loss(r, np.zeros(2), delta=1.0, reduction="sum"), 0.125 + 2.5)
    np.testing.assert_allclose(K.huber_grad(r, np.zeros(2), delta=1.0, reduction="sum"), [0.5, -1.0])
    with pytest.raises(ValueError):
        K.mse_loss(r, r, reduction="batchmean")


# --- MLP -----------------------------------------------------------------------------------
def _make_params(rng, sizes):
    return [(rng.normal(size=(o, i)) / np.sqrt(i), rng.normal(size=o) * 0.1) for i, o in zip(sizes[:-1], sizes[1:], strict=True)]


MLP_CASES = [
    (["tanh", "relu", "softmax"], "cross_entropy", "labels"),
    (["sigmoid", "identity"], "cross_entropy_logits", "labels"),
    (["relu", "sigmoid"], "bce", "binary"),
    (["tanh", "identity"], "bce_logits", "binary"),
    (["tanh", "identity"], "mse", "real"),
    (["sigmoid", "tanh", "identity"], "huber", "real"),
]


@pytest.mark.parametrize("names, loss, kind", MLP_CASES, ids=[c[1] for c in MLP_CASES])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
def test_mlp_gradients(rng, names, loss, kind, reduction):
    sizes = [3] + [4] * (len(names) - 1) + [3]
    params = _make_params(rng, sizes)
    X = rng.normal(size=(5, 3))
    y = {
        "labels": rng.integers(0, 3, size=5),
        "binary": rng.integers(0, 2, size=(5, 3)).astype(float),
        "real": rng.normal(size=(5, 3)),
    }[kind]
    kw = {"delta": 0.5} if loss == "huber" else None

    def loss_of(ps, X=X):
        return K.mlp_forward(ps, X, names, loss=loss, y=y, reduction=reduction, loss_kwargs=kw).loss

    cache = K.mlp_forward(params, X, names, loss=loss, y=y, reduction=reduction, loss_kwargs=kw)
    grads = K.mlp_backward(params, cache)
    for k, (W, b) in enumerate(params):
        def with_W(v, k=k, b=b):
            return loss_of([*params[:k], (v, b), *params[k + 1:]])

        def with_b(v, k=k, W=W):
            return loss_of([*params[:k], (W, v), *params[k + 1:]])

        assert_grad(grads.dW[k], with_W, W)
        assert_grad(grads.db[k], with_b, b)
    assert_grad(grads.da[0], lambda v: loss_of(params, X=v), X)


def test_mlp_intermediates_and_dout(rng):
    params = [(np.array([[2.0, -1.0]]), np.array([1.0]))]
    cache = K.mlp_forward(params, np.array([[3.0, 1.0]]), ["relu"], loss="mse", y=np.array([[4.0]]))
    np.testing.assert_allclose(cache.zs[0], [[6.0]])
    assert cache.loss == 4.0
    grads = K.mlp_backward(params, cache)
    np.testing.assert_allclose(grads.dW[0], [[12.0, 4.0]])
    np.testing.assert_allclose(grads.db[0], [4.0])
    # Explicit upstream gradient, no loss.
    params = _make_params(rng, [3, 4, 2])
    X = rng.normal(size=(2, 3))
    G = rng.normal(size=(2, 2))
    nc = K.mlp_forward(params, X, "tanh")
    assert nc.loss is None and len(nc.activations) == 3
    g = K.mlp_backward(params, nc, dout=G)
    assert_grad(g.da[0], lambda v: project(K.mlp_forward(params, v, "tanh").output, G), X)
    with pytest.raises(ValueError):
        K.mlp_backward(params, nc)


def test_mlp_fused_matches_unfused_and_stays_finite(rng):
    params = _make_params(rng, [3, 4])
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 4, size=5)
    fused = K.mlp_forward(params, X, ["softmax"], loss="cross_entropy", y=y)
    plain = K.mlp_forward(params, X, ["identity"], loss="cross_entropy_logits", y=y)
    assert np.isclose(fused.loss, plain.loss)
    np.testing.assert_allclose(K.mlp_backward(params, fused).dW[0], K.mlp_backward(params, plain).dW[0])
    huge = [(np.array([[1000.0], [-1000.0]]), np.zeros(2))]
    c = K.mlp_forward(huge, np.array([[1.0]]), ["softmax"], loss="cross_entropy", y=np.array([1]))
    assert c.loss == 2000.0
    assert np.all(np.isfinite(K.mlp_backward(huge, c).dW[0]))


# --- optimisers and L2 ---------------------------------------------------------------------
def test_momentum_conventions_differ_by_one_minus_beta(rng):
    beta = 0.9
    w = rng.normal(size=3)
    v_sum = v_ema = np.zeros(3)
    for _ in range(4):
        g = rng.normal(size=3)
        _, v_sum = K.momentum_step(w, g, v_sum, lr=0.1, beta=beta, convention="sum")
        _, v_ema = K.momentum_step(w, g, v_ema, lr=0.1, beta=beta, convention="ema")
        np.testing.assert_allclose(v_ema, (1 - beta) * v_sum, rtol=1e-14)
    w1, v1 = K.momentum_step(np.array([1.0]), np.array([2.0]), np.array([1.0]), lr=0.1, beta=0.5)
    np.testing.assert_allclose([w1[0], v1[0]], [0.75, 2.5])
    with pytest.raises(ValueError):
        K.momentum_step(w, w, w, lr=0.1, convention="dampened")


def test_sgd_nesterov_adam_hand_cases():
    np.testing.assert_allclose(K.sgd_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), lr=0.1), [0.95, 2.1])
    w, v = K.nesterov_step(np.array([1.0]), np.array([2.0]), np.array([1.0]), lr=0.1, beta=0.5)
    # v = 0.5*1 + 2 = 2.5; w = 1 - 0.1*(2 + 0.5*2.5) = 0.675
    np.testing.assert_allclose([w[0], v[0]], [0.675, 2.5])
    # Look-ahead form on f(w) = w^2: grad at 1 + 0.5*1 = 1.5 is 3.
    w, v = K.nesterov_lookahead_step(np.array([1.0]), np.array([1.0]), lambda p: 2 * p, lr=0.1, beta=0.5)
    np.testing.assert_allclose([w[0], v[0]], [1.2, 0.2])
    # First Adam step moves every coordinate by ~lr against the gradient sign.
    g = np.array([0.3, -20.0])
    w, m, s = K.adam_step(np.zeros(2), g, np.zeros(2), np.zeros(2), t=1, lr=0.01)
    np.testing.assert_allclose(w, [-0.01, 0.01], rtol=1e-6)
    np.testing.assert_allclose(m, 0.1 * g)
    np.testing.assert_allclose(s, 0.001 * g * g)
    # Second step with the same gradient: bias corrections still give m_hat = g, v_hat = g^2.
    w2, _, _ = K.adam_step(w, g, m, s, t=2, lr=0.01)
    np.testing.assert_allclose(w2, [-0.02, 0.02], rtol=1e-6)
    with pytest.raises(ValueError):
        K.adam_step(w, g, m, s, t=0)


@pytest.mark.parametrize("convention, factor", [("half", 0.5), ("full", 1.0)])
def test_l2(rng, convention, factor):
    w = rng.normal(size=(3, 2))
    assert np.isclose(K.l2_penalty(w, 0.3, convention), factor * 0.3 * np.sum(w**2))
    assert_grad(K.l2_grad(w, 0.3, convention), lambda v: K.l2_penalty(v, 0.3, convention), w)
    np.testing.assert_allclose(K.l2_grad(np.array([2.0]), 0.5, "half"), [1.0])
    np.testing.assert_allclose(K.l2_grad(np.array([2.0]), 0.5, "full"), [2.0])


# --- batch norm ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "shape, axis, pshape", [((5, 3), 0, (3,)), ((3, 2, 2, 2), (0, 2, 3), (1, 2, 1, 1))], ids=["2d", "4d"]
)
def test_batchnorm_gradients(rng, shape, axis, pshape):
    x = rng.normal(size=shape) * 2 + 1
    gamma, beta = rng.normal(size=pshape), rng.normal(size=pshape)
    G = rng.normal(size=shape)
    _, cache = K.batchnorm_forward(x, gamma, beta, axis=axis)
    dx, dgamma, dbeta = K.batchnorm_backward(G, cache)
    assert_grad(dx, lambda v: project(K.batchnorm_forward(v, gamma, beta, axis=axis)[0], G), x)
    assert_grad(dgamma, lambda v: project(K.batchnorm_forward(x, v, beta, axis=axis)[0], G), gamma)
    assert_grad(dbeta, lambda v: project(K.batchnorm_forward(x, gamma, v, axis=axis)[0], G), beta)


def test_batchnorm_hand_case():
    x = np.array([[1.0], [3.0]])
    y, cache = K.batchnorm_forward(x, np.ones(1), np.zeros(1), eps=0.0)
    np.testing.assert_allclose(y, [[-1.0], [1.0]])
    assert cache.var[0, 0] == 1.0  # biased: ((1-2)^2 + (3-2)^2) / 2


# --- dropout -------------------------------------------------------------------------------
@pytest.mark.parametrize("inverted", [True, False])
def test_dropout(rng, inverted):
    x = rng.normal(size=(4, 5))
    mask = (rng.uniform(size=x.shape) < 0.6).astype(float)
    G = rng.normal(size=x.shape)
    dx = K.dropout_backward(G, mask, 0.6, inverted)
    assert_grad(dx, lambda v: project(K.dropout_forward(v, mask, 0.6, inverted), G), x)


def test_inverted_dropout_scales_by_one_over_keep():
    x = np.array([2.0, 4.0, 6.0])
    mask = np.array([1.0, 0.0, 1.0])
    np.testing.assert_allclose(K.dropout_forward(x, mask, 0.8, inverted=True), [2.5, 0.0, 7.5])
    np.testing.assert_allclose(K.dropout_forward(x, mask, 0.8, inverted=False), [2.0, 0.0, 6.0])


# --- RNN and LSTM --------------------------------------------------------------------------
def test_rnn_bptt(rng):
    N, T, D, H = 2, 4, 3, 3
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    W_xh, W_hh, b = rng.normal(size=(H, D)) * 0.5, rng.normal(size=(H, H)) * 0.5, rng.normal(size=H)
    G = rng.normal(size=(N, T, H))
    args = {"x": x, "h0": h0, "W_xh": W_xh, "W_hh": W_hh, "b": b}
    _, cache = K.rnn_forward(**args)
    grads = K.rnn_backward(G, cache)
    for name, grad in zip(args, grads, strict=True):
        assert_grad(grad, lambda v, name=name: project(K.rnn_forward(**{**args, name: v})[0], G), args[name])


def test_rnn_single_step_matches_formula(rng):
    x, h0 = rng.normal(size=(1, 1, 2)), rng.normal(size=(1, 3))
    W_xh, W_hh, b = rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=3)
    h, cache = K.rnn_forward(x, h0, W_xh, W_hh, b)
    np.testing.assert_allclose(h[0, 0], np.tanh(W_xh @ x[0, 0] + W_hh @ h0[0] + b))
    np.testing.assert_array_equal(cache.hs[:, 0], h0)


@pytest.mark.parametrize("gate_order", ["ifgo", "ifog"])
def test_lstm_cell_gradients(rng, gate_order):
    N, D, H = 2, 3, 2
    args = {
        "x": rng.normal(size=(N, D)),
        "h_prev": rng.normal(size=(N, H)),
        "c_prev": rng.normal(size=(N, H)),
        "W": rng.normal(size=(4 * H, D)),
        "U": rng.normal(size=(4 * H, H)),
        "b": rng.normal(size=4 * H),
    }
    Gh, Gc = rng.normal(size=(N, H)), rng.normal(size=(N, H))

    def scalar(name, v):
        h, c, _ = K.lstm_cell_forward(**{**args, name: v}, gate_order=gate_order)
        return project(h, Gh) + project(c, Gc)

    *_, cache = K.lstm_cell_forward(**args, gate_order=gate_order)
    grads = K.lstm_cell_backward(Gh, Gc, cache)
    for name, grad in zip(args, grads, strict=True):
        assert_grad(grad, lambda v, name=name: scalar(name, v), args[name])


def test_lstm_gate_order_is_a_relabelling(rng):
    H = 2
    x, h, c = rng.normal(size=(1, 3)), rng.normal(size=(1, H)), rng.normal(size=(1, H))
    W, U, b = rng.normal(size=(4 * H, 3)), rng.normal(size=(4 * H, H)), rng.normal(size=4 * H)
    # Reorder blocks from i,f,g,o to i,f,o,g and the results must not change.
    perm = np.concatenate([np.arange(H) + k * H for k in (0, 1, 3, 2)])
    h1, c1, _ = K.lstm_cell_forward(x, h, c, W, U, b, "ifgo")
    h2, c2, _ = K.lstm_cell_forward(x, h, c, W[perm], U[perm], b[perm], "ifog")
    np.testing.assert_allclose(h1, h2)
    np.testing.assert_allclose(c1, c2)
    # With zero weights every sigmoid gate is 0.5 and g = 0: c = 0.5 c_prev.
    z = np.zeros
    _, c0, _ = K.lstm_cell_forward(x, h, c, z((4 * H, 3)), z((4 * H, H)), z(4 * H))
    np.testing.assert_allclose(c0, 0.5 * c)
    with pytest.raises(ValueError):
        K.lstm_cell_forward(x, h, c, W, U, b, "iffo")


# --- attention -----------------------------------------------------------------------------
@pytest.mark.parametrize("masked", [False, True], ids=["plain", "causal"])
def test_attention_gradients(rng, masked):
    B, L, d, dv = 2, 4, 3, 2
    args = {"Q": rng.normal(size=(B, L, d)), "K": rng.normal(size=(B, L, d)), "V": rng.normal(size=(B, L, dv))}
    mask = np.tril(np.ones((L, L), dtype=bool)) if masked else None
    G = rng.normal(size=(B, L, dv))
    _, cache = K.attention_forward(**args, mask=mask)
    grads = K.attention_backward(G, cache)
    for name, grad in zip(args, grads, strict=True):
        assert_grad(
            grad, lambda v, name=name: project(K.attention_forward(**{**args, name: v}, mask=mask)[0], G), args[name]
        )


def test_attention_hand_cases(rng):
    Q, Kt, V = rng.normal(size=(3, 2)), rng.normal(size=(3, 2)), rng.normal(size=(3, 4))
    out, cache = K.attention_forward(Q, Kt, V, mask=np.tril(np.ones((3, 3), dtype=bool)))
    np.testing.assert_allclose(out[0], V[0])  # the first query may only see the first key
    assert np.all(cache.weights[np.triu_indices(3, 1)] == 0.0)
    np.testing.assert_allclose(cache.weights.sum(axis=-1), np.ones(3))
    # Identical keys give uniform weights, so every output is the mean of V.
    out, _ = K.attention_forward(Q, np.ones((3, 2)), V)
    np.testing.assert_allclose(out, np.tile(V.mean(axis=0), (3, 1)))
    _, cache = K.attention_forward(np.array([[1.0, 1.0]]), np.array([[2.0, 0.0]]), np.ones((1, 1)))
    np.testing.assert_allclose(cache.scores, [[2.0 / np.sqrt(2.0)]])
