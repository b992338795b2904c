"""Numeric kernel pipelines for the recipe language: `mlp(...).z1`, `sgd(w, g, lr)`, `rnn(...).h2`, ...

Each operation takes SymPy numbers / matrices (from `given:`), converts them to float64 NumPy arrays,
runs the tested kernels of `derive.kernels`, and returns SymPy Floats (a number, a matrix, or a
`KernelRecord` whose intermediates are picked with `.name`). Registered into
`RecipeInterpreter.ops` by `register_kernel_ops`.

Conventions (as in most notes): weights are (out, in); biases are vectors with one entry per unit;
a data matrix `X` has one row per sample (for `rnn`, one row per time step); a single sample may be
given as a column. Per-sample intermediates come back with one row per sample, or as a column
vector when there is only one sample. Shapes that do not fit raise `ShapeMismatch` (-> ill-posed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import sympy as sp

from derive import kernels as K
from derive.recipes.errors import DerivationFailed, RecipeError, ShapeMismatch
from derive.recipes.tensors import TENSOR_OPS  # norm, dot, softmax, ... by their definitions
from derive.spec.declarations import IllPosedValue


class KernelRecord:
    """Result of a pipeline: every intermediate by name; `.name` in a recipe picks one."""

    recipe_record = True

    def __init__(self, op: str, fields: dict[str, Any]) -> None:
        self.op, self.fields = op, fields

    def component(self, name: str) -> Any:
        if name not in self.fields:
            raise RecipeError(f"{self.op} has no .{name} (known: {', '.join(sorted(self.fields))})")
        return self.fields[name]


# ------------------------------------------------------------------ conversion
def _shape(a: np.ndarray) -> str:
    return "×".join(str(d) for d in a.shape) if a.ndim else "scalar"


def to_array(value: Any, what: str) -> np.ndarray:
    if isinstance(value, IllPosedValue):
        raise ShapeMismatch(f"{what} ({value.name}) is malformed: {value.problem}")
    try:
        if isinstance(value, sp.MatrixBase):
            return np.array([[float(x) for x in row] for row in value.tolist()], dtype=np.float64)
        if isinstance(value, (list, tuple)):
            return np.array([float(x) for x in value], dtype=np.float64)
        return np.array(float(value), dtype=np.float64)
    except (TypeError, ValueError):
        raise DerivationFailed(f"{what} is not numeric: {value}") from None


def to_float(value: Any, what: str) -> float:
    a = to_array(value, what)
    if a.size != 1:
        raise ShapeMismatch(f"{what} must be a number, got shape {_shape(a)}")
    return float(a.reshape(-1)[0])


def vector(value: Any, what: str) -> np.ndarray:
    a = to_array(value, what)
    if a.ndim == 2 and 1 not in a.shape:
        raise ShapeMismatch(f"{what} must be a vector, got shape {_shape(a)}")
    return a.reshape(-1)


def matrix(value: Any, what: str) -> np.ndarray:
    a = to_array(value, what)
    return a.reshape(1, 1) if a.ndim == 0 else a if a.ndim == 2 else a.reshape(-1, 1)


def to_sympy(a: Any) -> Any:
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0 or a.size == 1 and a.ndim == 1:
        return sp.Float(float(a.reshape(-1)[0]), 17)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    return sp.ImmutableMatrix([[sp.Float(float(x), 17) for x in row] for row in a])


def per_sample(a: np.ndarray) -> Any:
    """(N, units) -> a column when N == 1, else one row per sample."""
    return to_sympy(a[0] if a.shape[0] == 1 else a)


def _name(value: Any, what: str) -> str:
    if isinstance(value, sp.Symbol):
        return value.name
    if isinstance(value, str):
        return value
    raise RecipeError(f"{what} must be a name like relu, got {value}")


# ------------------------------------------------------------------ pipelines
def _samples(X: Any, d_in: int, what: str = "X") -> np.ndarray:
    a = matrix(X, what)
    if a.shape[1] == d_in:
        return a
    if a.shape[1] == 1 and a.shape[0] == d_in:  # one sample written as a column
        return a.T
    raise ShapeMismatch(f"{what} has shape {_shape(a)} but the first layer takes {d_in} inputs")


def op_mlp(*args: Any, act: Any = "relu", out: Any = "sigmoid", loss: Any = None, y: Any = None,
           reduction: Any = "mean") -> KernelRecord:
    """`mlp(W1, b1, W2, b2, ..., X, act=relu, out=sigmoid, loss=bce, y=Y)`."""
    if len(args) < 3 or len(args) % 2 == 0:
        raise RecipeError("mlp takes W1, b1, ..., WL, bL and then the data X")
    params = []
    for k in range(len(args) // 2):
        W = matrix(args[2 * k], f"W{k + 1}")
        b = vector(args[2 * k + 1], f"b{k + 1}")
        if b.size != W.shape[0]:
            raise ShapeMismatch(f"bias b{k + 1} has {b.size} entries but layer {k + 1} has {W.shape[0]} units "
                                f"(W{k + 1} is {_shape(W)})")
        if params and W.shape[1] != params[-1][0].shape[0]:
            raise ShapeMismatch(f"W{k + 1} is {_shape(W)} but layer {k} has {params[-1][0].shape[0]} units")
        params.append((W, b))
    X = _samples(args[-1], params[0][0].shape[1])
    n = len(params)
    names = [_name(act, "act")] * (n - 1) + [_name(out, "out")]
    loss_name = None if loss is None else _name(loss, "loss")
    Y = None
    if loss_name is not None:
        if y is None:
            raise RecipeError("mlp: a loss needs y=")
        Y = vector(y, "y").reshape(X.shape[0], -1)
    red = _name(reduction, "reduction")
    cache = K.mlp_forward(params, X, names, loss=loss_name, y=Y, reduction=red)
    fields: dict[str, Any] = {"yhat": per_sample(cache.output), "output": per_sample(cache.output)}
    for k in range(1, n + 1):
        fields[f"z{k}"] = per_sample(cache.zs[k - 1])
        fields[f"a{k}"] = fields[f"h{k}"] = per_sample(cache.activations[k])
    if loss_name is not None:
        fields["loss"] = sp.Float(cache.loss, 17)
        fields["losses"] = to_sympy([K.mlp_forward(params, X[i:i + 1], names, loss=loss_name, y=Y[i:i + 1]).loss
                                     for i in range(X.shape[0])])
        grads = K.mlp_backward(params, cache)
        for k in range(1, n + 1):
            fields[f"dW{k}"] = to_sympy(grads.dW[k - 1])
            fields[f"db{k}"] = to_sympy(grads.db[k - 1])
            fields[f"delta{k}"] = per_sample(grads.dz[k - 1])
    return KernelRecord("mlp", fields)


def op_rnn(Wxh: Any, Whh: Any, bh: Any, X: Any, h0: Any = None, Why: Any = None, by: Any = 0,
           y: Any = None, out: Any = "sigmoid", loss: Any = "bce") -> KernelRecord:
    """`rnn(Wxh, Whh, bh, X, Why=, by=, y=)`: tanh RNN over the rows of X (time steps).

    Fields: z1.. h1.. (pre-activations / hidden states), with `Why`: yhat1.., and with `y`: loss
    (at the last step only), dy (output delta), delta1.. (dL/dz_t), dWhh, dWxh, dbh, dWhy.
    """
    W_xh, W_hh, b = matrix(Wxh, "Wxh"), matrix(Whh, "Whh"), vector(bh, "bh")
    H = W_hh.shape[0]
    if W_hh.shape != (H, H):
        raise ShapeMismatch(f"Whh must be square, got {_shape(W_hh)}")
    if W_xh.shape[0] != H:
        raise ShapeMismatch(f"Wxh is {_shape(W_xh)} but Whh has {H} hidden units")
    if b.size != H:
        raise ShapeMismatch(f"bias bh has {b.size} entries but the hidden layer has {H} units (Whh is {_shape(W_hh)})")
    x = _samples(X, W_xh.shape[1], "X")
    T = x.shape[0]
    h_init = np.zeros(H) if h0 is None else vector(h0, "h0")
    if h_init.size != H:
        raise ShapeMismatch(f"h0 has {h_init.size} entries but the hidden layer has {H} units")
    hs, cache = K.rnn_forward(x[None], h_init[None], W_xh, W_hh, b)
    fields: dict[str, Any] = {}
    for t in range(T):
        fields[f"z{t + 1}"] = to_sympy(cache.zs[0, t])
        fields[f"h{t + 1}"] = to_sympy(hs[0, t])
    if Why is None:
        return KernelRecord("rnn", fields)
    W_hy = matrix(Why, "Why")
    if W_hy.shape[1] != H and W_hy.shape[0] == H and W_hy.shape[1] == 1:
        W_hy = W_hy.T
    if W_hy.shape[1] != H:
        raise ShapeMismatch(f"Why is {_shape(W_hy)} but the hidden layer has {H} units")
    b_y = vector(by, "by") if not isinstance(by, (int, float)) else np.array([float(by)])
    act = K.get_activation(_name(out, "out"))[0]
    yhat = act(hs[0] @ W_hy.T + b_y)                       # (T, out)
    for t in range(T):
        fields[f"yhat{t + 1}"] = to_sympy(yhat[t])
    if y is None:
        return KernelRecord("rnn", fields)
    target = vector(y, "y")
    loss_name = _name(loss, "loss")
    if loss_name != "bce" or _name(out, "out") != "sigmoid":
        raise RecipeError("rnn supports out=sigmoid with loss=bce")
    fields["loss"] = sp.Float(K.bce_loss(yhat[-1], target), 17)
    dy = yhat[-1] - target                                 # sigmoid + BCE at the last step
    fields["dy"] = to_sympy(dy)
    dh = np.zeros((1, T, H))
    dh[0, -1] = W_hy.T @ dy
    grads = K.rnn_backward(dh, cache)
    carry = np.zeros(H)
    for t in reversed(range(T)):                           # the kernel keeps dL/dz_t internal
        dz = (dh[0, t] + carry) * (1.0 - hs[0, t] ** 2)
        fields[f"delta{t + 1}"] = to_sympy(dz)
        carry = W_hh.T @ dz
    fields.update(dWhh=to_sympy(grads.dW_hh), dWxh=to_sympy(grads.dW_xh), dbh=to_sympy(grads.db),
                  dWhy=to_sympy(np.outer(dy, hs[0, -1])))
    return KernelRecord("rnn", fields)


def _same_shape(w: np.ndarray, g: np.ndarray, what: str) -> None:
    if w.size != g.size:
        raise ShapeMismatch(f"{what}: parameter has shape {_shape(w)} but gradient {_shape(g)}")


def op_sgd(w: Any, g: Any, lr: Any) -> Any:
    W, G = matrix(w, "w"), matrix(g, "g")
    _same_shape(W, G, "sgd")
    return to_sympy(K.sgd_step(W, G.reshape(W.shape), to_float(lr, "lr")))


def op_momentum(w: Any, g: Any, v: Any = None, lr: Any = 0.01, beta: Any = 0.9,
                convention: Any = "sum") -> KernelRecord:
    """Heavy-ball step; `.w` new parameters, `.v` new velocity (`convention=sum|ema`)."""
    W, G = matrix(w, "w"), matrix(g, "g")
    _same_shape(W, G, "momentum")
    V = np.zeros_like(W) if v is None else matrix(v, "v")
    _same_shape(W, V, "momentum velocity")
    w_new, v_new = K.momentum_step(W, G.reshape(W.shape), V.reshape(W.shape), to_float(lr, "lr"),
                                   to_float(beta, "beta"), _name(convention, "convention"))
    return KernelRecord("momentum", {"w": to_sympy(w_new), "v": to_sympy(v_new)})


def op_adam(w: Any, g: Any, m: Any = None, v: Any = None, t: Any = 1, lr: Any = 1e-3, beta1: Any = 0.9,
            beta2: Any = 0.999, eps: Any = 1e-8) -> KernelRecord:
    """Adam step number `t` (1-based) from the moments `m`, `v` (zeros when left out): `.w`, `.m`, `.v` new."""
    W, G = matrix(w, "w"), matrix(g, "g")
    _same_shape(W, G, "adam")
    M = np.zeros_like(W) if m is None else matrix(m, "m")
    V = np.zeros_like(W) if v is None else matrix(v, "v")
    _same_shape(W, M, "adam first moment")
    _same_shape(W, V, "adam second moment")
    step = to_float(t, "t")
    if step != int(step) or step < 1:
        raise RecipeError(f"adam: the step number t counts from 1, got {t}")
    w_new, m_new, v_new = K.adam_step(W, G.reshape(W.shape), M.reshape(W.shape), V.reshape(W.shape), int(step),
                                      to_float(lr, "lr"), to_float(beta1, "beta1"), to_float(beta2, "beta2"),
                                      to_float(eps, "eps"))
    shape = to_array(w, "w").shape   # a number stays a number
    return KernelRecord("adam", {k: to_sympy(a.reshape(shape)) for k, a in (("w", w_new), ("m", m_new), ("v", v_new))})


def op_l2_penalty(*ws: Any, lam: Any = 1, convention: Any = "full") -> Any:
    """`lam * sum ||W||_F^2` over the given weights (`convention=half` for lam/2)."""
    return sp.Float(sum(K.l2_penalty(matrix(w, "w"), to_float(lam, "lam"), _name(convention, "convention"))
                        for w in ws), 17)


def op_batchnorm(z: Any, gamma: Any = 1, beta: Any = 0, eps: Any = 1e-5) -> KernelRecord:
    """Training-mode batch norm over the rows of `z` (a vector = one neuron over the batch).

    Fields: mean, var (biased), std (sqrt(var + eps)), zhat, y.
    """
    Z = matrix(z, "z")
    if Z.shape[1] != 1 and Z.shape[0] == 1:
        Z = Z.T
    D = Z.shape[1]
    g = np.broadcast_to(to_array(gamma, "gamma").reshape(-1), (D,))
    b = np.broadcast_to(to_array(beta, "beta").reshape(-1), (D,))
    e = to_float(eps, "eps")
    y, cache = K.batchnorm_forward(Z, g, b, eps=e)
    single = D == 1
    pick = (lambda a: to_sympy(np.asarray(a).reshape(-1))) if single else to_sympy
    return KernelRecord("batchnorm", {"mean": pick(cache.mean), "var": pick(cache.var),
                                      "std": pick(np.sqrt(cache.var + e)), "zhat": pick(cache.x_hat),
                                      "y": pick(y)})


def op_dropout(h: Any, mask: Any, keep: Any = 1, inverted: Any = False) -> Any:
    """`h ⊙ mask`, divided by `keep` when `inverted=1` (inverted dropout)."""
    H, M = vector(h, "h"), vector(mask, "mask")
    if H.size != M.size:
        raise ShapeMismatch(f"dropout: h has {H.size} entries but the mask {M.size}")
    inv = bool(to_float(inverted, "inverted")) if not isinstance(inverted, bool) else inverted
    return to_sympy(K.dropout_forward(H, M, to_float(keep, "keep"), inverted=inv))


def op_sigmoid(z: Any) -> Any:
    return to_sympy(K.sigmoid(to_array(z, "z")))


def op_bce(p: Any, y: Any) -> Any:
    """Mean binary cross-entropy of probabilities `p` against labels `y`."""
    P, Y = vector(p, "p"), vector(y, "y")
    if P.size != Y.size:
        raise ShapeMismatch(f"bce: {P.size} probabilities but {Y.size} labels")
    return sp.Float(K.bce_loss(P, Y), 17)


def op_mean(*xs: Any) -> Any:
    """Mean of numbers (or of the entries of one vector)."""
    vals = np.concatenate([to_array(x, "mean argument").reshape(-1) for x in xs])
    return sp.Float(float(vals.mean()), 17)


def op_lstm_cell(x: Any, h: Any, c: Any, Wxi: Any, Whi: Any, bi: Any, Wxf: Any, Whf: Any, bf: Any,
                 Wxo: Any, Who: Any, bo: Any, Wxc: Any, Whc: Any, bc: Any) -> KernelRecord:
    """One LSTM step from per-gate weights (input, forget, output, candidate), as notes write them.

    Fields: i, f, o, g (the candidate, c-tilde), c, h."""
    xv, hv, cv = vector(x, "x"), vector(h, "h"), vector(c, "c")
    gates = {"i": (Wxi, Whi, bi), "f": (Wxf, Whf, bf), "o": (Wxo, Who, bo), "g": (Wxc, Whc, bc)}
    W, U, b = [], [], []
    for name, (wx, wh, bb) in gates.items():
        wx_m, wh_m, b_v = matrix(wx, f"Wx{name}"), matrix(wh, f"Wh{name}"), vector(bb, f"b{name}")
        if wx_m.shape != (hv.size, xv.size) or wh_m.shape != (hv.size, hv.size) or b_v.size != hv.size:
            raise ShapeMismatch(f"gate {name}: weights {_shape(wx_m)}, {_shape(wh_m)} and bias {b_v.size} do not "
                                f"fit x of {xv.size} and h of {hv.size}")
        W.append(wx_m)
        U.append(wh_m)
        b.append(b_v)
    h_new, c_new, cache = K.lstm_cell_forward(xv[None], hv[None], cv[None], np.vstack(W), np.vstack(U),
                                              np.concatenate(b), gate_order="ifog")
    return KernelRecord("lstm_cell", {"i": to_sympy(cache.i[0]), "f": to_sympy(cache.f[0]),
                                      "o": to_sympy(cache.o[0]), "g": to_sympy(cache.g[0]),
                                      "c": to_sympy(c_new[0]), "h": to_sympy(h_new[0])})


def op_attention(Q: Any, Kmat: Any, V: Any) -> KernelRecord:
    """Scaled dot-product attention (rows are tokens): fields scores, weights, out."""
    q, k, v = matrix(Q, "Q"), matrix(Kmat, "K"), matrix(V, "V")
    if q.shape[1] != k.shape[1] or k.shape[0] != v.shape[0]:
        raise ShapeMismatch(f"attention: Q {_shape(q)}, K {_shape(k)}, V {_shape(v)} do not fit")
    out, cache = K.attention_forward(q, k, v)
    return KernelRecord("attention", {"scores": to_sympy(cache.scores), "weights": to_sympy(cache.weights),
                                      "out": to_sympy(out)})


# ------------------------------------------------------------------ finite differences (second witness)
FD_STEP = 1e-6


def _fd_loss(name: str, y: Any, delta: Any) -> Callable[[np.ndarray], float]:
    """A scalar kernel loss of one vector `x` (sum reduction: the per-example formula of the notes)."""
    target = None if y is None else vector(y, "y")
    d = 1.0 if delta is None else to_float(delta, "delta")

    def need_y() -> np.ndarray:
        if target is None:
            raise RecipeError(f"fd_grad: {name} needs y=")
        return target

    table: dict[str, Callable[[np.ndarray], float]] = {
        "mse": lambda x: K.mse_loss(x, need_y(), "sum"),
        "bce": lambda x: K.bce_loss(x, need_y(), "sum"),
        "bce_logits": lambda x: K.bce_logits_loss(x, need_y(), "sum"),
        "cce_logits": lambda x: K.cross_entropy_logits_loss(x[None], need_y()[None], "sum"),
        "huber": lambda x: K.huber_loss(x, need_y(), d, "sum"),
        "logsumexp": lambda x: float(np.log(np.sum(np.exp(x - x.max()))) + x.max()),
    }
    if name not in table:
        raise RecipeError(f"fd_grad: unknown loss {name!r} (known: {', '.join(sorted(table))})")
    return table[name]


def _central(f: Callable[[np.ndarray], Any], x: np.ndarray) -> np.ndarray:
    """Central differences of f at x: one column per coordinate of x."""
    cols = []
    for k in range(x.size):
        h = FD_STEP * max(1.0, abs(x[k]))
        up, down = x.copy(), x.copy()
        up[k] += h
        down[k] -= h
        cols.append((np.asarray(f(up), dtype=np.float64) - np.asarray(f(down), dtype=np.float64)) / (2 * h))
    return np.stack(cols, axis=-1)


def op_fd_grad(loss: Any, x: Any, y: Any = None, delta: Any = None) -> Any:
    """`fd_grad(cce_logits, z, y=Y)`: gradient of a kernel loss at x by central differences."""
    point = vector(x, "x")
    return to_sympy(_central(_fd_loss(_name(loss, "loss"), y, delta), point))


def op_fd_jacobian(f: Any, x: Any) -> Any:
    """`fd_jacobian(softmax, z)`: J[i, j] = d f_i / d x_j of a kernel activation, by central differences."""
    name = _name(f, "f")
    forward = K.softmax if name == "softmax" else K.get_activation(name)[0]
    point = vector(x, "x")
    J = _central(lambda v: forward(v), point)
    return sp.ImmutableMatrix([[sp.Float(float(v), 17) for v in row] for row in J])


KERNEL_OPS: dict[str, Callable[..., Any]] = {
    "mlp": op_mlp, "rnn": op_rnn, "sgd": op_sgd, "momentum": op_momentum, "adam": op_adam,
    "l2_penalty": op_l2_penalty,
    "batchnorm": op_batchnorm, "dropout": op_dropout, "sigmoid": op_sigmoid, "bce": op_bce, "mean": op_mean,
    "fd_grad": op_fd_grad, "fd_jacobian": op_fd_jacobian, "lstm_cell": op_lstm_cell, "attention": op_attention,
}


def register_kernel_ops(ops: dict[str, Callable[..., Any]]) -> None:
    """Add the kernel operations; never replaces an operation someone else registered."""
    for name, fn in {**KERNEL_OPS, **TENSOR_OPS}.items():
        ops.setdefault(name, fn)

