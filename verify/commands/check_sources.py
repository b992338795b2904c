"""`derivcheck check-sources [PATH ...] --notes-dir DIR`: every quote is at its stated line (drift: exit 1)."""

from __future__ import annotations

import argparse
import sys

from verify.commands.specs import load_exercises, notes_folder
from verify.exit_codes import EXIT_FINDINGS, EXIT_OK
from verify.notes.sources import check_sources


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `check-sources` subcommand to `subparsers`."""
    c = subparsers.add_parser("check-sources", help="every claim's quote is at its stated line of the notes")
    c.add_argument("paths", nargs="*", default=["exercises"])
    c.add_argument("--notes-dir", required=True)
    return c


def run(args: argparse.Namespace) -> int:
    notes_dir = notes_folder(args.notes_dir)
    checked, problems = check_sources(load_exercises(args.paths), notes_dir)
    for p in problems:
        print(p)
    print(f"{checked} quotes checked, {len(problems)} not at their stated line", file=sys.stderr)
    return EXIT_FINDINGS if problems else EXIT_OK
