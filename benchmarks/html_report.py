"""HTML report: the cost of plot data at check time, build time for the bundled suite, page loads in Chromium.

    python benchmarks/html_report.py [--from report.json] [--notes-dir DIR] [--runs N] [-j N]

Without `--from` the suite is checked twice in fresh processes, cold (no result cache): `verify --format json`
and `verify --plots --format json`; the difference is what computing the curves of the wrong claims costs (the
reason plots are opt-in). Each build then runs `derivcheck report --html --from` in a fresh process: cold (no
SVG cache) and warm (SVGs cached). Page load is navigation start to the end of the load event, measured by
Chromium itself, for every page (the best of `--runs` loads). Prints the figures; no assertion, so it never
makes a test flaky. CPU times include the worker processes; on a shared machine wall time is less telling.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")


def _timed(argv: list[str], stdout=subprocess.PIPE) -> tuple[float, float]:
    """(wall, CPU) seconds of one derivcheck command in a fresh process (its workers included)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *argv], cwd=ROOT, stdout=stdout,
                          stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        sys.exit(f"derivcheck {argv[0]} failed: {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _check(report: Path, jobs: int) -> None:
    """Check the suite with and without plot data; keep the report with it."""
    base = ["verify", str(ROOT / "exercises"), "--format", "json", "--no-cache", "-j", str(jobs)]
    wall0, cpu0 = _timed(base, stdout=subprocess.DEVNULL)
    print(f"verify (no plot data): wall {wall0:.1f} s, CPU {cpu0:.1f} s")
    with report.open("w") as fh:
        wall1, cpu1 = _timed([*base, "--plots"], stdout=fh)
    results = json.loads(report.read_text())["results"]
    drawn = sum(1 for r in results if r.get("plot") and "x" in r["plot"])
    noted = sum(1 for r in results if r.get("plot") and "x" not in r["plot"])
    print(f"verify --plots: wall {wall1:.1f} s, CPU {cpu1:.1f} s; {drawn} curve sets, {noted} reasons for no plot; "
          f"plot data costs {cpu1 - cpu0:+.1f} s CPU ({(cpu1 - cpu0) / max(drawn, 1) * 1000:.0f} ms per curve set), "
          f"JSON {report.stat().st_size / 1e6:.2f} MB")


def _build(report: Path, out: Path, notes: Path, cache: list[str]) -> tuple[float, float]:
    return _timed(["report", "--html", str(out), "--from", str(report), "--notes-dir", str(notes), *cache])


def _load_times(folder: Path, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    times: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto((folder / "index.html").as_uri())  # warm the browser itself up
        for html in sorted(folder.glob("*.html")):
            best = float("inf")
            for _ in range(runs):
                page.goto(html.as_uri())
                best = min(best, page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
            times[html.name] = best
        browser.close()
    return times


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="from_json", default=None,
                    help="a saved `verify --plots --format json` report (skips the check-time figures)")
    ap.add_argument("--notes-dir", default=str(ROOT.parent / "shared" / "notes"))
    ap.add_argument("--runs", type=int, default=3, help="page loads per page (the best is reported)")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="worker processes for the checks")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="derivcheck-html-bench-"))
    report = Path(args.from_json) if args.from_json else work / "report.json"
    if not args.from_json:
        _check(report, args.jobs)
    summary = json.loads(report.read_text())["summary"]
    print(f"suite: {summary['claims']} claims, {summary['wrong']} wrong, {summary['exercises']} exercises")
    cache = work / "cache"
    for label, extra in (("cold (no SVG cache)", ["--no-cache"]),
                         ("fill SVG cache", ["--cache-dir", str(cache)]),
                         ("warm (SVGs cached)", ["--cache-dir", str(cache)])):
        wall, cpu = _build(report, work / "html", Path(args.notes_dir), extra)
        print(f"build {label}: wall {wall:.2f} s, CPU {cpu:.2f} s")
    out = work / "html"
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"folder: {len(list(out.glob('*.html')))} pages, {len(list(out.glob('plots/*.svg')))} plots, "
          f"{size / 1e6:.2f} MB")
    if not CHROMIUM.exists():
        print(f"page load: skipped ({CHROMIUM} not installed)")
        return 0
    for name, ms in _load_times(out, args.runs).items():
        print(f"load {name}: {ms:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
