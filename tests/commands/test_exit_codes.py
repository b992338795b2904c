"""Exit codes CI can rely on: 0 all decided and right, 1 a verdict in --fail-on (default: wrong, ill-posed,
unparsed), 2 bad input, 3 an undecided `equiv` — each checked as a user runs the command."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import cli
import verify.commands.equiv as equiv
from verify.compare.budget import time_limit
from verify.exit_codes import EXIT_BROKEN_PIPE, EXIT_FINDINGS, EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE

ROOT = Path(__file__).resolve().parents[2]

SPEC = r"""
notes: notes.md
exercises:
  - id: t/1
    claims:
      - {id: claim, line: 1, latex: '{latex}'{extra}}
"""


def _verify(tmp_path: Path, latex: str, *args: str, extra: str = "") -> subprocess.CompletedProcess:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.replace("{latex}", latex).replace("{extra}", extra), encoding="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(spec), "--no-cache", "-q",
                           "--format", "json", *args], capture_output=True, text=True, timeout=120)


def _verdict(out: subprocess.CompletedProcess) -> str:
    return json.loads(out.stdout)["results"][0]["verdict"]


def test_all_decided_and_right_is_0_and_wrong_is_1(tmp_path):
    ok = _verify(tmp_path, "x + x = 2x")
    assert (ok.returncode, _verdict(ok)) == (EXIT_OK, "correct")
    bad = _verify(tmp_path, "x + x = 3x")
    assert (bad.returncode, _verdict(bad)) == (EXIT_FINDINGS, "wrong")


def test_an_unparsed_claim_fails_a_run_unless_fail_on_says_otherwise(tmp_path):
    out = _verify(tmp_path, r"x + \frac{1}{ = 2x")
    assert (out.returncode, _verdict(out)) == (EXIT_FINDINGS, "unparsed")
    assert _verify(tmp_path, r"x + \frac{1}{ = 2x", "--fail-on", "wrong,ill-posed").returncode == EXIT_OK


def test_unverified_passes_by_default_and_fails_when_asked(tmp_path):
    extra = ", reason: 'the notes use a result the spec cannot derive'"
    out = _verify(tmp_path, "x + x = 2x", extra=extra)
    assert (out.returncode, _verdict(out)) == (EXIT_OK, "unverified")
    assert _verify(tmp_path, "x + x = 2x", "--fail-on", "unverified", extra=extra).returncode == EXIT_FINDINGS
    assert _verify(tmp_path, "x + x = 2x", "--fail-on", "all", extra=extra).returncode == EXIT_FINDINGS
    assert _verify(tmp_path, "x + x = 3x", "--fail-on", "none").returncode == EXIT_OK


def test_bad_input_is_2_with_one_line(tmp_path):
    out = _verify(tmp_path, "x + x = 2x", "--fail-on", "wrogn")
    assert out.returncode == EXIT_USAGE and out.stderr.count("\n") == 1
    assert "unknown verdict 'wrogn' (did you mean 'wrong'?)" in out.stderr


def _equiv(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), "equiv", *args], capture_output=True, text=True,
                          timeout=120)


def test_equiv_codes_tell_equal_different_unreadable_and_undecided_apart():
    assert _equiv("x^2 - 1", "(x-1)(x+1)").returncode == EXIT_OK
    assert _equiv("2x", "x").returncode == EXIT_FINDINGS
    unreadable = _equiv(r"\frac{1}{", "x")
    assert unreadable.returncode == EXIT_USAGE and unreadable.stderr.startswith("derivcheck: ")
    undecided = _equiv(r"\log(0)", "0")   # a value with no number to evaluate
    assert undecided.returncode == EXIT_UNDECIDED and undecided.stdout.startswith("undecided: ")


def _stuck(a, b, symbols, *, seed, timeout, prove=False):
    if a == "stuck":
        with time_limit(timeout):   # the alarm cannot fire inside this C loop
            hashlib.pbkdf2_hmac("sha256", b"derivcheck", b"salt", 10**9)
    return {"equivalent": True, "evidence": "planted", "counterexample": None, "error": None}


def test_equiv_pair_stuck_in_c_code_is_undecided_with_the_budget(monkeypatch, capsys):
    monkeypatch.setattr(equiv, "check_pair", _stuck)   # the worker is forked after this
    assert cli.main(["equiv", "stuck", "x", "--timeout", "1"]) == EXIT_UNDECIDED
    assert capsys.readouterr().out == "undecided: time budget of 1 s ran out\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_equiv_batch_goes_on_after_a_stuck_pair(monkeypatch, capsys, tmp_path, jobs):
    monkeypatch.setattr(equiv, "check_pair", _stuck)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("\n".join(json.dumps({"id": n, "a": a, "b": "x"}) for n, a in
                               enumerate(["x", "stuck", "x", "x"])) + "\n")
    assert cli.main(["equiv", "--batch", str(pairs), "--timeout", "1", "-j", jobs, "-q"]) == EXIT_OK
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == [0, 1, 2, 3]   # input order
    assert [line["equivalent"] for line in lines] == [True, None, True, True]
    assert lines[1]["error"] == "time budget of 1 s ran out"


def test_a_reader_that_closes_the_pipe_gets_no_traceback() -> None:
    """`derivcheck ... | head -1`: the reader is gone before the answer is written (its end closed at once)."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "equiv", "--format", "json", "x", "x+1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_BROKEN_PIPE and b"Traceback" not in err, err.decode()
