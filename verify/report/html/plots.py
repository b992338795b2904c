"""Small SVG plots of wrong claims (claimed dashed, derived solid, counterexample marked), with a disk cache.

Rebuilding the expressions and drawing are most of the report's build time, so each plot is cached under
a content hash of everything it depends on: the result, the exercise's spec, the seed, the tool's source
and matplotlib's version. A changed claim or tool never reuses a stale plot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from verify.report.html.plot_data import Curves, NoPlot, SpecIndex, claim_curves
from verify.result import ClaimResult

__all__ = ["Plot", "PlotCache", "SpecIndex", "plot_claim", "render_svg"]


@dataclass
class Plot:
    svg: str | None  # SVG document, or None when no plot could be drawn
    note: str  # what the x axis is, or why there is no plot


class PlotCache:
    """Plots (and reasons for no plot) by content hash; `directory=None` caches nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @staticmethod
    def key(result: ClaimResult, specs: SpecIndex, seed: int) -> str:
        import matplotlib

        from verify.run.cache import code_fingerprint

        spec = specs.get((result.exercise, result.claim))
        payload = json.dumps([result.to_dict(), dataclasses.asdict(spec[0]) if spec else None, seed,
                              code_fingerprint(), matplotlib.__version__], sort_keys=True, default=str)
        return hashlib.blake2b(payload.encode(), digest_size=20).hexdigest()

    def get(self, key: str) -> Plot | None:
        if self.directory is None:
            return None
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            return Plot(data["svg"], data["note"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, plot: Plot) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"svg": plot.svg, "note": plot.note}, fh)
            os.replace(tmp, self.directory / f"{key}.json")
        except OSError:
            pass  # a cache that cannot be written only costs time


def plot_claim(result: ClaimResult, specs: SpecIndex, seed: int = 0, cache: PlotCache | None = None) -> Plot:
    """An SVG of claimed vs derived near the counterexample, or a note saying why there is none."""
    key = PlotCache.key(result, specs, seed) if cache is not None and cache.directory is not None else None
    if key is not None and (hit := cache.get(key)) is not None:  # type: ignore[union-attr]
        return hit
    try:
        curves = claim_curves(result, specs, seed)
        plot = Plot(render_svg(curves), curves.note)
    except NoPlot as exc:
        plot = Plot(None, str(exc))
    except Exception as exc:  # noqa: BLE001 - a plot must never cost the whole report
        plot = Plot(None, f"the plot could not be drawn ({type(exc).__name__})")
    if key is not None:
        cache.put(key, plot)  # type: ignore[union-attr]
    return plot


def _ylim(c: Curves) -> tuple[float, float] | None:
    """Clip far-out values (poles, exponentials) so the difference near the counterexample stays visible."""
    values = np.concatenate([c.claimed[np.isfinite(c.claimed)], c.derived[np.isfinite(c.derived)]])
    if not len(values):
        return None
    lo, hi = np.percentile(values, [2, 98])
    lo, hi = min(lo, c.c0, c.e0), max(hi, c.c0, c.e0)
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, abs(hi)) * 0.1
    return float(lo - pad), float(hi + pad)


def _cut(y: np.ndarray, lim: tuple[float, float] | None) -> np.ndarray:
    """Far outside the axes (a pole) the line is broken instead of drawn as a vertical stroke."""
    if lim is None:
        return y
    span = lim[1] - lim[0]
    return np.where((y < lim[0] - 2 * span) | (y > lim[1] + 2 * span), np.nan, y)


def render_svg(c: Curves) -> str:
    """The plot as an SVG document; no pyplot (global state) and fixed margins (tight_layout is slow)."""
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "derivcheck", "font.size": 9,
                                "path.simplify_threshold": 0.05}):
        fig = Figure(figsize=(5.0, 3.0))
        fig.subplots_adjust(left=0.13, right=0.98, bottom=0.15, top=0.96)
        ax = fig.add_subplot()
        lim = _ylim(c)
        ax.plot(c.x, _cut(c.derived, lim), color="#1a7f37", label="derived", linewidth=1.8)
        ax.plot(c.x, _cut(c.claimed, lim), color="#cf222e", label="claimed", linewidth=1.8, linestyle="--")
        for xs, curve, colour, gid in ((c.kinks_derived, c.derived, "#1a7f37", "kinks-derived"),
                                       (c.kinks_claimed, c.claimed, "#cf222e", "kinks-claimed")):
            if len(xs):
                ys = np.interp(xs, c.x, curve)
                ax.plot(xs, ys, "D", color=colour, markersize=4, markerfacecolor="white", gid=gid,
                        label="kink or jump" if gid == "kinks-derived" or not len(c.kinks_derived) else None)
        ax.plot([c.x0], [c.e0], "o", color="#1a7f37")
        ax.plot([c.x0], [c.c0], "o", color="#cf222e", gid="counterexample")
        ax.axvline(c.x0, color="#888888", linewidth=0.8, linestyle=":")
        ax.annotate("counterexample", (c.x0, c.c0), textcoords="offset points", xytext=(6, 6), fontsize=8)
        if lim is not None:
            ax.set_ylim(*lim)
        ax.set_xlim(float(c.x[0]), float(c.x[-1]))
        ax.set_xlabel(c.xlabel)
        ax.set_ylabel(c.ylabel)
        ax.legend(loc="best", fontsize=8)
        ax.grid(True, alpha=0.3)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
