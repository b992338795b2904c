"""derivcheck command line: the entry point. Each subcommand is one module of `verify/commands/` with
`register(subparsers)` and `run(args) -> int`; only the chosen one is imported, so start-up stays quick.

Exit codes (verify/exit_codes.py): 0 all correct / equivalent, 1 a wrong or ill-posed claim / not equivalent,
2 usage or spec error (one line: file:line: message).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from verify.exit_codes import EXIT_USAGE, UsageError

# Subcommand -> (module, help line), in the order `--help` lists them. The help line is here too so that
# `derivcheck --help` needs none of the modules; tests/commands check that each module registers the same.
COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("verify.commands.verify", "check every claim of the specs"),
    "equiv": ("verify.commands.equiv", "are two LaTeX expressions equal?"),
    "check-sources": ("verify.commands.check_sources", "every claim's quote is at its stated line of the notes"),
    "fix": ("verify.commands.fix", "corrected copies of the notes (wrong claims replaced)"),
    "report": ("verify.commands.report", "write an HTML folder, a LaTeX document or a PDF of a run"),
    "lint": ("verify.commands.lint", "check the equality steps of notes without a spec"),
    "show": ("verify.commands.show", "the derivation of one exercise"),
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep it one line
        raise UsageError(message)


def _chosen(argv: list[str]) -> str | None:
    """The subcommand named on the command line (the top level has no option taking a value)."""
    return next((a for a in argv if not a.startswith("-")), None)


def build_parser(argv: list[str]) -> tuple[argparse.ArgumentParser, object | None]:
    """The parser, with the chosen subcommand's full arguments (its module, imported now) and a bare entry
    for each other one; and that module, or None when no known subcommand is named."""
    p = _Parser(prog="derivcheck", description="Check the mathematics of solution notes.")
    sub = p.add_subparsers(dest="command", required=True)
    name = _chosen(argv)
    module = None
    for command, (module_name, help_line) in COMMANDS.items():
        if command == name:
            module = importlib.import_module(module_name)
            module.register(sub)
        else:
            sub.add_parser(command, help=help_line)
    return p, module


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        parser, module = build_parser(argv)
        args = parser.parse_args(argv)
        if module is None:  # argparse has refused an unknown subcommand already; never reached
            return EXIT_USAGE
        return module.run(args)
    except UsageError as exc:
        print(f"derivcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
