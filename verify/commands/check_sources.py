"""`derivcheck check-sources [PATH ...] --notes-dir DIR`: every quote is at its stated line (drift: exit 1;
notes that cannot be read, such as a file that is not UTF-8: exit 2, one line)."""

from __future__ import annotations

import argparse
import sys

from verify.commands.options import notes_folder
from verify.commands.specs import load_exercises
from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, UsageError
from verify.notes.files import NotesReadError
from verify.notes.sources import check_sources


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `check-sources` subcommand to `subparsers`."""
    c = subparsers.add_parser("check-sources", help="every claim's quote is at its stated line of the notes")
    c.add_argument("paths", nargs="*", default=["exercises"], help="spec files or folders (default: exercises)")
    c.add_argument("--notes-dir", required=True, help="folder of the notes files the specs name")
    c.add_argument("-q", "--quiet", action="store_true", help="no summary line on stderr")
    return c


def run(args: argparse.Namespace) -> int:
    notes_dir = notes_folder(args.notes_dir)
    assert notes_dir is not None
    exercises = load_exercises(args.paths)
    try:
        checked, problems = check_sources(exercises, notes_dir)
    except NotesReadError as exc:
        raise UsageError(str(exc)) from None
    for p in problems:
        print(p)
    if not args.quiet:
        print(f"{checked} quotes checked, {len(problems)} not at their stated line", file=sys.stderr)
    return EXIT_FINDINGS if problems else EXIT_OK
