"""`derivcheck report (--html OUT_DIR | --latex FILE.tex | --pdf FILE.pdf) [--from report.json] [paths...]`:
one run (or a saved JSON report) rendered as a static HTML folder and/or a LaTeX document / PDF.

The outputs only read results. Checking now (no `--from`) computes the plot data of wrong claims with the
results (`RunOptions(plots=True)`); a saved report has plot data only if `verify --plots` wrote it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from verify.commands.options import add_run_options, notes_folder
from verify.commands.specs import load_exercises, run_checks, run_options
from verify.exit_codes import EXIT_OK, EXIT_USAGE, UsageError
from verify.report.html.builder import HtmlReportError, write_html_report
from verify.report.latex import PdfError, compile_pdf, latex_document
from verify.report.saved import ReportFileError, load_report
from verify.result import Report
from verify.run.runner import TOOL_VERSION


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `report` subcommand to `subparsers` (from ArgumentParser.add_subparsers)."""
    p = subparsers.add_parser("report", help="write an HTML folder, a LaTeX document or a PDF of a run")
    p.add_argument("paths", nargs="*", default=[],
                   help="spec files or folders to check (default: exercises; not read with --from)")
    p.add_argument("--html", default=None, metavar="OUT_DIR", help="folder to write (replaced whole)")
    p.add_argument("--latex", default=None, metavar="FILE.tex", help="standalone LaTeX document")
    p.add_argument("--pdf", default=None, metavar="FILE.pdf",
                   help="the LaTeX document compiled with pdflatex")
    p.add_argument("--from", dest="from_json", default=None, metavar="REPORT_JSON",
                   help="render a saved `verify --format json` report instead of checking now "
                        "(plots need `verify --plots`)")
    p.add_argument("--notes-dir", default=None, help="folder of the notes files the specs name (must exist)")
    add_run_options(p)   # the cache (results and plots) is shared with `verify --plots`
    return p


def _check_now(args: argparse.Namespace) -> Report:
    # Plot data only for the HTML report, which draws it; LaTeX and PDF show none.
    opts = run_options(args, plots=bool(args.html))
    return run_checks(load_exercises(args.paths or ["exercises"]), opts, quiet=args.quiet)


def run(args: argparse.Namespace) -> int:
    """Run `report`: exit 0 when every requested output was written, 2 (one line on stderr) when not."""
    try:
        return _run(args)
    except UsageError as exc:
        print(exc.line(), file=sys.stderr)
        return EXIT_USAGE


def _run(args: argparse.Namespace) -> int:
    if not (args.html or args.latex or args.pdf):
        raise UsageError("report needs at least one of --html DIR, --latex FILE.tex, --pdf FILE.pdf")
    notes_dir = notes_folder(args.notes_dir)
    try:
        if args.from_json:
            report = load_report(Path(args.from_json), tool_version=TOOL_VERSION)
        else:
            report = _check_now(args)
        written = _write_outputs(args, report, notes_dir)
    except ReportFileError as exc:
        raise UsageError(str(exc), located=True) from None   # "REPORT.json: why"
    except (HtmlReportError, PdfError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write {exc.filename or 'the report'}: {exc.strerror or exc}") from None
    if not args.quiet:
        for path in written:
            print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _write_outputs(args: argparse.Namespace, report: Report, notes_dir: Path | None) -> list[Path]:
    written = []
    if args.html:
        cache = None if args.no_cache else Path(args.cache_dir) / "plots"
        write_html_report(report, Path(args.html), notes_dir=notes_dir, cache_dir=cache)
        written.append(Path(args.html) / "index.html")
    if args.latex or args.pdf:
        tex = latex_document(report)
        if args.latex:
            _atomic_write(Path(args.latex), tex)
            written.append(Path(args.latex))
        if args.pdf:
            written.append(compile_pdf(tex, Path(args.pdf)))
    return written


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
