"""Micro-benchmarks for verify.kernels: prints microseconds per call.

Run with ``python benchmarks/kernels.py`` (``--no-suite`` skips the last line). Each figure is the best
of several repeats of a timed loop (the minimum is the least noisy estimate of the cost itself); the
last line is the wall time of the nn-foundations suite (`verify exercises/nnf`, cold, ``-j 2``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

# Running the script puts benchmarks/ (not the project root) on sys.path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import derive.kernels as K  # noqa: E402


def time_call(fn: Callable[[], object], number: int = 200, repeat: int = 5) -> float:
    """Best-of-``repeat`` mean time of ``fn()`` in microseconds, over ``number`` calls each."""
    fn()  # warm-up: first-call allocations and lazy imports are not what we measure
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best * 1e6


def main() -> None:
    rng = np.random.default_rng(0)
    N, D, H, C = 256, 64, 128, 10
    params = [
        (rng.normal(size=(H, D)) / np.sqrt(D), np.zeros(H)),
        (rng.normal(size=(C, H)) / np.sqrt(H), np.zeros(C)),
    ]
    X = rng.normal(size=(N, D))
    y = rng.integers(0, C, size=N)
    acts = ["relu", "softmax"]

    def mlp_fwd_bwd() -> None:
        cache = K.mlp_forward(params, X, acts, loss="cross_entropy", y=y)
        K.mlp_backward(params, cache)

    def mlp_fwd() -> None:
        K.mlp_forward(params, X, acts, loss="cross_entropy", y=y)

    Z = rng.normal(size=(N, C))
    W1, b1 = params[0]
    dz1 = rng.normal(size=(N, H))
    w = rng.normal(size=(H, D))
    g = rng.normal(size=(H, D))
    m, v = np.zeros_like(w), np.zeros_like(w)
    xb = rng.normal(size=(N, H))
    gamma, beta = np.ones(H), np.zeros(H)
    _, bn_cache = K.batchnorm_forward(xb, gamma, beta)
    Q, Kk, V = (rng.normal(size=(8, 32, 16)) for _ in range(3))
    _, att_cache = K.attention_forward(Q, Kk, V)
    dout = rng.normal(size=(8, 32, 16))
    xs, h0 = rng.normal(size=(32, 20, 16)), np.zeros((32, 32))
    Wxh, Whh, bh = rng.normal(size=(32, 16)) * 0.1, rng.normal(size=(32, 32)) * 0.1, np.zeros(32)
    _, rnn_cache = K.rnn_forward(xs, h0, Wxh, Whh, bh)
    dh = rng.normal(size=(32, 20, 32))

    cases: list[tuple[str, Callable[[], object], int]] = [
        (f"mlp forward+backward {N}x{D} ({D}->{H}->{C}, relu/softmax+CE)", mlp_fwd_bwd, 200),
        (f"mlp forward only     {N}x{D}", mlp_fwd, 200),
        (f"dense_forward        {N}x{D} -> {H}", lambda: K.dense_forward(X, W1, b1), 500),
        (f"dense_backward       {N}x{D} -> {H}", lambda: K.dense_backward(dz1, X, W1), 500),
        (f"sigmoid              {N}x{H}", lambda: K.sigmoid(dz1), 500),
        (f"softmax              {N}x{C}", lambda: K.softmax(Z), 1000),
        (f"cross_entropy_logits {N}x{C} loss+grad",
         lambda: (K.cross_entropy_logits_loss(Z, y), K.cross_entropy_logits_grad(Z, y)), 500),
        (f"adam_step            {H}x{D}", lambda: K.adam_step(w, g, m, v, t=3), 1000),
        (f"batchnorm fwd+bwd    {N}x{H}",
         lambda: (K.batchnorm_forward(xb, gamma, beta), K.batchnorm_backward(dz1, bn_cache)), 300),
        ("attention fwd+bwd    8x32x16",
         lambda: (K.attention_forward(Q, Kk, V), K.attention_backward(dout, att_cache)), 300),
        ("rnn fwd+bptt         N=32 T=20 D=16 H=32",
         lambda: (K.rnn_forward(xs, h0, Wxh, Whh, bh), K.rnn_backward(dh, rnn_cache)), 100),
    ]
    print(f"numpy {np.__version__}; best of 5 repeats")
    for label, fn, number in cases:
        print(f"{label:<58s} {time_call(fn, number):10.1f} us/call")


def nnf_suite(jobs: int = 2) -> None:
    """Wall time of `derivcheck verify exercises/nnf` in a fresh process (cold: no cache, imports included)."""
    import json
    import subprocess

    root = Path(__file__).resolve().parents[1]
    cmd = [sys.executable, str(root / "cli.py"), "verify", "exercises/nnf", "--notes-dir", "../shared/notes",
           "--no-cache", "-j", str(jobs), "--format", "json"]
    start = time.perf_counter()
    out = subprocess.run(cmd, cwd=root, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if out.returncode not in (0, 1):
        print(f"nnf suite failed: {out.stderr.strip()[-300:]}")
        return
    summary = json.loads(out.stdout)["summary"]
    verdicts = ", ".join(f"{summary[k]} {k}" for k in ("correct", "wrong", "ill-posed", "unparsed", "unverified"))
    print(f"nnf suite (-j {jobs}, cold): {summary['claims']} claims in {summary['exercises']} exercises, "
          f"wall {elapsed:.2f} s, {summary['claims'] / elapsed:.1f} claims/s ({verdicts})")


if __name__ == "__main__":
    main()
    if "--no-suite" not in sys.argv:
        nnf_suite()
