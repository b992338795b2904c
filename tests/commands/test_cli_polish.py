"""What a user expects of the command line: --version, the commands listed by a bare `derivcheck`, help for
every option, "did you mean", one error-line format, --notes-dir that must exist, no library warnings on
stderr, and a progress line for long runs that -q silences."""

from __future__ import annotations

import argparse
import importlib
import io
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import cli
from verify.run.progress import ProgressLine
from verify.version import VERSION

ROOT = Path(__file__).resolve().parents[2]

GOOD = r"""
notes: notes.md
exercises:
  - id: t/1
    claims:
      - {id: sum, line: 1, latex: 'x + x = 2x'}
"""


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_version_matches_the_package():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"derivcheck {VERSION}"
    assert tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"] == VERSION


def test_bare_derivcheck_lists_the_commands():
    out = run()
    assert out.returncode == 2 and out.stdout == ""
    for name in cli.COMMANDS:
        assert re.search(rf"^\s+{re.escape(name)}\s", out.stderr, re.M), name


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_every_option_has_help(name):
    sub = argparse.ArgumentParser().add_subparsers()
    parser = importlib.import_module(cli.COMMANDS[name][0]).register(sub)
    missing = [a.dest for a in parser._actions if not a.help and not isinstance(a, argparse._HelpAction)]
    assert missing == []


@pytest.mark.parametrize("args, suggestion", [
    (["verfy"], "unknown command 'verfy' (did you mean 'verify'?)"),
    (["verify", "--seeds", "3"], "unknown option --seeds (did you mean '--seed'?)"),
    (["verify", "--format", "jsno"], "unknown format 'jsno' (did you mean 'json'?)"),
    (["lint", "x.md", "--format", "sarf"], "unknown format 'sarf' (did you mean 'sarif'?)"),
    (["equiv", "x", "x", "--format", "jsn"], "unknown format 'jsn' (did you mean 'json'?)"),
    (["check-sources", "--notes-dri", "n"], "unknown option --notes-dri (did you mean '--notes-dir'?)"),
])
def test_misspellings_get_a_suggestion(args, suggestion, capsys):
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert err == f"derivcheck: {err.removeprefix('derivcheck: ')}" and suggestion in err and err.count("\n") == 1


def test_errors_with_a_place_start_with_it_and_others_with_derivcheck(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text("exercises:\n  - id: t/1\n    claims: [\n", encoding="utf-8")
    located = run("verify", str(spec))
    assert located.returncode == 2 and located.stderr.startswith(f"{spec}:") and located.stderr.count("\n") == 1
    plain = run("verify", str(spec), "-j", "0")
    assert plain.returncode == 2 and plain.stderr.startswith("derivcheck: ") and plain.stderr.count("\n") == 1


@pytest.mark.parametrize("command", [
    ["verify", "exercises/udl/ch2.yaml"],
    ["check-sources", "exercises/udl/ch2.yaml"],
    ["fix", "exercises/udl/ch2.yaml", "--dry-run"],
    ["report", "exercises/udl/ch2.yaml", "--latex", "never-written.tex"],
])
def test_a_notes_dir_that_does_not_exist_is_bad_input(command):
    out = run(*command, "--notes-dir", "no-such-folder", "--no-cache" if command[0] != "check-sources" else "-q")
    assert out.returncode == 2 and out.stderr == "derivcheck: --notes-dir no-such-folder: no such folder\n"
    assert not (ROOT / "never-written.tex").exists()


def test_verify_needs_no_notes_folder(tmp_path):
    spec = tmp_path / "spec.yaml"
    spec.write_text(GOOD, encoding="utf-8")
    assert run("verify", str(spec), "--no-cache", cwd=tmp_path).returncode == 0


def test_check_sources_on_notes_that_are_not_utf8_is_one_line(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "notes.md").write_bytes("x + x = 2x\ncaf\xe9 = 1\n".encode("latin-1"))
    (tmp_path / "spec.yaml").write_text(GOOD, encoding="utf-8")
    out = run("check-sources", "spec.yaml", "--notes-dir", "notes", cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert re.match(r".*notes\.md:2:4: not UTF-8 text \(byte 0xe9\)", out.stderr)


def test_numpy_warnings_never_reach_stderr(tmp_path):
    # Evaluating these at random points overflows and takes logs of negative numbers: numpy warns, the user
    # sees nothing of it.
    spec = tmp_path / "spec.yaml"
    spec.write_text(GOOD.replace("x + x = 2x", r"e^{e^{e^{x}}} + \log(x) = \log(x) + e^{e^{e^{x}}}"),
                    encoding="utf-8")
    out = run("verify", str(spec), "--no-cache", "-q", cwd=tmp_path)
    assert out.returncode == 0 and out.stderr == ""
    out = run("equiv", r"e^{e^{e^{x}}} + \log(x)", r"\log(x) + e^{e^{e^{x}}}", cwd=tmp_path)
    assert out.returncode == 0 and out.stderr == ""


def test_progress_line_every_few_seconds_when_not_a_terminal():
    stream = io.StringIO()
    line = ProgressLine("exercises", stream=stream, every=0.0)
    line(1, 3)
    line(3, 3)
    assert stream.getvalue().splitlines()[0].startswith("checked 1 of 3 exercises (")
    quiet = io.StringIO()
    silent = ProgressLine("exercises", stream=quiet, every=0.0, enabled=False)
    silent(1, 3)
    assert quiet.getvalue() == ""
    slow = io.StringIO()
    ProgressLine("exercises", stream=slow, every=10.0)(1, 3)   # a short run prints nothing
    assert slow.getvalue() == ""
