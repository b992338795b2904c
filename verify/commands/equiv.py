"""`derivcheck equiv A B`: one-off or batch (`--batch PAIRS.jsonl`) equivalence of two LaTeX expressions."""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
from typing import Any

import yaml

from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.parse.latex import LatexParseError, parse_latex
from derive.spec.declarations import DeclarationError, Declarations, declare_symbols
from verify.claims.context import claim_seed
from verify.compare.budget import time_limit
from verify.compare.equal import compare
from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from verify.report import format_counterexample, one_line
from verify.result import Counterexample
from verify.write.latex import to_latex


class EquivInputError(ValueError):
    pass


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `equiv` subcommand to `subparsers`."""
    e = subparsers.add_parser("equiv", help="are two LaTeX expressions equal?")
    e.add_argument("a", nargs="?")
    e.add_argument("b", nargs="?")
    e.add_argument("--symbols", default=None, help="YAML mapping, e.g. 'x: {indexed: i}, y: positive'")
    e.add_argument("--format", default="text", choices=["text", "json"])
    e.add_argument("--batch", default=None, help="JSONL file of {id, a, b, symbols?} pairs ('-' = stdin)")
    e.add_argument("--seed", type=int, default=0)
    e.add_argument("--timeout", type=float, default=10.0)
    e.add_argument("-j", "--jobs", type=int, default=1)
    return e


def parse_symbols_option(text: str | None) -> dict[str, Any]:
    """`--symbols 'x: {indexed: i}, y: positive'` (YAML flow mapping, safe loader)."""
    if not text:
        return {}
    try:
        data = yaml.safe_load("{" + text + "}")
    except yaml.YAMLError as exc:
        raise UsageError(f"--symbols: not a mapping: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise UsageError("--symbols must be a mapping like 'x: positive'")
    return data


def _expression(text: Any, decls: Declarations, which: str):
    if not isinstance(text, str):
        raise EquivInputError(f"{which}: expected LaTeX text")
    try:
        formula = parse_latex(text)
    except LatexParseError as exc:
        raise EquivInputError(f"{which}: {exc}") from None
    if len(formula.statements) != 1 or len(formula.statements[0].operands) != 1:
        raise EquivInputError(f"{which}: expected one expression, not an equation or a list")
    try:
        return Lowerer(decls).expr(formula.statements[0].operands[0])
    except (LoweringError, ValueError, TypeError) as exc:
        raise EquivInputError(f"{which}: {exc}") from None


def check_pair(a: Any, b: Any, symbols: dict[str, Any] | None, *, seed: int = 0,
               timeout: float = 10.0) -> dict[str, Any]:
    """{equivalent: true|false|null, evidence, counterexample, error} for one pair."""
    out: dict[str, Any] = {"equivalent": None, "evidence": "", "counterexample": None, "error": None}
    decls = Declarations()
    try:
        if symbols:
            if not isinstance(symbols, dict):
                raise EquivInputError("symbols must be a mapping")
            declare_symbols(decls, symbols)
        ea, eb = _expression(a, decls, "a"), _expression(b, decls, "b")
        with time_limit(timeout):
            comp = compare(ea, eb, seed=seed, proof_seconds=min(3.0, timeout / 3))
    except (EquivInputError, DeclarationError) as exc:
        out["error"] = str(exc)
        out["unparsable"] = True
        return out
    except TimeoutError:
        out["error"] = f"time budget of {timeout:g} s ran out"
        return out
    out["equivalent"] = comp.equal
    out["evidence"] = comp.evidence if comp.equal is not None else ""
    out["diagnosis"] = comp.diagnosis
    out["a_latex"], out["b_latex"] = to_latex(ea), to_latex(eb)
    if comp.counterexample:
        out["counterexample"] = comp.counterexample.to_dict()
    if comp.equal is None:
        out["error"] = comp.reason
    return out


def _batch_item(args: tuple[int, str, int, float]) -> str:
    lineno, line, seed, timeout = args
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        return json.dumps({"id": None, "equivalent": None, "evidence": "", "counterexample": None,
                           "error": f"line {lineno}: invalid JSON ({exc})"})
    pair_id = item.get("id", lineno)
    try:
        result = check_pair(item.get("a"), item.get("b"), item.get("symbols"),
                            seed=claim_seed(seed, "equiv", str(pair_id)), timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - one bad pair never stops the batch
        result = {"equivalent": None, "evidence": "", "counterexample": None, "error": f"internal: {exc}"}
    result.pop("unparsable", None)
    return json.dumps({"id": pair_id, **{k: result.get(k) for k in
                                          ("equivalent", "evidence", "counterexample", "error")}})


def _batch(args: argparse.Namespace) -> int:
    stream = sys.stdin if args.batch == "-" else _open(args.batch)
    with stream:
        work = [(n, line, args.seed, args.timeout) for n, line in enumerate(stream, 1) if line.strip()]
    if args.jobs > 1:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            for out in pool.imap(_batch_item, work, chunksize=4):
                print(out, flush=False)
    else:
        for item in work:
            print(_batch_item(item))
    return EXIT_OK


def text_lines(result: dict[str, Any]) -> list[str]:
    """The text output of one pair, through the report helpers `verify` uses (a counterexample reads the same)."""
    if result["equivalent"] is True:
        return [f"equivalent ({result['evidence']})"]
    if result["equivalent"] is False:
        lines = ["NOT equivalent" + (f": {one_line(result['diagnosis'])}" if result.get("diagnosis") else "")]
        cx = result["counterexample"]
        if cx:
            point = Counterexample(cx["point"], cx["claimed"], cx["expected"])
            lines.append(f"  counterexample: {format_counterexample(point, claimed='a =', derived='b =')}")
        return lines
    return [f"undecided: {result['error']}"]


def run(args: argparse.Namespace) -> int:
    """Exit 0 equivalent, 1 not equivalent, 2 unreadable input or undecided."""
    if args.batch:
        return _batch(args)
    if args.a is None or args.b is None:
        raise UsageError("equiv needs two LaTeX expressions (or --batch FILE)")
    result = check_pair(args.a, args.b, parse_symbols_option(args.symbols), seed=args.seed, timeout=args.timeout)
    if args.format == "json":
        print(json.dumps(result, indent=2))
    elif result.get("unparsable"):
        print(f"derivcheck: {result['error']}", file=sys.stderr)
    else:
        for line in text_lines(result):
            print(line)
    if result.get("unparsable"):
        return EXIT_USAGE
    if result["equivalent"] is True:
        return EXIT_OK
    if result["equivalent"] is False:
        return EXIT_FINDINGS
    return EXIT_USAGE


def _open(path: str):
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the caller's with
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror}") from None
