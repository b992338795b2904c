"""Code claims: the kernel and the snippet's variables are declared in the spec (derive/spec/code_claims.py).

The fixture notes (tests/fixtures/notes/step-net.md) write a hidden layer as `H = sig(A @ V + c)` with an
open activation `sig`: names no bundled notes file uses, declared by tests/claims/step_net.yaml.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from derive.recipes.arrays import ACTIVATIONS
from derive.spec.code_claims import default_sizes, read_code_claim
from derive.spec.errors import SpecError
from verify.claims.registry import load_file
from verify.claims.sandbox import CHILD_ACTIVATIONS, check_code, compare_code, run_snippet

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "claims" / "step_net.yaml"
NOTES = ROOT / "tests" / "fixtures" / "notes"
CLI = ROOT / "cli.py"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CLI), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def results() -> dict[str, dict]:
    out = _cli("verify", str(SPEC), "--notes-dir", str(NOTES), "--select", "steps/code", "--allow-code",
               "--no-cache", "--format", "json")
    assert out.returncode in (0, 1), out.stderr
    return {r["claim"]: r for r in json.loads(out.stdout)["results"]}


def _claim(claim_id: str):
    (ex,) = [e for e in load_file(SPEC) if e.id == "steps/code"]
    return ex, next(c for c in ex.claims if c.id == claim_id)


def test_right_snippet_matches_its_declared_kernels_for_every_open_activation(results):
    r = results["hidden-layer"]
    assert r["verdict"] == "correct", r["message"]
    assert "P = matmul(A, V) + c, H = sig(P)" in r["message"]
    assert "sig = sigmoid, tanh, relu" in r["message"]
    assert (r["file"], r["line"]) == ("step-net.md", 34)


def test_wrong_snippet_is_wrong_with_the_kernel_and_sizes_named(results):
    r = results["short-version"]
    assert r["verdict"] == "wrong"
    assert r["message"].startswith("with B=2, n=3, m=4, sig = sigmoid: H differs from the kernel "
                                   "sig(matmul(A, V) + c)"), r["message"]


def test_code_needs_opt_in():
    ex, claim = _claim("hidden-layer")
    v = check_code(ex, claim, allow_code=False)
    assert v.verdict == "unverified" and "--allow-code" in v.message


def test_one_activation_where_the_question_leaves_it_open():
    _, claim = _claim("hidden-layer")
    decl = read_code_claim(claim.raw)
    v = compare_code("P = A @ V + c\nH = np.tanh(P)\n", decl)
    # right for tanh only: the first activation run (sigmoid) already differs
    assert v.verdict == "wrong" and "sig = sigmoid" in v.message, v.message
    assert "never applies sig" in v.message and "generic" in v.message


def test_missing_output_and_wrong_shape():
    _, claim = _claim("hidden-layer")
    decl = read_code_claim(claim.raw)
    v = compare_code("P = A @ V + c\n", decl)
    assert v.verdict == "wrong" and "does not define H" in v.message, v.message
    v = compare_code("P = A @ V + c\nH = sig(P).T\n", decl)
    assert v.verdict == "wrong" and "H has shape (4, 2), expected (2, 4)" in v.message, v.message


def test_snippet_that_fails_on_the_declared_shapes_is_wrong():
    _, claim = _claim("hidden-layer")
    v = compare_code("P = A @ V.T + c\nH = sig(P)\n", read_code_claim(claim.raw))
    assert v.verdict == "wrong" and "ValueError: matmul" in v.message, v.message


def test_limits_are_unverified_and_the_run_goes_on():
    _, claim = _claim("hidden-layer")
    decl = read_code_claim(claim.raw)
    loop = compare_code("while True:\n    pass\n", decl)
    assert loop.verdict == "unverified" and "limit" in loop.message
    mem = compare_code("a = np.ones(10**10)\n", decl)
    assert mem.verdict == "unverified" and "memory" in mem.message
    sock = compare_code("import socket\n", decl)
    assert sock.verdict == "unverified" and "socket" in sock.message
    assert compare_code("P = A @ V + c\nH = sig(P)\n", decl).verdict == "correct"


def test_a_runaway_snippet_does_not_stop_the_run(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("```\nwhile True: pass\n```\n\n$$\\frac{\\partial z_i}{\\partial b_i} = 1$$\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "notes: n.md\nexercises:\n  - id: t/1\n    claims:\n"
        "      - id: loop\n        line: 2\n        latex: 'while True: pass'\n"
        "        code: \"while True: pass\\n\"\n        inputs: {x: [n]}\n        outputs: {y: 'relu(x)'}\n"
        "      - id: after\n        line: 5\n        kind: index\n"
        "        latex: '\\frac{\\partial z_i}{\\partial b_i} = 1'\n"
        "        expect: ['shape W = (3, 4)', 'shape x = (4)', 'shape b = (3)', 'shape z = (3)',"
        " 'z_{i} = \\sum_{j} W_{ij} x_{j} + b_{i}']\n")
    out = _cli("verify", str(spec), "--notes-dir", str(notes), "--no-cache", "--allow-code", "--format", "concise")
    assert "DC004 unverified [t/1 loop]" in out.stdout and "limit" in out.stdout, out.stdout + out.stderr
    assert "[t/1 after]" not in out.stdout  # the claim after the runaway snippet was checked (correct)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_child_knows_every_activation_a_spec_may_name():
    assert set(CHILD_ACTIVATIONS) == set(ACTIVATIONS)
    z = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0], [1.0, -1.0, 2.0, 0.0, -3.0]])
    binding = {f"f_{name}": name for name in ACTIVATIONS}
    code = "".join(f"out_{name} = f_{name}(z)\n" for name in ACTIVATIONS)
    got = run_snippet(code, {"z": z}, [f"out_{name}" for name in ACTIVATIONS], functions=binding)
    assert got.error is None and got.outputs is not None, got.error
    for name, fn in ACTIVATIONS.items():
        assert np.allclose(got.outputs[f"out_{name}"], fn(z), rtol=1e-12), name


def test_default_sizes_vary_every_size_and_keep_them_distinct():
    runs = default_sizes(["B", "n", "m"])
    assert runs[-1] == {"B": 1, "n": 1, "m": 1}
    for run in runs[:-1]:
        assert len(set(run.values())) == 3   # a transposed axis cannot go unnoticed
    for name in ("B", "n", "m"):
        assert len({run[name] for run in runs}) == len(runs)
    assert default_sizes([]) == ({},)


def test_declared_sizes_are_used(tmp_path):
    text = SPEC.read_text(encoding="utf-8").replace(
        "        outputs: {H: 'sig(matmul(A, V) + c)'}\n",
        "        outputs: {H: 'sig(matmul(A, V) + c)'}\n        sizes: [{B: 3, n: 2, m: 2}]\n")
    spec = tmp_path / "s.yaml"
    spec.write_text(text, encoding="utf-8")
    (ex,) = [e for e in load_file(spec) if e.id == "steps/code"]
    claim = next(c for c in ex.claims if c.id == "short-version")
    v = check_code(ex, claim, allow_code=True)
    assert v.verdict == "wrong" and v.message.startswith("with B=3, n=2, m=2, sig = sigmoid:"), v.message


# ---------------------------------------------------------------- malformed declarations: file:line at load
GOOD = """notes: n.md
exercises:
  - id: t/1
    claims:
      - id: c
        line: 1
        latex: 'Z = X.dot(W.T) + b'
        code: "Z = X.dot(W.T) + b\\n"
        inputs: {X: [N, N_i], W: [N_h, N_i], b: [N_h]}
        activations: {g: [relu]}
        outputs: {Z: 'dense_forward(X, W, b)'}
