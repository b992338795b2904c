"""Regenerate docs/report-udl.png, the README's screenshot of the HTML report.

    python docs/make_screenshot.py [--from report.json] [--notes-dir DIR]

Builds the report for the bundled suite (checking it first unless `--from` is given; the result cache makes
a repeat quick), opens the udl-solutions.md page in headless Chromium with UDL 2.1's first wrong claim
expanded, and saves a palette PNG (small enough to commit).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "report-udl.png"
CHROMIUM = Path("/usr/bin/chromium")
ANCHOR = "c-udl-2-1-dl-dphi0"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="from_json", default=None, help="a saved `verify --plots --format json` report")
    ap.add_argument("--notes-dir", default=str(ROOT.parent / "shared" / "notes"))
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    html = Path(tempfile.mkdtemp(prefix="derivcheck-shot-")) / "html"
    source = ["--from", args.from_json] if args.from_json else []
    subprocess.run([sys.executable, str(ROOT / "cli.py"), "report", "--html", str(html), *source,
                    "--notes-dir", args.notes_dir, str(ROOT / "exercises")], cwd=ROOT, check=True)

    from PIL import Image
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1000, "height": 1150})
        page.goto((html / "notes-udl-solutions-md.html").as_uri())
        # Start a little above the marked formula so the notes, the verdict labels, the expanded details
        # and the plot are all in view.
        page.evaluate(f"""() => {{
            const d = document.getElementById('{ANCHOR}');
            d.open = true;
            const mark = document.querySelector('a[href="#{ANCHOR}"]').closest('.display-math, .para');
            window.scrollTo(0, mark.getBoundingClientRect().top + window.scrollY - 90);
        }}""")
        png = page.screenshot()
        browser.close()
    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=96, method=Image.Quantize.MEDIANCUT)
    image.save(args.out, optimize=True)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
