"""Code claims: run a NumPy snippet from the notes in a locked-down child process, compare with a kernel.

This is the only place where derivcheck executes code, and only the user's quoted snippet (claim key
`code:`), only with `--allow-code`.  The child gets a CPU-time limit, an address-space limit, a wall
clock timeout, an isolated interpreter (-I), no `socket` module, and nothing but NumPy arrays as
inputs.  Spec LaTeX and recipes are never executed.

`expect:` names a reference pipeline of :data:`KERNELS` (built on verify.kernels); the snippet is run
on random inputs of several shapes and every output the kernel names is compared (shape and values).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from derive.kernels import dense_forward, sigmoid, softmax
from verify.claims.context import ClaimContext
from verify.result import ClaimResult, Verdict

CPU_SECONDS = 3
MEMORY_BYTES = 1 << 30  # 1 GiB address space
WALL_SECONDS = 10.0

_CHILD = r"""
import json, sys
import numpy as np
sys.modules['socket'] = None          # `import socket` now raises ImportError
sys.modules['_socket'] = None
for _m in ('urllib.request', 'http.client', 'ssl', 'subprocess'):
    sys.modules[_m] = None
payload = json.loads(sys.stdin.read())
env = {'np': np, 'numpy': np}
for k, v in payload['inputs'].items():
    env[k] = np.asarray(v, dtype=float) if isinstance(v, list) else float(v)
_acts = {'sigmoid': lambda z: 1 / (1 + np.exp(-z)), 'relu': lambda z: np.maximum(0.0, z),
         'threshold': lambda z: (np.asarray(z) >= 0).astype(float)}
if payload.get('g_act'):
    env['g_act'] = _acts[payload['g_act']]
try:
    exec(compile(payload['code'], '<claim>', 'exec'), env)
except BaseException as exc:
    print(json.dumps({'error': f'{type(exc).__name__}: {exc}'}))
    sys.exit(0)
out = {}
for name in payload['outputs']:
    if name not in env:
        out[name] = None
    else:
        out[name] = np.asarray(env[name], dtype=float).tolist()
