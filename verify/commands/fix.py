"""`derivcheck fix [PATH ...] --notes-dir DIR (--out DIR | --dry-run)`: corrected copies of the notes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from derive.spec.errors import SpecError
from verify.commands.specs import load_exercises, notes_folder
from verify.exit_codes import EXIT_OK, UsageError
from verify.run.runner import RunOptions, run_suite
from verify.write.fix import fix_notes, plan_corrections


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `fix` subcommand to `subparsers`."""
    fx = subparsers.add_parser("fix", help="corrected copies of the notes (wrong claims replaced)")
    fx.add_argument("paths", nargs="*", default=["exercises"])
    fx.add_argument("--notes-dir", required=True)
    fx.add_argument("--out", default=None, help="folder for the corrected copies")
    fx.add_argument("--dry-run", action="store_true", help="print a unified diff instead of writing")
    fx.add_argument("--seed", type=int, default=0)
    return fx


def run(args: argparse.Namespace) -> int:
    if not args.dry_run and not args.out:
        raise UsageError("fix needs --out DIR (or --dry-run)")
    notes_dir = notes_folder(args.notes_dir)
    exercises = load_exercises(args.paths)
    try:
        report = run_suite(exercises, RunOptions(seed=args.seed))
        corrections = plan_corrections(exercises, report.results, seed=args.seed)
        lines, applied = fix_notes(corrections, notes_dir, Path(args.out) if args.out else None,
                                   dry_run=args.dry_run)
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    except (OSError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    for line in lines:
        print(line)
    print(f"{len(applied)} claims corrected (each re-checked correct)", file=sys.stderr)
    return EXIT_OK
