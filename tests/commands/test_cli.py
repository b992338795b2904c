"""The command line as a user runs it: exit codes, JSON contract, one-line errors, hostile specs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, cwd=ROOT, stdin=None):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True,
                          text=True, input=stdin, timeout=120)


def write(tmp_path, text, name="spec.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


GOOD = r"""
notes: notes.md
exercises:
  - id: t/1
    symbols: {x: {indexed: i}, y: {indexed: i}}
    given:
      L: '\sum_{i=1}^{I} (\phi_0 + \phi_1 x_i - y_i)^2'
    claims:
      - id: right
        line: 3
        latex: '\frac{\partial L}{\partial \phi_0} = \sum_i 2(\phi_0 + \phi_1 x_i - y_i)'
        expect: 'diff(L, phi_0)'
"""


def test_verify_json_contract_and_exit_0(tmp_path):
    out = run("verify", str(write(tmp_path, GOOD)), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["summary"]["correct"] == 1
    r = data["results"][0]
    for key in ("exercise", "claim", "verdict", "file", "line", "message", "claimed_latex", "expected_latex",
                "evidence", "counterexample"):
        assert key in r
    assert (r["exercise"], r["claim"], r["verdict"], r["file"], r["line"]) == ("t/1", "right", "correct", "notes.md", 3)


def test_bundled_suite_flags_the_two_founding_errors():
    out = run("verify", "exercises/udl/ch2.yaml", "--format", "json")
    assert out.returncode == 1
    results = {(r["exercise"], r["claim"]): r for r in json.loads(out.stdout)["results"]}
    d0 = results[("udl/2.1", "dL-dphi0")]
    assert d0["verdict"] == "wrong" and "missing term -2 y_{i}" in d0["message"]
    assert d0["counterexample"]["point"]
    closed = results[("udl/2.2", "phi0-closed-form")]
    assert closed["verdict"] == "ill-posed" and "free index i outside any sum" in closed["message"]
    assert "not the derived value" in closed["message"]


def test_same_seed_gives_byte_identical_json():
    a = run("verify", "exercises/udl/ch2.yaml", "--format", "json", "--seed", "3")
    b = run("verify", "exercises/udl/ch2.yaml", "--format", "json", "--seed", "3", "-j", "2")
    assert a.stdout == b.stdout


def test_broken_yaml_reports_file_and_line(tmp_path):
    p = write(tmp_path, "exercises:\n  - id: t/1\n    claims: [\n")
    out = run("verify", str(p))
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and f"{p}:" in out.stderr and "broken YAML" in out.stderr
    assert "Traceback" not in out.stderr


def test_unknown_recipe_operation_is_a_spec_error(tmp_path):
    p = write(tmp_path, GOOD.replace("diff(L, phi_0)", "integrate(L, phi_0)"))
    out = run("verify", str(p))
    assert out.returncode == 2 and "unknown operation 'integrate'" in out.stderr and f"{p}:" in out.stderr


def test_unparsable_claim_is_reported_not_crashed(tmp_path):
    p = write(tmp_path, GOOD.replace(r"\sum_i 2(\phi_0 + \phi_1 x_i - y_i)'", r"\sum_i 2(\phi_0'"))
    data = json.loads(run("verify", str(p), "--format", "json").stdout)
    assert data["results"][0]["verdict"] == "unparsed"
    assert "unclosed" in data["results"][0]["message"]


@pytest.mark.parametrize("where", ["latex", "expect", "symbol", "given", "function", "network", "index"])
def test_hostile_spec_executes_nothing(tmp_path, where):
    marker = tmp_path / "pwned"
    payload = f"__import__('os').system('touch {marker}')"
    text = GOOD
    if where == "latex":
        text = text.replace(r"\sum_i 2(\phi_0 + \phi_1 x_i - y_i)'", payload.replace("'", "''") + "'")
    elif where == "expect":
        text = text.replace("diff(L, phi_0)", payload.replace("'", "''"))
    elif where == "symbol":
        text = text.replace("symbols: {", "symbols: {\"" + payload + "\": real, ")
    elif where == "given":
        text = text.replace("    given:\n", "    given:\n      \"" + payload + "\": '1'\n")
    elif where == "network":   # data of a declared threshold network (YAML numbers only)
        text = text.replace("        expect: 'diff(L, phi_0)'\n", "        kind: regions\n        network: {input: x, "
                            "layers: [{weights: [['" + payload.replace("'", "''") + "'], [1]], bias: [-1, -3], "
                            "activation: threshold}]}\n")
    elif where == "index":
        text = text.replace("        expect: 'diff(L, phi_0)'\n", "        kind: index\n        expect: ['shape x = (3)', "
                            "'z_{i} = " + payload.replace("'", "''") + "']\n")
    else:
        text = text.replace("    given:\n", "    functions: {a: \"" + payload + "\"}\n    given:\n")
    out = run("verify", str(write(tmp_path, text)), "--format", "json")
    assert not marker.exists()
    assert "Traceback" not in out.stderr
    if out.returncode == 2:
        assert out.stderr.count("\n") == 1
    else:
        assert json.loads(out.stdout)["results"][0]["verdict"] != "correct"


def test_equiv_acceptance_pairs():
    ok = run("equiv", r"\frac{e^{-z}}{(1+e^{-z})^2}", r"\text{sig}[z](1-\text{sig}[z])")
    assert ok.returncode == 0 and "equivalent" in ok.stdout
    bad = run("equiv", r"\sum_i 2(\phi_0 + \phi_1 x_i - y_i)", r"\sum_i [2\phi_0 + 2\phi_1 x_i]",
              "--symbols", "x: {indexed: i}, y: {indexed: i}")
    assert bad.returncode == 1 and "NOT equivalent" in bad.stdout
    # The counterexample reads as `verify` prints one (verify.report.format_counterexample).
    assert "  counterexample: at I = 2, phi_0 = " in bad.stdout and ": a = " in bad.stdout
    assert run("equiv", r"\frac{1}{", "x").returncode == 2


def test_equiv_batch_keeps_going_after_a_bad_pair(tmp_path):
    lines = [
        {"id": "ok", "a": "x^2 - 1", "b": "(x-1)(x+1)"},
        {"id": "bad", "a": r"\frac{", "b": "x"},
        {"id": "no", "a": "2x", "b": "x"},
    ]
    p = tmp_path / "pairs.jsonl"
    p.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n")
    out = run("equiv", "--batch", str(p))
    got = [json.loads(x) for x in out.stdout.splitlines()]
    assert [g["equivalent"] for g in got] == [True, None, False, None]
    assert got[1]["error"] and got[3]["error"]


def test_usage_errors_exit_2(tmp_path):
    assert run("verify", str(tmp_path / "missing.yaml")).returncode == 2
    assert run("verify", "--format", "nope").returncode == 2
    assert run("frobnicate").returncode == 2


def test_show_prints_the_derivation():
    out = run("show", "udl/2.1")
    assert out.returncode == 0 and "given L =" in out.stdout and "derived:" in out.stdout


def test_timeout_gives_unverified(tmp_path):
    slow = GOOD.replace("diff(L, phi_0)", "simplify(diff(L, phi_0))")
    out = run("verify", str(write(tmp_path, slow)), "--timeout", "0.001", "--format", "json")
    data = json.loads(out.stdout)
    assert data["results"][0]["verdict"] in ("unverified", "correct")
    assert os.path.exists(ROOT / "cli.py")


def test_comma_separated_statements_are_not_chained(tmp_path):
    spec = GOOD.replace(r"latex: '\frac{\partial L}{\partial \phi_0} = \sum_i 2(\phi_0 + \phi_1 x_i - y_i)'",
                        r"latex: 'a = 2, \quad b = 3'").replace("        expect: 'diff(L, phi_0)'\n", "")
    data = json.loads(run("verify", str(write(tmp_path, spec)), "--format", "json", "--no-cache").stdout)
    assert data["results"][0]["verdict"] == "unverified"
