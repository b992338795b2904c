"""cli.py dispatches to one module per subcommand and imports only the chosen one; exit codes live in one
leaf module."""

from __future__ import annotations

import argparse
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cli
from verify import exit_codes

ROOT = Path(__file__).resolve().parents[2]


def _modules_after(*argv: str) -> set[str]:
    """Modules imported by `derivcheck ARGV` (run in a fresh interpreter; argparse's exit is caught)."""
    code = ("import sys, cli\n"
            f"try:\n    cli.main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    return set(done.stdout.split())


def test_help_lists_every_subcommand_without_importing_any():
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "--help"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0
    for name, (_, help_line) in cli.COMMANDS.items():
        assert re.search(rf"\b{name}\b\s+{re.escape(help_line)}", " ".join(done.stdout.split())), name
    loaded = _modules_after("--help")
    assert not {m for m in loaded if m.startswith("verify.commands.")}
    assert "sympy" not in loaded and "numpy" not in loaded


def test_only_the_chosen_subcommand_module_is_imported():
    loaded = _modules_after("lint", "--help")
    assert {m for m in loaded if m.startswith("verify.commands.")} == {"verify.commands.lint"}
    assert "verify.report.html.builder" not in loaded and "matplotlib" not in loaded


@pytest.mark.parametrize("name", sorted(cli.COMMANDS))
def test_each_module_registers_its_subcommand_and_runs_it(name):
    module_name, help_line = cli.COMMANDS[name]
    module = importlib.import_module(module_name)
    sub = argparse.ArgumentParser().add_subparsers(dest="command")
    parser = module.register(sub)
    assert isinstance(parser, argparse.ArgumentParser) and sub.choices[name] is parser
    assert sub._choices_actions[0].help == help_line  # what `derivcheck --help` shows without importing it
    if hasattr(module, "FULL"):   # a light half: answers what it can, its full module runs the rest
        assert callable(module.quick)
        module = importlib.import_module(module.FULL)
    assert callable(module.run)


def test_a_light_half_imports_nothing_heavy():
    loaded = _modules_after("verify", "--help")
    assert {m for m in loaded if m.startswith("verify.commands.")} == {"verify.commands.verify",
                                                                      "verify.commands.options"}
    assert "sympy" not in loaded and "numpy" not in loaded and "yaml" not in loaded


def test_exit_codes_and_usage_error_are_defined_once():
    assert (exit_codes.EXIT_OK, exit_codes.EXIT_FINDINGS, exit_codes.EXIT_USAGE) == (0, 1, 2)
    sources = [p for p in [ROOT / "cli.py", *(ROOT / "verify").rglob("*.py"), *(ROOT / "derive").rglob("*.py")]]
    defining = [p.relative_to(ROOT).as_posix() for p in sources
                if re.search(r"^EXIT_\w+\s*(,|=)|^class UsageError\b", p.read_text(), re.M)]
    assert defining == ["verify/exit_codes.py"]
    importing_cli = [p.relative_to(ROOT).as_posix() for p in sources if p.name != "cli.py"
                     and re.search(r"^\s*(from cli import|import cli\b)", p.read_text(), re.M)]
    assert importing_cli == []  # the entry point sits on top; nothing imports it back (no cycle)


def test_usage_errors_are_one_line_with_exit_2(capsys):
    assert cli.main(["frobnicate"]) == exit_codes.EXIT_USAGE
    assert cli.main(["verify", "--format", "nope", str(ROOT / "exercises" / "udl" / "ch2.yaml")]) == 2
    assert cli.main(["equiv", "x"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3 and all(line.startswith("derivcheck: ") for line in err)
    assert "unknown command 'frobnicate'" in err[0] and "unknown format 'nope'" in err[1]
