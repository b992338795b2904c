"""HTML report: build time for the bundled suite and page load times in headless Chromium.

    python benchmarks/html_report.py [--from report.json] [--notes-dir DIR] [--runs N]

Without `--from` the suite is checked first (through the result cache, so a second call is quick). Each
build runs `derivcheck report --html` in a fresh process: cold (no plot cache) and warm (plots cached). Page
load is navigation start to the end of the load event, measured by Chromium itself, for every page (the
best of `--runs` loads). Prints the figures; no assertion, so it never makes a test flaky.
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


def _build(report: Path, out: Path, notes: Path, cache: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one `report --html` in a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    argv = [sys.executable, str(ROOT / "cli.py"), "report", "--html", str(out), "--from", str(report),
            "--notes-dir", str(notes), *cache, str(ROOT / "exercises")]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"report failed: {done.stderr.strip()}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    ap.add_argument("--from", dest="from_json", default=None, help="a saved `verify --format json` report")
    ap.add_argument("--notes-dir", default=str(ROOT.parent / "shared" / "notes"))
    ap.add_argument("--runs", type=int, default=3, help="page loads per page (the best is reported)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="derivcheck-html-bench-"))
    report = Path(args.from_json) if args.from_json else work / "report.json"
    if not args.from_json:
        with report.open("w") as fh:
            subprocess.run([sys.executable, str(ROOT / "cli.py"), "verify", str(ROOT / "exercises"),
                            "--format", "json", "-j", "2"], cwd=ROOT, stdout=fh, check=False)
    summary = json.loads(report.read_text())["summary"]
    print(f"suite: {summary['claims']} claims, {summary['wrong']} wrong, {summary['exercises']} exercises")
    cache = work / "cache"
    for label, extra in (("cold (no plot cache)", ["--no-cache"]),
                         ("fill plot cache", ["--cache-dir", str(cache)]),
                         ("warm (plots cached)", ["--cache-dir", str(cache)])):
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
