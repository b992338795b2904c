"""`derivcheck report (--html OUT_DIR | --latex FILE.tex | --pdf FILE.pdf) [--from report.json] [paths...]`:
one run (or a saved JSON report) rendered as a static HTML folder and/or a LaTeX document / PDF."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from verify.exit_codes import EXIT_OK, EXIT_USAGE
from verify.report.html.builder import HtmlReportError, write_html_report
from verify.report.html.plots import SpecIndex
from verify.report.latex import PdfError, compile_pdf, latex_document
from verify.result import ClaimResult, Report


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `report` subcommand to `subparsers` (from ArgumentParser.add_subparsers)."""
    p = subparsers.add_parser("report", help="write an HTML folder, a LaTeX document or a PDF of a run")
    p.add_argument("paths", nargs="*", default=[], help="spec files or folders (default: exercises)")
    p.add_argument("--html", default=None, metavar="OUT_DIR", help="folder to write (replaced whole)")
    p.add_argument("--latex", default=None, metavar="FILE.tex", help="standalone LaTeX document")
    p.add_argument("--pdf", default=None, metavar="FILE.pdf",
                   help="the LaTeX document compiled with pdflatex")
    p.add_argument("--from", dest="from_json", default=None, metavar="REPORT_JSON",
                   help="render a saved `verify --format json` report instead of checking now")
    p.add_argument("--notes-dir", default=None, help="folder holding the notes files named by the specs")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per claim (default 10)")
    p.add_argument("-j", "--jobs", type=int, default=1, help="worker processes")
    p.add_argument("--cache-dir", default=".derivcheck_cache",
                   help="results and plots cache (default .derivcheck_cache)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    return p


def load_report_json(path: Path) -> Report:
    """A Report from a `verify --format json` file; HtmlReportError (one line) for anything else."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HtmlReportError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HtmlReportError(f"{path}: not a complete JSON document (truncated?): {exc.msg} at line "
                              f"{exc.lineno}") from None
    if not isinstance(data, dict) or data.get("tool") != "derivcheck":
        tool = data.get("tool") if isinstance(data, dict) else None
        made_by = f"made by {tool!r}" if tool else "no 'tool': 'derivcheck' field"
        raise HtmlReportError(f"{path}: not a derivcheck JSON report ({made_by})")
    from verify.run.runner import TOOL_VERSION

    version = data.get("version")
    # The JSON contract only adds fields within a major version; another major may mean anything.
    if not isinstance(version, str) or version.split(".")[0] != TOOL_VERSION.split(".")[0]:
        raise HtmlReportError(f"{path}: written by derivcheck {version!r}, this is {TOOL_VERSION}; "
                              "re-run `derivcheck verify --format json`")
    results = data.get("results")
    if not isinstance(results, list):
        raise HtmlReportError(f"{path}: no 'results' list")
    parsed = []
    for k, item in enumerate(results):
        try:
            parsed.append(ClaimResult.from_dict(item))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise HtmlReportError(f"{path}: result {k + 1} is not a derivcheck claim result "
                                  f"({type(exc).__name__}: {exc})") from None
    summary = data.get("summary")
    if isinstance(summary, dict) and summary.get("claims") not in (None, len(parsed)):
        raise HtmlReportError(f"{path}: summary counts {summary.get('claims')} claims but "
                              f"{len(parsed)} results are present (truncated?)")
    seed = data.get("seed", 0)
    return Report(results=parsed, tool_version=version, seed=seed if isinstance(seed, int) else 0)


def _spec_index(paths: list[str], required: bool) -> tuple[list[Any], SpecIndex]:
    from derive.spec.load import SpecError, load_specs

    try:
        exercises = load_specs([Path(p) for p in paths])
    except (SpecError, OSError) as exc:
        if required:
            raise HtmlReportError(str(exc).splitlines()[0]) from None
        return [], {}  # only used for plots then; they fall back to the report's LaTeX
    return exercises, {(ex.id, c.id): (ex, c) for ex in exercises for c in ex.claims}


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
            report = load_report_json(Path(args.from_json))
            paths = args.paths or (["exercises"] if Path("exercises").is_dir() else [])
            _, specs = _spec_index(paths, required=bool(args.paths)) if paths else ([], {})
        else:
            if args.jobs < 1 or args.timeout <= 0:
                raise HtmlReportError("-j needs at least 1 and --timeout a positive number of seconds")
            exercises, specs = _spec_index(args.paths or ["exercises"], required=True)
            from derive.spec.load import SpecError
            from verify.run.runner import RunOptions, run_suite

            try:
                cache = None if args.no_cache else Path(args.cache_dir)  # shared with `verify`
                report = run_suite(exercises, RunOptions(seed=args.seed, timeout=args.timeout, jobs=args.jobs,
                                                         cache_dir=cache))
            except SpecError as exc:
                raise HtmlReportError(str(exc).splitlines()[0]) from None
        written = _write_outputs(args, report, notes_dir, specs)
    except (HtmlReportError, PdfError) as exc:
        print(f"derivcheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        print(f"derivcheck: cannot write {exc.filename or 'the report'}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    for path in written:
        print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK


def _write_outputs(args: argparse.Namespace, report: Report, notes_dir: Path | None,
                   specs: SpecIndex) -> list[Path]:
    written = []
    if args.html:
        cache = None if args.no_cache else Path(args.cache_dir) / "plots"
        write_html_report(report, Path(args.html), notes_dir=notes_dir, specs=specs, cache_dir=cache)
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
