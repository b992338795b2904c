"""How much of each notes file the bundled specs check: display formulas quoted by a claim, and claims by kind.

Usage:
    .venv/bin/python benchmarks/coverage.py [--missing FILE]

A display formula (`$$..$$`, `\\[..\\]`, an environment) counts as quoted when some claim's `line:` falls on one of
its lines, or some `definitions:` entry's (a display that only defines: quoted and located, no verdict; the
"defs" column counts the displays only a definition quotes, and "unread" the definitions the grammar cannot read). "with a relation" counts only displays holding `=`, `<`, `\\le`, `\\approx`, ... (the ones that assert
something; a bare expression may only name a quantity). `--missing FILE` lists the unquoted displays of one file.
Claims without `kind:` are counted under the kind the registry infers from the spec alone (numeric when they
print decimals, otherwise formula).
"""

from __future__ import annotations

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive.parse.latex import LatexParseError, parse_latex  # noqa: E402
from verify.claims.registry import load_suite  # noqa: E402
from verify.notes.math import find_math_in_file  # noqa: E402

NOTES = ROOT.parent / "shared" / "notes"
_RELATION = re.compile(r"=|<|>|\\(le|ge|leq|geq|approx|neq|ne|propto|sim|equiv)(?![a-zA-Z])")


def main() -> None:
    if not NOTES.is_dir():
        print(f"no notes at {NOTES} (expected ../shared/notes beside the project)")
        return
    exercises = load_suite([ROOT / "exercises"])
    lines: dict[str, set[int]] = defaultdict(set)
    defined: dict[str, set[int]] = defaultdict(set)
    unread: Counter = Counter()
    kinds: dict[str, Counter] = defaultdict(Counter)
    for ex in exercises:
        for d in ex.definitions:
            defined[d.notes or ex.notes].add(d.line)
            try:
                parse_latex(d.latex)
            except LatexParseError:
                unread[d.notes or ex.notes] += 1
        for claim in ex.claims:
            notes = claim.notes or ex.notes
            if claim.line is not None:
                lines[notes].add(claim.line)
            kinds[notes][claim.kind or ("numeric" if re.search(r"\d\.\d", claim.latex) else "formula")] += 1
    missing_for = sys.argv[sys.argv.index("--missing") + 1] if "--missing" in sys.argv else None
    print(f"{'notes file':28} {'displays':>8} {'quoted':>7} {'defs':>5} {'share':>6} {'w/ rel':>7} {'quoted':>7} "
          f"{'share':>6} {'unread':>6}  claims by kind")
    for path in sorted(NOTES.glob("*.md")):
        displays = [s for s in find_math_in_file(path) if s.display]
        by_claim = [s for s in displays if any(s.line <= ln <= s.end_line for ln in lines[path.name])]
        only_defs = [s for s in displays if s not in by_claim
                     and any(s.line <= ln <= s.end_line for ln in defined[path.name])]
        quoted = by_claim + only_defs
        related = [s for s in displays if _RELATION.search(s.latex)]
        related_quoted = [s for s in related if s in quoted]
        by_kind = ", ".join(f"{k} {n}" for k, n in kinds[path.name].most_common())
        print(f"{path.name:28} {len(displays):8d} {len(by_claim):7d} {len(only_defs):5d} {_share(quoted, displays):>6} "
              f"{len(related):7d} {len(related_quoted):7d} {_share(related_quoted, related):>6} "
              f"{unread[path.name]:6d}  {by_kind}")
        if missing_for == path.name:
            for s in related:
                if s not in quoted:
                    print(f"    {s.line}: {s.latex[:100]}")


def _share(part: list, whole: list) -> str:
    return f"{100 * len(part) / len(whole):.0f} %" if whole else "-"


if __name__ == "__main__":
    main()
