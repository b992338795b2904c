"""`derivcheck fix [PATH ...] --notes-dir DIR (--out DIR | --dry-run)`: corrected copies of the notes and
re-anchored copies of the specs (OUT/specs/), so that `verify OUT/specs --notes-dir OUT` re-checks the fix."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from pathlib import Path

from derive.spec.model import ExerciseSpec
from verify.commands.options import add_run_options, notes_folder
from verify.commands.specs import load_exercises, run_checks, run_options
from verify.exit_codes import EXIT_OK, UsageError
from verify.notes.files import NotesPathError, NotesReadError, notes_path
from verify.run.progress import ProgressLine
from verify.write.fix import fix_notes, notes_diff, plan_corrections, write_atomically, write_notes
from verify.write.respec import spec_copies

SPECS = "specs"   # the folder of the spec copies inside --out


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `fix` subcommand to `subparsers`."""
    fx = subparsers.add_parser("fix", help="corrected copies of the notes (wrong claims replaced) and of the specs")
    fx.add_argument("paths", nargs="*", default=["exercises"], help="spec files or folders (default: exercises)")
    fx.add_argument("--notes-dir", required=True, help="folder of the notes files the specs name (never written)")
    fx.add_argument("--out", default=None,
                    help=f"folder for the corrected notes; the re-anchored specs go to OUT/{SPECS}/")
    fx.add_argument("--dry-run", action="store_true", help="print a unified diff of the notes instead of writing")
    add_run_options(fx)
    return fx


def _spec_destination(exercises: list[ExerciseSpec], out: Path) -> dict[Path, Path]:
    """Each spec file -> its copy under OUT/specs/, keeping the layout below the folder they share."""
    files = list(dict.fromkeys(Path(ex.spec_file).resolve() for ex in exercises))
    base = Path(os.path.commonpath([f.parent for f in files])) if files else Path()
    return {f: out / SPECS / f.relative_to(base) for f in files}


def run(args: argparse.Namespace) -> int:
    if not args.dry_run and not args.out:
        raise UsageError("fix needs --out DIR (or --dry-run)")
    opts = run_options(args)
    notes_dir = notes_folder(args.notes_dir)
    assert notes_dir is not None
    exercises = load_exercises(args.paths)
    names = sorted({n for ex in exercises for n in [ex.notes, *(c.notes for c in ex.claims)] if n})
    out = Path(args.out) if args.out else None
    try:
        if out is not None and any(notes_path(out, n) == notes_path(notes_dir, n) for n in names):
            raise UsageError("--out must not be the notes folder: fix never writes into its input")
        report = run_checks(exercises, opts, quiet=args.quiet)
        line = ProgressLine("exercises", verb="re-checked corrections of", enabled=not args.quiet)
        try:
            corrections, left = plan_corrections(exercises, report.results, notes_dir, opts, progress=line)
        finally:
            line.close()
        fixed, not_placed = fix_notes(corrections, notes_dir, names)
        left += not_placed
        if args.dry_run:
            for text in notes_diff(fixed):
                print(text)
        else:
            assert out is not None
            for path in write_notes(fixed, notes_dir, out):
                print(path)
            destinations = _spec_destination(exercises, out)
            for spec, text in spec_copies(exercises, fixed).items():
                dest = destinations[spec.resolve()]
                write_atomically(dest, text, stat.S_IMODE(spec.stat().st_mode))
                print(dest)
    except (NotesReadError, NotesPathError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or 'the output'}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    applied = sum(len(f.applied) for f in fixed)
    if not args.quiet:
        for item in left:
            print(str(item), file=sys.stderr)
        print(f"{applied} claims corrected (each re-checked correct), {len(left)} wrong claims left as written",
              file=sys.stderr)
    return EXIT_OK
