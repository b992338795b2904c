"""`derivcheck show ID [PATH ...]`: the derivation of one exercise (given, recipes, derived LaTeX, evidence)."""

from __future__ import annotations

import argparse
import json

from derive.lower.definitions import build_declarations
from derive.spec.errors import SpecError
from verify.claims.context import derive_expected
from verify.commands.options import add_run_options
from verify.commands.specs import load_exercises, run_checks, run_options, spec_error
from verify.exit_codes import EXIT_OK, UsageError
from verify.result import Verdict
from verify.write.latex import to_latex


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `show` subcommand to `subparsers`."""
    s = subparsers.add_parser("show", help="the derivation of one exercise")
    s.add_argument("id", help="the exercise's id, e.g. udl/2.1")
    s.add_argument("paths", nargs="*", default=["exercises"], help="spec files or folders (default: exercises)")
    add_run_options(s, cache=False)
    return s


def run(args: argparse.Namespace) -> int:
    exercises = [ex for ex in load_exercises(args.paths) if ex.id == args.id]
    if not exercises:
        raise UsageError(f"no exercise with id {args.id}")
    ex = exercises[0]
    results = {r.claim: r for r in run_checks([ex], run_options(args), quiet=True).results}
    try:
        decls = build_declarations(ex)
        print(f"{ex.id}: {ex.title or ''}  ({ex.spec_file}:{ex.spec_line})")
        for name, value in decls.given.items():
            print(f"  given {name} = {to_latex(value)}")
        for name, (params, body) in decls.given_functions.items():
            print(f"  given {name}[{', '.join(map(str, params))}] = {to_latex(body)}")
        for claim in ex.claims:
            r = results.get(claim.id)
            print(f"\n  claim {claim.id} (notes line {claim.line}): {claim.latex}")
            if claim.expect is not None:
                print(f"    recipe:  {claim.expect}")
                if r is not None and r.expected_latex:
                    print(f"    derived: {r.expected_latex}")   # derived in the worker, under the limits
                elif r is not None and r.verdict is Verdict.UNVERIFIED and r.message.endswith("ran out"):
                    print(f"    derived: (not derived: {r.message})")
                else:
                    try:
                        print(f"    derived: {to_latex(derive_expected(claim, ex, build_declarations(ex)))}")
                    except Exception as exc:  # noqa: BLE001 - shown, not fatal
                        print(f"    derived: (failed: {exc})")
            if r:
                print(f"    verdict: {r.verdict.value} - {r.message}")
                for st in r.steps:
                    print(f"      step {st.index}: {st.verdict.value}: {st.message}")
                if r.counterexample:
                    print(f"    counterexample: {json.dumps(r.counterexample.to_dict())}")
    except SpecError as exc:
        raise spec_error(exc) from None
    return EXIT_OK
