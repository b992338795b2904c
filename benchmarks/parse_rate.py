"""How many display formulas of the notes does the project's LaTeX parser accept, and how fast?

Usage:
    python benchmarks/parse_rate.py [--notes-dir DIR] [--show-failures] [--no-lower] [--repeats N] [files...]

Without files, every .md/.markdown/.tex file of the notes directory is used
(default: ../shared/notes relative to the project root).  Inline spans are only
counted, not parsed.  Exit status: 0 done, 1 no input, 2 parser not importable.

Speed (issue 15: parsing <= 2 ms per formula, median): each display formula is parsed without the parser's
cache, and each parsed one is also lowered to SymPy (every operand of every statement, with no declarations,
as `derivcheck equiv` reads an expression; a formula that does not lower still counts its time). The report
gives the median and the 90th percentile per formula, of parsing alone (the fastest of --repeats runs, so a shared
machine's load moves it little) and of parsing plus lowering (lowered once).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run from a checkout without installing the project.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from verify.notes.math import MathSpan, find_math_in_file  # noqa: E402

NOTES_SUFFIXES = (".md", ".markdown", ".tex")


@dataclass
class FileResult:
    path: Path
    display: int = 0
    parsed: int = 0
    inline: int = 0
    seconds: float = 0.0  # parsing only
    extract_seconds: float = 0.0
    parse_times: list[float] = field(default_factory=list)   # per display formula, seconds
    lower_times: list[float] = field(default_factory=list)   # parse + lower, per parsed formula
    failures: list[tuple[MathSpan, str]] = field(default_factory=list)


def _notes_files(args: argparse.Namespace) -> list[Path]:
    if args.files:
        return [Path(f) for f in args.files]
    notes_dir = Path(args.notes_dir)
    if not notes_dir.is_dir():
        return []
    return sorted(p for p in notes_dir.iterdir() if p.suffix.lower() in NOTES_SUFFIXES)


def _measure(path: Path, parse_latex: object, error_type: type[BaseException], lower: object = None,
             repeats: int = 3) -> FileResult:
    result = FileResult(path)
    start = time.perf_counter()
    spans = find_math_in_file(path)
    result.extract_seconds = time.perf_counter() - start
    result.inline = sum(not s.display for s in spans)
    uncached = getattr(parse_latex, "__wrapped__", parse_latex)   # time the parse, not the cache
    for span in (s for s in spans if s.display):
        result.display += 1
        start = time.perf_counter()
        formula = None
        try:
            formula = uncached(span.latex)  # type: ignore[operator]
        except error_type as exc:
            result.failures.append((span, str(exc) or type(exc).__name__))
        except Exception as exc:  # a parser crash is a failure too, but say so
            result.failures.append((span, f"CRASH {type(exc).__name__}: {exc}"))
        else:
            result.parsed += 1
        finally:
            result.seconds += time.perf_counter() - start
        if formula is None:
            continue
        # the fastest of a few parses: what the formula costs, not what other processes on the machine cost;
        # lowering is timed once (a second run would find SymPy's cache warm)
        parse = min(_timed(uncached, span.latex) for _ in range(repeats))
        result.parse_times.append(parse)
        if lower is not None:
            result.lower_times.append(parse + _timed(lower, formula))
    return result


def _timed(fn, arg) -> float:
    start = time.perf_counter()
    fn(arg)
    return time.perf_counter() - start


def _lowering():
    """Lower every operand of a parsed formula (no declarations, each under a CPU budget; failures ignored)."""
    from derive.lower.lowerer import Lowerer
    from derive.spec.declarations import Declarations
    from verify.compare.budget import time_limit

    def lower(formula) -> None:
        for statement in formula.statements:
            for operand in statement.operands:
                try:
                    with time_limit(5.0):
                        Lowerer(Declarations()).expr(operand)
                except Exception:  # noqa: BLE001 - a formula that does not lower still counts its time
                    pass

    return lower


def _ms(times: list[float], q: float) -> str:
    if not times:
        return "n/a"
    ordered = sorted(times)
    return f"{1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]:.2f} ms"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="notes files (default: all notes in --notes-dir)")
    ap.add_argument("--notes-dir", default=str(ROOT.parent / "shared" / "notes"), help="default: %(default)s")
    ap.add_argument("--show-failures", action="store_true", help="print line and error of each failure")
    ap.add_argument("--no-lower", action="store_true", help="time parsing only (no lowering to SymPy)")
    ap.add_argument("--repeats", type=int, default=3, help="runs per formula, the fastest counts (default 3)")
    args = ap.parse_args(argv)

    try:
        # Imported lazily: the parser is developed separately and may be missing or broken.
        from derive.parse.latex import LatexParseError, parse_latex
    except Exception as exc:
        print(f"parse_rate: cannot import derive.latex.parse_latex/LatexParseError: {exc!r}", file=sys.stderr)
        return 2

    files = _notes_files(args)
    if not files:
        print(f"parse_rate: no notes files (looked in {args.notes_dir})", file=sys.stderr)
        return 1

    lower = None if args.no_lower else _lowering()
    parse_latex("x")   # build the parser (once per process) before timing
    results = [_measure(p, parse_latex, LatexParseError, lower, max(1, args.repeats)) for p in files]

    width = max(len(r.path.name) for r in results)
    print(f"{'file':<{width}}  {'display':>7}  {'parsed':>6}  {'rate':>6}  {'inline':>6}")
    for r in results:
        rate = f"{100 * r.parsed / r.display:5.1f}%" if r.display else "    -"
        print(f"{r.path.name:<{width}}  {r.display:>7}  {r.parsed:>6}  {rate:>6}  {r.inline:>6}")
    total = sum(r.display for r in results)
    parsed = sum(r.parsed for r in results)
    seconds = sum(r.seconds for r in results)
    rate = f"{100 * parsed / total:5.1f}%" if total else "    -"
    print(f"{'TOTAL':<{width}}  {total:>7}  {parsed:>6}  {rate:>6}  {sum(r.inline for r in results):>6}")
    mean = f"{1000 * seconds / total:.2f} ms/formula" if total else "n/a"
    extract = sum(r.extract_seconds for r in results)
    print(
        f"parse time {seconds:.3f} s, mean {mean}; extraction {extract:.3f} s; total {seconds + extract:.3f} s"
    )
    parse_times = [t for r in results for t in r.parse_times]
    print(f"per formula: parse median {_ms(parse_times, 0.5)} (90th percentile {_ms(parse_times, 0.9)})")
    if lower is not None:
        lower_times = [t for r in results for t in r.lower_times]
        median = f"{1000 * statistics.median(lower_times):.2f} ms" if lower_times else "n/a"
        print(f"per formula: parse + lower median {median} (90th percentile {_ms(lower_times, 0.9)})")

    if args.show_failures:
        for r in results:
            for span, message in r.failures:
                print(f"{r.path}:{span.line}:{span.column}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