print(json.dumps({'outputs': out}))
"""


def _limits() -> None:  # runs in the child before exec
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0)) if os.getuid() != 0 else None
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


@dataclass
class RunResult:
    outputs: dict[str, np.ndarray | None] | None
    error: str | None


def run_snippet(code: str, inputs: dict[str, np.ndarray | float], outputs: list[str],
                wall_seconds: float = WALL_SECONDS, g_act: str | None = None) -> RunResult:
    """Run `code` in a child process with limits; never raises for the snippet's own failures.
    `g_act` names an activation the snippet may call as `g_act(...)` (sigmoid, relu, threshold)."""
    payload = json.dumps({"code": code, "outputs": outputs, "g_act": g_act,
                          "inputs": {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in inputs.items()}})
    env = {"PATH": os.environ.get("PATH", "/usr/bin"), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    try:
        with tempfile.TemporaryDirectory(prefix="derivcheck-code-") as scratch:   # files it writes go here
            proc = subprocess.run([sys.executable, "-I", "-c", _CHILD], input=payload, capture_output=True,
                                  text=True, timeout=wall_seconds, preexec_fn=_limits, env=env, check=False,
                                  cwd=scratch)
    except subprocess.TimeoutExpired:
        return RunResult(None, f"time limit of {wall_seconds:g} s exceeded")
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()[-1:] or [""]
        if proc.returncode < 0:
            import signal

            name = signal.Signals(-proc.returncode).name
            why = "CPU time limit exceeded" if name in ("SIGXCPU", "SIGKILL") else f"killed by {name}"
            return RunResult(None, why)
        if "MemoryError" in proc.stderr:
            return RunResult(None, "memory limit exceeded (MemoryError)")
        return RunResult(None, f"child process failed: {err[0][:200]}")
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return RunResult(None, "the snippet produced no readable result")
    if "error" in data:
        msg = data["error"]
        if msg.startswith("MemoryError"):
            msg = "memory limit exceeded (MemoryError)"
        return RunResult(None, msg[:300])
    return RunResult({k: (None if v is None else np.asarray(v, dtype=float)) for k, v in data["outputs"].items()},
                     None)


# ---------------------------------------------------------------- reference pipelines
@dataclass
class Kernel:
    inputs: Callable[[np.random.Generator, dict[str, int]], dict[str, np.ndarray | float]]
    reference: Callable[[dict], dict[str, np.ndarray]]
    outputs: list[str]
    # A generic question (an activation g_act left open): the snippet is run once per activation, with
    # `g_act` in its namespace, and must match the kernel for each; reference(inputs, activation).
    activations: tuple[str, ...] = ()


_ACTS = {"sigmoid": sigmoid, "relu": lambda z: np.maximum(0.0, z), "threshold": lambda z: (z >= 0).astype(float)}


def _hidden_in(rng, s):
    return {"X": rng.normal(size=(s["N"], s["Ni"])), "Wh": rng.normal(size=(s["Nh"], s["Ni"])),
            "bh": rng.normal(size=s["Nh"])}


def _hidden_ref(a):
    zh = dense_forward(a["X"], a["Wh"], a["bh"])
    return {"Zh": zh, "Uh": sigmoid(zh)}


def _bin_in(rng, s):
    return {"Uh": rng.normal(size=(s["N"], s["Nh"])), "Wo": rng.normal(size=s["Nh"]), "bo": float(rng.normal())}


def _bin_ref(a):
    zo = a["Uh"] @ a["Wo"] + a["bo"]
    return {"Zo": zo, "Uo": sigmoid(zo)}


def _soft_in(rng, s):
    return {"Uh": rng.normal(size=(s["N"], s["Nh"])), "Wo": rng.normal(size=(s["K"], s["Nh"])),
            "bo": rng.normal(size=s["K"])}


def _soft_ref(a):
    zo = dense_forward(a["Uh"], a["Wo"], a["bo"])
    return {"Zo": zo, "Uo": softmax(zo)}


def _hidden_generic_ref(a, act):
    zh = dense_forward(a["X"], a["Wh"], a["bh"])
    return {"Zh": zh, "Uh": _ACTS[act](zh)}


KERNELS: dict[str, Kernel] = {
    "hidden_sigmoid": Kernel(_hidden_in, _hidden_ref, ["Zh", "Uh"]),
    "hidden_linear": Kernel(_hidden_in, _hidden_ref, ["Zh"]),  # (10a) Z^H = X W^T + B^H only
    "hidden_layer": Kernel(_hidden_in, _hidden_generic_ref, ["Zh", "Uh"],  # (10a) with a generic g_act
                           activations=("sigmoid", "relu", "threshold")),
    "output_sigmoid_binary": Kernel(_bin_in, _bin_ref, ["Zo", "Uo"]),
    "output_softmax": Kernel(_soft_in, _soft_ref, ["Zo", "Uo"]),
}

# Several shapes, all dimensions distinct in most of them so that a transposed axis shows up.
SHAPES = [dict(N=5, Ni=3, Nh=4, K=3), dict(N=2, Ni=4, Nh=3, K=5), dict(N=1, Ni=2, Nh=2, K=2),
          dict(N=4, Ni=1, Nh=5, K=4)]


@dataclass
class CodeVerdict:
    verdict: str  # correct | wrong | unverified
    message: str


def check_code(code: str, kernel_name: str, seed: int = 0, allow_code: bool = False) -> CodeVerdict:
    if not allow_code:
        return CodeVerdict("unverified", "code claims need --allow-code")
    kernel = KERNELS.get(str(kernel_name).strip())
    if kernel is None:
        return CodeVerdict("unverified", f"unknown code kernel {kernel_name!r} (known: {', '.join(KERNELS)})")
    rng = np.random.default_rng(seed)
    runs = [(shape, act) for act in (kernel.activations or (None,)) for shape in SHAPES]
    for shape, act in runs:
        inputs = kernel.inputs(rng, shape)
        ref = kernel.reference(inputs, act) if act else kernel.reference(inputs)
        got = run_snippet(code, inputs, kernel.outputs, g_act=act)
        where = ", ".join(f"{k}={v}" for k, v in shape.items()) + (f", g_act = {act}" if act else "")
        if got.error is not None:
            limited = ("limit" in got.error or "killed" in got.error or "socket" in got.error.lower()
                       or got.error.startswith("ImportError") or got.error.startswith("ModuleNotFoundError"))
            return CodeVerdict("unverified" if limited else "wrong", f"with {where}: {got.error}")
        assert got.outputs is not None
        for name in kernel.outputs:
            value = got.outputs.get(name)
            if value is None:
                return CodeVerdict("wrong", f"with {where}: the snippet does not define {name}")
            want = ref[name]
            if value.shape != np.shape(want):
                return CodeVerdict("wrong", f"with {where}: {name} has shape {value.shape}, expected {np.shape(want)}")
            if not np.allclose(value, want, rtol=1e-9, atol=1e-12):
                err = float(np.max(np.abs(value - want)))
                why = ""
                if act and not re.search(r"\bg_act\b", code):
                    why = "; the snippet never applies g_act: it answers for one activation, the question " \
                          "asks for a generic one"
                return CodeVerdict("wrong", f"with {where}: {name} differs from the kernel "
                                            f"(max error {err:.3g}){why}")
    acts = f" and activations {', '.join(kernel.activations)}" if kernel.activations else ""
    return CodeVerdict("correct", f"matches kernel {kernel_name} on {len(SHAPES)} input shapes{acts}")


NAME = "code"
HEAVY = True   # a child process per input shape


def check(ctx: ClaimContext) -> ClaimResult:
    v = check_code(str(ctx.claim.code), str(ctx.claim.expect), seed=ctx.seed, allow_code=ctx.allow_code)
    return ctx.result(Verdict(v.verdict), v.message)
