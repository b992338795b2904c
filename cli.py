"""derivcheck command line: the entry point. Each subcommand is one module of `verify/commands/` with
`register(subparsers)` and `run(args) -> int`; only the chosen one is imported, so start-up stays quick. A module
may instead be a light half with `quick(args) -> int | None` (an answer without the checker, e.g. from a memo)
and `FULL`, the module whose `run` does the work, imported only when `quick` returns None.

Exit codes (verify/exit_codes.py): 0 all decided and right, 1 a finding (a claim whose verdict is in
`--fail-on`, not equivalent, a lint finding, drifted quotes), 2 bad input (one line: `file:line: message` or
`derivcheck: message`), 3 `equiv` undecided. Bare `derivcheck` lists the commands (exit 2).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import re
import sys
import warnings

from verify.exit_codes import EXIT_BROKEN_PIPE, EXIT_USAGE, UsageError, did_you_mean
from verify.version import VERSION

# Subcommand -> (module, help line), in the order `--help` lists them. The help line is here too so that
# `derivcheck --help` needs none of the modules; tests/commands check that each module registers the same.
COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("verify.commands.verify", "check every claim of the specs"),
    "equiv": ("verify.commands.equiv", "are two LaTeX expressions equal?"),
    "check-sources": ("verify.commands.check_sources", "every claim's quote is at its stated line of the notes"),
    "fix": ("verify.commands.fix", "corrected copies of the notes (wrong claims replaced) and of the specs"),
    "report": ("verify.commands.report", "write an HTML folder, a LaTeX document or a PDF of a run"),
    "lint": ("verify.commands.lint", "check the equality steps of notes without a spec"),
    "show": ("verify.commands.show", "the derivation of one exercise"),
    "grade": ("verify.commands.grade", "grade students' answers against the specs (locally or on Dask)"),
}

_INVALID_CHOICE = re.compile(r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)$")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep it one line, with a suggestion
        m = _INVALID_CHOICE.match(message)
        if m:
            what, word, choices = m.groups()
            options = re.findall(r"'([^']*)'", choices)
            raise UsageError(f"{what}: invalid choice {word!r}{did_you_mean(word, options)} "
                             f"(choose from {', '.join(options)})")
        raise UsageError(message)


def _chosen(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the top level has no option taking a value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str]) -> tuple[argparse.ArgumentParser, object | None, argparse.ArgumentParser | None]:
    """The parser, with the chosen subcommand's full arguments (its module, imported now) and a bare entry
    for each other one; that module and its parser, or None when no known subcommand is named."""
    p = _Parser(prog="derivcheck", description="Check the mathematics of solution notes.",
                epilog="`derivcheck COMMAND --help` shows the options of one command.")
    p.add_argument("--version", action="version", version=f"derivcheck {VERSION}", help="print the version")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    name = _chosen(argv)
    module = chosen = None
    for command, (module_name, help_line) in COMMANDS.items():
        if command == name:
            module = importlib.import_module(module_name)
            chosen = module.register(sub)
        else:
            sub.add_parser(command, help=help_line)
    return p, module, chosen


def _option_strings(parser: argparse.ArgumentParser) -> list[str]:
    return [s for action in parser._actions for s in action.option_strings]


def _unknown_arguments(extra: list[str], parser: argparse.ArgumentParser) -> UsageError:
    """One line for arguments the chosen command does not take, with the closest option it does take."""
    word = extra[0]
    if word.startswith("-"):
        known = _option_strings(parser)
        if word.split("=")[0] in known:   # `equiv -- -a b --symbols ...`: after `--` nothing is an option
            return UsageError(f"{word.split('=')[0]} comes after `--`, where everything is a formula: put options "
                              f"before `--`")
        command = parser.prog.split()[-1]
        if not word.startswith("--") and (not word[1:2].isalpha() or any(c in word for c in "\\^_{}()+*/ ")):
            # `-\infty`, `-x^2`: a formula that starts with a minus, not an option
            return UsageError(f"'{word}' reads as an option; put `--` before formulas that start with '-' "
                              f"(derivcheck {command} -- '{word}' ...)")
        return UsageError(f"unknown option {word.split('=')[0]}{did_you_mean(word.split('=')[0], known)} "
                          f"(`derivcheck {command} --help` lists the options)")
    return UsageError(f"unexpected argument {word!r}")


def _check_options(argv: list[str], parser: argparse.ArgumentParser) -> None:
    """A misspelled long option is named, with a suggestion, before argparse complains of anything else (a
    misspelled required option would otherwise read as a missing one)."""
    known = _option_strings(parser)
    for k, word in enumerate(argv):
        if word == "--":
            return
        name = word.split("=")[0]
        if name.startswith("--") and name not in known and not any(o.startswith(name) for o in known):
            raise _unknown_arguments(argv[k:], parser)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not sys.warnoptions:
        warnings.simplefilter("ignore")   # numpy's and SymPy's warnings are no message for the user
    try:
        name = _chosen(argv)
        if name is not None and name not in COMMANDS:
            raise UsageError(f"unknown command {name!r}{did_you_mean(name, COMMANDS)} "
                             f"(commands: {', '.join(COMMANDS)})")
        parser, module, chosen = build_parser(argv)
        if module is None:
            if any(a in ("-h", "--help", "--version") for a in argv):
                parser.parse_args(argv)    # prints help or the version and exits 0
            parser.print_help(sys.stderr)  # bare `derivcheck`: the commands, and exit 2 (nothing was done)
            return EXIT_USAGE
        assert chosen is not None and name is not None
        _check_options(argv[argv.index(name) + 1:], chosen)
        args, extra = parser.parse_known_args(argv)
        if extra:
            assert chosen is not None
            raise _unknown_arguments(extra, chosen)
        quick = getattr(module, "quick", None)
        if quick is not None and (code := quick(args)) is not None:
            return code
        full = getattr(module, "FULL", None)
        if full is not None:   # the command's heavy half, imported only now (verify/commands/verify.py)
            module = importlib.import_module(full)
        return module.run(args)
    except UsageError as exc:
        print(exc.line(), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`derivcheck ... | head -1`): nothing more can be said to it. Point stdout at
        # /dev/null so that the interpreter's final flush does not raise a second time, and exit as `head`
        # expects of a writer it cut off (128 + SIGPIPE).
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(main())
