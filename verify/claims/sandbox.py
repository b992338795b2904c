"""Code claims: run a NumPy snippet from the notes in a locked-down child process, compare with kernels.

This is the only place where derivcheck executes code, and only the user's quoted snippet (claim key
`code:`), only with `--allow-code`.  The child gets a CPU-time limit, an address-space limit, a wall
clock timeout, an isolated interpreter (-I), no `socket` module, and nothing but NumPy arrays as
inputs.  Spec LaTeX and recipes are never executed.

The claim declares what the snippet reads and writes (derive/spec/code_claims.py): `inputs:` with their
shapes, `outputs:` each with the kernel expression it must equal (derive/recipes/arrays.py), optional
`activations:` the question leaves open. The snippet is run on random inputs for every size set and every
choice of those activations, and every declared output is compared (shape and values).
"""

from __future__ import annotations

import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from derive.spec.claim_data import ClaimDataError
from derive.spec.code_claims import CodeClaim, read_code_claim, shape_of
from derive.spec.errors import SpecError
from derive.spec.model import ClaimSpec, ExerciseSpec
from verify.claims.context import ClaimContext
from verify.result import ClaimResult, Verdict

CPU_SECONDS = 3
MEMORY_BYTES = 1 << 30  # 1 GiB address space
WALL_SECONDS = 10.0

# The child knows every activation of derive/recipes/arrays.py ACTIVATIONS by name (it cannot import the
# project: it runs isolated); tests/claims/test_code_claims.py checks that the two lists agree.
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
def _softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
_acts = {'sigmoid': lambda z: 1 / (1 + np.exp(-z)), 'relu': lambda z: np.maximum(0.0, z),
         'threshold': lambda z: (np.asarray(z) >= 0).astype(float), 'tanh': np.tanh,
         'identity': lambda z: np.asarray(z, dtype=float), 'softmax': _softmax}
for name, act in payload['functions'].items():
    env[name] = _acts[act]
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
CHILD_ACTIVATIONS = ("sigmoid", "relu", "threshold", "tanh", "identity", "softmax")


def _limits() -> None:  # runs in the child before exec
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0)) if os.getuid() != 0 else None
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


@dataclass
class RunResult:
    outputs: dict[str, np.ndarray | None] | None
    error: str | None


def run_snippet(code: str, inputs: Mapping[str, np.ndarray | float], outputs: list[str],
                wall_seconds: float = WALL_SECONDS, functions: Mapping[str, str] | None = None) -> RunResult:
    """Run `code` in a child process with limits; never raises for the snippet's own failures.
    `functions` binds names the snippet may call to activations (`{"act": "relu"}`)."""
    payload = json.dumps({"code": code, "outputs": outputs, "functions": dict(functions or {}),
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


@dataclass
class CodeVerdict:
    verdict: str  # correct | wrong | unverified
    message: str


def _random_inputs(decl: CodeClaim, sizes: Mapping[str, int], rng: np.random.Generator
                   ) -> dict[str, np.ndarray | float]:
    return {name: (rng.normal(size=shape_of(shape, sizes)) if shape else float(rng.normal()))
            for name, shape in decl.inputs.items()}


def _limited(error: str) -> bool:
    """A failure of the sandbox's limits (-> unverified), not of the snippet's mathematics."""
    return ("limit" in error or "killed" in error or "socket" in error.lower()
            or error.startswith("ImportError") or error.startswith("ModuleNotFoundError"))


def compare_code(code: str, decl: CodeClaim, seed: int = 0) -> CodeVerdict:
    """Run `code` for every size set and choice of open activations; compare every declared output."""
    rng = np.random.default_rng(seed)
    for binding in decl.bindings():
        for sizes in decl.sizes:
            inputs = _random_inputs(decl, sizes, rng)
            ref = decl.reference(inputs, binding)
            got = run_snippet(code, inputs, list(decl.outputs), functions=binding)
            where = ", ".join([*(f"{k}={v}" for k, v in sizes.items()),
                               *(f"{g} = {act}" for g, act in binding.items())])
            if got.error is not None:
                return CodeVerdict("unverified" if _limited(got.error) else "wrong", f"with {where}: {got.error}")
            assert got.outputs is not None
            for name, want in ref.items():
                value = got.outputs.get(name)
                if value is None:
                    return CodeVerdict("wrong", f"with {where}: the snippet does not define {name}")
                if value.shape != np.shape(want):
                    return CodeVerdict("wrong", f"with {where}: {name} has shape {value.shape}, "
                                                f"expected {np.shape(want)}")
                if not np.allclose(value, want, rtol=1e-9, atol=1e-12):
                    err = float(np.max(np.abs(value - want)))
                    unused = [g for g in binding if not re.search(rf"\b{re.escape(g)}\b", code)]
                    why = (f"; the snippet never applies {unused[0]}: it answers for one activation, the "
                           "question asks for a generic one") if unused else ""
                    return CodeVerdict("wrong", f"with {where}: {name} differs from the kernel "
                                                f"{decl.output_text[name]} (max error {err:.3g}){why}")
    acts = "".join(f" and {g} = {', '.join(choices)}" for g, choices in decl.activations.items())
    kernels = ", ".join(f"{k} = {v}" for k, v in decl.output_text.items())
    return CodeVerdict("correct", f"matches {kernels} on {len(decl.sizes)} input shapes{acts}")


def check_code(ex: ExerciseSpec, claim: ClaimSpec, *, seed: int = 0, allow_code: bool = False) -> CodeVerdict:
    """The verdict on a claim with `code:` of exercise `ex`; the snippet runs only with `allow_code`."""
    if not allow_code:
        return CodeVerdict("unverified", "code claims need --allow-code")
    try:
        decl = claim.data if claim.data is not None else read_code_claim(claim.raw)
    except ClaimDataError as exc:   # checked when the spec was loaded; kept for claims built in code
        raise SpecError(ex.spec_file, exc.line or claim.spec_line, str(exc)) from None
    assert decl is not None, "check_code is for claims with code:"
    return compare_code(str(claim.raw["code"]), decl, seed=seed)


NAME = "code"
HEAVY = True   # a child process per set of input sizes


def check(ctx: ClaimContext) -> ClaimResult:
    v = check_code(ctx.exercise, ctx.claim, seed=ctx.seed, allow_code=ctx.allow_code)
    return ctx.result(Verdict(v.verdict), v.message)