"""


@pytest.mark.parametrize("old, new, line, message", [
    ("'dense_forward(X, W, b)'", "'dense(X, W, b)'", 11, "outputs: Z: unknown kernel 'dense'"),
    ("'dense_forward(X, W, b)'", "'dense_forward(X, W)'", 11, "dense_forward takes 3 argument(s), got 2"),
    ("'dense_forward(X, W, b)'", "'dense_forward(X, U, b)'", 11, "unknown name 'U'"),
    ("'dense_forward(X, W, b)'", "'g(X) + W'", 11, "do not fit the declared input shapes"),
    ("b: [N_h]}", "b: }", 9, "inputs: b needs a shape"),
    ("b: [N_h]}", "b: [N_h, 0]}", 9, "a size is a name or a whole number"),
    ("{g: [relu]}", "{g: [swish]}", 10, "unknown activation 'swish'"),
    ("{g: [relu]}", "{X: [relu]}", 10, "activations: X is also an input"),
    ("        outputs: {Z: 'dense_forward(X, W, b)'}\n", "", 5, "a code claim needs `outputs:`"),
    ("        activations", "        sizes: [{N: 2, N_i: 3}]\n        activations", 10, "sizes: no value for N_h"),
    ("        activations", "        expect: dense_forward\n        activations", 10,
     "names its kernels under `outputs:`"),
    ('        code: "Z = X.dot(W.T) + b\\n"\n', "", 8, "`inputs:` belongs to a code claim"),
])
def test_malformed_declaration_is_a_spec_error_with_its_line(tmp_path, old, new, line, message):
    assert old in GOOD
    spec = tmp_path / "bad.yaml"
    spec.write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_file(spec)
    assert err.value.line == line and message in err.value.message, str(err.value)


def test_good_declaration_loads(tmp_path):
    spec = tmp_path / "good.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    (ex,) = load_file(spec)
    decl = read_code_claim(ex.claims[0].raw)
    assert list(decl.inputs) == ["X", "W", "b"] and decl.activations == {"g": ("relu",)}


def test_malformed_declaration_exits_2_with_one_line(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text(GOOD.replace("'dense_forward(X, W, b)'", "'dense(X, W, b)'"), encoding="utf-8")
    out = _cli("verify", str(spec), "--no-cache", "--allow-code")
    assert out.returncode == 2
    assert f"{spec}:11: outputs: Z: unknown kernel 'dense'" in out.stderr, out.stderr
    assert out.stderr.count("\n") == 1, out.stderr
    assert "Traceback" not in out.stderr
