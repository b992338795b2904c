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

from derive.spec.errors import SpecError
from verify.claims.registry import load_suite
from verify.exit_codes import EXIT_OK, EXIT_USAGE
from verify.report.html.builder import HtmlReportError, write_html_report
from verify.report.latex import PdfError, compile_pdf, latex_document
from verify.report.saved import ReportFileError, load_report
from verify.result import Report
from verify.run.runner import TOOL_VERSION, RunOptions, run_suite


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
    p.add_argument("--notes-dir", default=None, help="folder holding the notes files named by the specs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per claim (default 10)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--cache-dir", default=".derivcheck_cache",
                   help="results and plots cache (default .derivcheck_cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    return p


def _check_now(args: argparse.Namespace) -> Report:
    if args.jobs < 1 or args.timeout <= 0:
        raise HtmlReportError("-j needs at least 1 and --timeout a positive number of seconds")
    try:
        exercises = load_suite([Path(p) for p in args.paths or ["exercises"]])
        cache = None if args.no_cache else Path(args.cache_dir)  # shared with `verify --plots`
        # Plot data only for the HTML report, which draws it; LaTeX and PDF show none.
        opts = RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs, cache_dir=cache,
                          plots=bool(args.html))
        return run_suite(exercises, opts)
    except (SpecError, OSError) as exc:
        raise HtmlReportError(str(exc).splitlines()[0]) from None


def run(args: argparse.Namespace) -> int:
    """Run `report`: exit 0 when every requested output was written, 2 (one line on stderr) when not."""
    if not (args.html or args.latex or args.pdf):
        print("derivcheck: report needs at least one of --html DIR, --latex FILE.tex, --pdf FILE.pdf",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        notes_dir = Path(args.notes_dir) if args.notes_dir else None
        if notes_dir is not None and not notes_dir.is_dir():
            raise HtmlReportError(f"--notes-dir {notes_dir}: no such folder")
        if args.from_json:
            report = load_report(Path(args.from_json), tool_version=TOOL_VERSION)
        else:
            report = _check_now(args)
        written = _write_outputs(args, report, notes_dir)
    except (HtmlReportError, PdfError, ReportFileError) as exc:
        print(f"derivcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"derivcheck: cannot write {exc.filename or 'the report'}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
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
