"""How many display formulas of the notes does the project's LaTeX parser accept?

Usage:
    python benchmarks/parse_rate.py [--notes-dir DIR] [--show-failures] [files...]

Without files, every .md/.markdown/.tex file of the notes directory is used
(default: ../shared/notes relative to the project root).  Inline spans are only
counted, not parsed.  Exit status: 0 done, 1 no input, 2 parser not importable.
"""

from __future__ import annotations

import argparse
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
    failures: list[tuple[MathSpan, str]] = field(default_factory=list)


def _notes_files(args: argparse.Namespace) -> list[Path]:
    if args.files:
        return [Path(f) for f in args.files]
    notes_dir = Path(args.notes_dir)
    if not notes_dir.is_dir():
        return []
    return sorted(p for p in notes_dir.iterdir() if p.suffix.lower() in NOTES_SUFFIXES)


def _measure(path: Path, parse_latex: object, error_type: type[BaseException]) -> FileResult:
    result = FileResult(path)
    start = time.perf_counter()
    spans = find_math_in_file(path)
    result.extract_seconds = time.perf_counter() - start
    result.inline = sum(not s.display for s in spans)
    for span in (s for s in spans if s.display):
        result.display += 1
        start = time.perf_counter()
        try:
            parse_latex(span.latex)  # type: ignore[operator]
        except error_type as exc:
            result.failures.append((span, str(exc) or type(exc).__name__))
        except Exception as exc:  # a parser crash is a failure too, but say so
            result.failures.append((span, f"CRASH {type(exc).__name__}: {exc}"))
        else:
            result.parsed += 1
        finally:
            result.seconds += time.perf_counter() - start
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", help="notes files (default: all notes in --notes-dir)")
    ap.add_argument("--notes-dir", default=str(ROOT.parent / "shared" / "notes"), help="default: %(default)s")
    ap.add_argument("--show-failures", action="store_true", help="print line and error of each failure")
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

    results = [_measure(p, parse_latex, LatexParseError) for p in files]

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

    if args.show_failures:
        for r in results:
            for span, message in r.failures:
                print(f"{r.path}:{span.line}:{span.column}: {message}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
