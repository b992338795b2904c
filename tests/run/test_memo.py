"""The run memo: an unchanged `verify` run answers without the checker (not even SymPy is imported); any change
to a spec, an option or the selection runs again; a run with a claim stopped by its budget is not remembered."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import verify.run.runner as runner
from cli import main

ROOT = Path(__file__).resolve().parents[2]

SPEC = """notes: n.md
exercises:
  - id: memo/1
    claims:
      - id: cube
        latex: '\\frac{d}{dx} x^3 = 3x^2'
        expect: 'diff(x^3, x)'
      - id: slip
        latex: '\\frac{d}{dx} x^2 = x'
        expect: 'diff(x^2, x)'
"""


@pytest.fixture
def suite(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "a.yaml").write_text(SPEC, encoding="utf-8")
    return tmp_path


def _verify(suite: Path, capsys, *extra: str) -> tuple[int, dict]:
    code = main(["verify", str(suite / "specs"), "--format", "json", "-q", "-j", "1",
                 "--cache-dir", str(suite / "cache"), *extra])
    return code, json.loads(capsys.readouterr().out)


def _memos(suite: Path) -> list[Path]:
    return sorted((suite / "cache").glob("run-*.json"))


def test_an_unchanged_run_is_answered_from_the_memo(suite: Path, capsys) -> None:
    code, cold = _verify(suite, capsys)
    assert code == 1 and [r["verdict"] for r in cold["results"]] == ["correct", "wrong"]
    assert len(_memos(suite)) == 1
    # the memo is what answers: doctored, it is what the next run prints
    memo = _memos(suite)[0]
    data = json.loads(memo.read_text(encoding="utf-8"))
    data["results"][1]["message"] = "from the memo"
    memo.write_text(json.dumps(data), encoding="utf-8")
    code, warm = _verify(suite, capsys)
    assert code == 1 and warm["results"][1]["message"] == "from the memo"


def test_a_changed_spec_option_or_selection_runs_again(suite: Path, capsys) -> None:
    _verify(suite, capsys)
    _verify(suite, capsys, "--seed", "3")
    _verify(suite, capsys, "--select", "memo/1")
    assert len(_memos(suite)) == 3
    spec = suite / "specs" / "a.yaml"
    spec.write_text(SPEC.replace("x^2 = x'", "x^2 = 2x'"), encoding="utf-8")
    code, fresh = _verify(suite, capsys)
    assert code == 0 and [r["verdict"] for r in fresh["results"]] == ["correct", "correct"]
    assert len(_memos(suite)) == 4


def test_no_cache_and_allow_code_remember_nothing(suite: Path, capsys) -> None:
    _verify(suite, capsys, "--no-cache")
    _verify(suite, capsys, "--allow-code")
    assert _memos(suite) == []


def test_a_damaged_memo_is_ignored(suite: Path, capsys) -> None:
    _, cold = _verify(suite, capsys)
    _memos(suite)[0].write_text('{"results": [{"verdict": 3}]}', encoding="utf-8")
    _, again = _verify(suite, capsys)
    assert again["results"] == cold["results"]


def test_a_run_with_a_stopped_claim_is_not_remembered(suite: Path, capsys, monkeypatch) -> None:
    real = runner._run

    def stopping(*args):   # as if the parent had killed the worker of the first exercise (its budget ran out)
        found = real(*args)
        args[-1].add(0)
        return found

    monkeypatch.setattr(runner, "_run", stopping)
    _verify(suite, capsys)
    assert _memos(suite) == []
    monkeypatch.setattr(runner, "_run", real)
    _verify(suite, capsys)
    assert len(_memos(suite)) == 1


def test_a_warm_run_imports_no_sympy(suite: Path, capsys) -> None:
    _verify(suite, capsys)
    probe = ("import sys, cli; code = cli.main(['verify', sys.argv[1], '--format', 'concise', '-q', "
             "'--cache-dir', sys.argv[2]]); print(code, 'sympy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe, str(suite / "specs"), str(suite / "cache")],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "1 False", out.stderr
