"""`equiv` throughput on a fixed file of pairs: the soundness regression pairs plus generated identities.

    .venv/bin/python benchmarks/equiv_pairs.py [--baseline OTHER_CHECKOUT]

Prints the pair count, the median and 90th-percentile time per pair in this process (parse + lower + compare,
one core), the wall time of `derivcheck equiv --batch -j 1` on the same file, and with --baseline the same batch
run by another checkout of derivcheck (e.g. an older commit) and the ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.lower.lowerer import Lowerer  # noqa: E402
from derive.parse.latex import parse_latex  # noqa: E402
from derive.spec.declarations import Declarations, declare_symbols  # noqa: E402
from verify.compare.equal import compare  # noqa: E402


def generated_pairs() -> list[dict]:
    pairs = []
    for k in range(1, 16):
        pairs.append({"a": f"(x + {k})^2", "b": f"x^2 + {2 * k} x + {k * k}", "equivalent": True})
        pairs.append({"a": f"(x + {k})^2", "b": f"x^2 + {2 * k + 1} x + {k * k}", "equivalent": False})
        pairs.append({"a": f"\\frac{{d}}{{dx}} x^{{{k + 1}}}", "b": f"{k + 1} x^{{{k}}}", "equivalent": True})
        pairs.append({"a": f"\\sin({k}x)^2 + \\cos({k}x)^2", "b": "1", "equivalent": True})
    return pairs


def all_pairs() -> list[dict]:
    tricky = ROOT / "tests" / "compare" / "tricky_pairs.jsonl"
    pairs = [json.loads(line) for line in tricky.read_text().splitlines() if line.strip()]
    pairs += generated_pairs()
    return [{"id": p.get("id", f"g{n}"), **p} for n, p in enumerate(pairs)]


def _lower(text: str, decls: Declarations):
    (st,) = parse_latex(text).statements
    return Lowerer(decls).expr(st.operands[0])


def in_process(pairs: list[dict]) -> list[float]:
    times = []
    for p in pairs:
        start = time.perf_counter()
        decls = Declarations()
        declare_symbols(decls, p.get("symbols", {}))
        compare(_lower(p["a"], decls), _lower(p["b"], decls), seed=0)
        times.append(time.perf_counter() - start)
    return times


def batch_seconds(checkout: Path, pairs_file: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, str(checkout / "cli.py"), "equiv", "--batch", str(pairs_file), "-j", "1"],
                   capture_output=True, text=True, cwd=checkout, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=Path, help="another checkout of derivcheck to run the same batch")
    args = parser.parse_args()
    pairs = all_pairs()
    times = in_process(pairs)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as fh:
        for p in pairs:
            fh.write(json.dumps({k: p[k] for k in ("id", "a", "b", "symbols") if k in p}) + "\n")
    here = batch_seconds(ROOT, Path(fh.name))
    print(f"pairs: {len(pairs)}")
    print(f"in process: median {1000 * statistics.median(times):.1f} ms, "
          f"90th percentile {1000 * statistics.quantiles(times, n=10)[-1]:.1f} ms per pair")
    print(f"equiv --batch -j 1: {here:.1f} s ({1000 * here / len(pairs):.1f} ms per pair with start-up)")
    if args.baseline:
        base = batch_seconds(args.baseline, Path(fh.name))
        print(f"baseline equiv --batch -j 1: {base:.1f} s ({1000 * base / len(pairs):.1f} ms per pair); "
              f"ratio {here / base:.2f}")


if __name__ == "__main__":
    main()
