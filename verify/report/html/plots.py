"""Small SVG plots of wrong claims (claimed dashed, derived solid, counterexample marked), with a disk cache.

The curves come with the result (`ClaimResult.plot`, computed when the claim was checked); this module only
draws them. Drawing is most of the report's build time, so each SVG is cached under a content hash of the
curve data, this module's source and matplotlib's version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from verify.result import PlotData

__all__ = ["SvgCache", "plot_svg", "render_svg"]

_SOURCE = Path(__file__).read_bytes()


class SvgCache:
    """SVG documents by content hash; `directory=None` caches nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @staticmethod
    def key(plot: PlotData) -> str:
        import matplotlib  # optional heavy dependency: imported only when a plot is drawn

        h = hashlib.blake2b(digest_size=20)
        h.update(json.dumps(plot.to_dict(), sort_keys=True).encode())
        h.update(_SOURCE)
        h.update(matplotlib.__version__.encode())
        return h.hexdigest()

    def get(self, key: str) -> str | None:
        if self.directory is None:
            return None
        try:
            return (self.directory / f"{key}.svg").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, svg: str) -> None:
        if self.directory is None:
            return
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(svg)
            os.replace(tmp, self.directory / f"{key}.svg")
        except OSError:
            pass  # a cache that cannot be written only costs time


def plot_svg(plot: PlotData, cache: SvgCache | None = None) -> str:
    """The SVG of drawable curve data, from the cache when it was drawn before."""
    key = SvgCache.key(plot) if cache is not None and cache.directory is not None else None
    if key is not None and (hit := cache.get(key)) is not None:  # type: ignore[union-attr]
        return hit
    svg = render_svg(plot)
    if key is not None:
        cache.put(key, svg)  # type: ignore[union-attr]
    return svg


def _ylim(claimed: np.ndarray, derived: np.ndarray, c0: float, e0: float) -> tuple[float, float] | None:
    """Clip far-out values (poles, exponentials) so the difference near the counterexample stays visible."""
    values = np.concatenate([claimed[np.isfinite(claimed)], derived[np.isfinite(derived)]])
    if not len(values):
        return None
    lo, hi = np.percentile(values, [2, 98])
    lo, hi = min(lo, c0, e0), max(hi, c0, e0)
    pad = 0.08 * (hi - lo) if hi > lo else max(1.0, abs(hi)) * 0.1
    return float(lo - pad), float(hi + pad)


def _cut(y: np.ndarray, lim: tuple[float, float] | None) -> np.ndarray:
    """Far outside the axes (a pole) the line is broken instead of drawn as a vertical stroke."""
    if lim is None:
        return y
    span = lim[1] - lim[0]
    return np.where((y < lim[0] - 2 * span) | (y > lim[1] + 2 * span), np.nan, y)


def _array(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def render_svg(c: PlotData) -> str:
    """The plot as an SVG document; no pyplot (global state) and fixed margins (tight_layout is slow)."""
    import matplotlib  # optional heavy dependency: imported only when a plot is drawn
    from matplotlib.figure import Figure

    x, claimed, derived = _array(c.x), _array(c.claimed), _array(c.derived)
    kinks_claimed, kinks_derived = _array(c.kinks_claimed), _array(c.kinks_derived)
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "derivcheck", "font.size": 9,
                                "path.simplify_threshold": 0.05}):
        fig = Figure(figsize=(5.0, 3.0))
        fig.subplots_adjust(left=0.13, right=0.98, bottom=0.15, top=0.96)
        ax = fig.add_subplot()
        lim = _ylim(claimed, derived, c.c0, c.e0)
        ax.plot(x, _cut(derived, lim), color="#1a7f37", label="derived", linewidth=1.8)
        ax.plot(x, _cut(claimed, lim), color="#cf222e", label="claimed", linewidth=1.8, linestyle="--")
        for xs, curve, colour, gid in ((kinks_derived, derived, "#1a7f37", "kinks-derived"),
                                       (kinks_claimed, claimed, "#cf222e", "kinks-claimed")):
            if len(xs):
                ys = np.interp(xs, x, curve)
                ax.plot(xs, ys, "D", color=colour, markersize=4, markerfacecolor="white", gid=gid,
                        label="kink or jump" if gid == "kinks-derived" or not len(kinks_derived) else None)
        ax.plot([c.x0], [c.e0], "o", color="#1a7f37")
        ax.plot([c.x0], [c.c0], "o", color="#cf222e", gid="counterexample")
        ax.axvline(c.x0, color="#888888", linewidth=0.8, linestyle=":")
        ax.annotate("counterexample", (c.x0, c.c0), textcoords="offset points", xytext=(6, 6), fontsize=8)
        if lim is not None:
            ax.set_ylim(*lim)
        ax.set_xlim(float(x[0]), float(x[-1]))
        ax.set_xlabel(c.xlabel)
        ax.set_ylabel(c.ylabel)
        ax.legend(loc="best", fontsize=8)
        ax.grid(True, alpha=0.3)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
