"""`derivcheck equiv A B`: one-off or batch (`--batch PAIRS.jsonl`) equivalence of two LaTeX expressions,
conditions (equations, inequalities, chains, systems: the same solution set over the reals) or sets (finite sets
and intervals); verify/compare/sides.py dispatches by what the two sides are.

Every pair is checked in a worker process under the limits `verify` uses (verify/run/workers.py): a pair that
outlives its CPU budget or the memory cap is undecided with the reason, and a batch goes on with the next pair.
Exit codes: 0 equivalent, 1 not equivalent, 2 unreadable input, 3 undecided. A batch exits 0 once every pair
has its answer line (each line says equivalent true / false / null), 2 when the batch file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import nullcontext
from typing import Any

import sympy as sp
import yaml

from derive.lower.bigops import declare_bound_counts
from derive.lower.definitions import written_name
from derive.lower.errors import LoweringError
from derive.lower.functions import opaque_function
from derive.lower.lowerer import Lowerer
from derive.lower.matcalc import instantiate
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Node
from derive.spec.declarations import DeclarationError, Declarations, declare_symbols
from verify.claims.context import claim_seed
from verify.compare.budget import time_limit
from verify.compare.engine import always_proving
from verify.compare.readings import Reading, ReadingError, SetBuilder, SetOp, read_side
from verify.compare.sides import compare_readings
from verify.compare.types import Comparison
from verify.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNDECIDED, EXIT_USAGE, UsageError, did_you_mean
from verify.report import format_counterexample, one_line
from verify.result import Counterexample
from verify.run.progress import ProgressLine
from verify.run.runner import overrun_message
from verify.run.workers import DEFAULT_MEMORY_MB, Job, Limits, Overrun, run_jobs
from verify.write.latex import to_latex

FORMATS = ("text", "json")
BATCH_CHUNK = 8   # pairs per job: a worker takes a few at a time


class EquivInputError(ValueError):
    pass


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `equiv` subcommand to `subparsers`."""
    e = subparsers.add_parser("equiv", help="are two LaTeX expressions equal?")
    e.add_argument("a", nargs="?", help="the first LaTeX expression")
    e.add_argument("b", nargs="?", help="the second LaTeX expression")
    e.add_argument("--symbols", default=None, help="YAML mapping, e.g. 'x: {indexed: i}, y: positive'")
    e.add_argument("--format", default="text", help="output of a single pair: text or json (default text)")
    e.add_argument("--batch", default=None, metavar="PAIRS.jsonl",
                   help="JSONL file of {id, a, b, symbols?} pairs ('-' = stdin): one JSON answer line each")
    e.add_argument("--seed", type=int, default=0, help="seed of the random points (same seed, same answers)")
    e.add_argument("--timeout", type=float, default=10.0, metavar="S",
                   help="CPU seconds per pair (default 10); a pair over it is undecided")
    e.add_argument("--memory", type=int, default=DEFAULT_MEMORY_MB, metavar="MB",
                   help=f"resident memory per worker process (default {DEFAULT_MEMORY_MB})")
    e.add_argument("-j", "--jobs", type=int, default=1, help="worker processes for --batch (default 1)")
    e.add_argument("--prove", action="store_true",
                   help="attempt a symbolic proof even where exact agreement already decides (slower)")
    e.add_argument("-q", "--quiet", action="store_true", help="no progress line on stderr for --batch")
    return e


def parse_symbols_option(text: str | None) -> dict[str, Any]:
    """`--symbols 'x: {indexed: i}, y: positive'` (YAML flow mapping, safe loader)."""
    if not text:
        return {}
    # Braces are optional: `x: positive` and `{x: positive}` are the same mapping.
    flow = text.strip() if text.strip().startswith("{") else "{" + text + "}"
    try:
        data = yaml.safe_load(flow)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
        where = f" at column {mark.column + 1}" if mark is not None else ""
        raise UsageError(f"--symbols: not a YAML mapping ({problem}{where}): {text!r}") from None
    if not isinstance(data, dict):
        raise UsageError("--symbols must be a mapping like 'x: positive'")
    return data


def _side(text: Any, decls: Declarations, which: str) -> Reading:
    if not isinstance(text, str):
        raise EquivInputError(f"{which}: expected LaTeX text")
    try:
        formula = parse_latex(text)
    except LatexParseError as exc:
        raise EquivInputError(f"{which}: {exc}") from None
    try:
        return read_side(formula, Lowerer(decls))
    except (LoweringError, ValueError, TypeError) as exc:   # ReadingError is a ValueError
        raise EquivInputError(f"{which}: {exc}") from None


def _operands(text: Any) -> list:
    try:
        return [o for st in parse_latex(text).statements for o in st.operands] if isinstance(text, str) else []
    except LatexParseError:
        return []   # reported by _expression


_OPS = {"=": "=", "!=": r"\ne", "<": "<", "<=": r"\le"}


def _latex(side: Reading) -> str:
    """The side as read (a condition as `difference op 0` per relation), for the JSON answer."""
    if side.kind == "expression":
        return to_latex(side.value)
    if side.kind == "set":
        return _set_latex(side.value)
    return _terms_latex(side.value)


def _set_latex(value: Any) -> str:
    if isinstance(value, SetBuilder):
        return rf"\left\{{{value.var} \mid {_terms_latex(value.terms)}\right\}}"
    if isinstance(value, SetOp):   # a set operation over a set-builder, kept as written until solved
        return rf" \{value.op} ".join(rf"\left({_set_latex(p)}\right)" for p in value.parts)
    return sp.latex(value)


def _terms_latex(terms) -> str:
    alternatives = [", ".join(f"{to_latex(r.d)} {_OPS[r.op]} 0" for r in term) for term in terms]
    return r" \text{ or } ".join(alternatives)


def check_pair(a: Any, b: Any, symbols: dict[str, Any] | None, *, seed: int = 0,
               timeout: float = 10.0, prove: bool = False) -> dict[str, Any]:
    """{equivalent: true|false|null, evidence, counterexample, error} for one pair. `prove`: attempt a symbolic
    proof even where exact agreement already decides."""
    out: dict[str, Any] = {"equivalent": None, "evidence": "", "counterexample": None, "error": None}
    decls = Declarations()
    try:
        if symbols:
            if not isinstance(symbols, dict):
                raise EquivInputError("symbols must be a mapping")
            # keys written as in LaTeX (`\\hat{y}: positive`, `w^*: real`) name what the sides name
            declare_symbols(decls, {written_name(decls, str(k)) or k: v for k, v in symbols.items()})
            if decls.shapes:   # `z: {shape: [3]}`: a vector of three entries, as in a spec
                instantiate(decls)
        declare_bound_counts(decls, _operands(a) + _operands(b))   # T of \sum_{t=0}^{T-1} is a count on both sides
        ea, eb = _side(a, decls, "a"), _side(b, decls, "b")
        with time_limit(timeout), (always_proving() if prove else nullcontext()):
            comp = compare_readings(ea, eb, seed=seed, proof_seconds=min(3.0, timeout / 3))
            letters = sorted(_applied_letters(a, decls) | _applied_letters(b, decls))
            if letters and comp.equal is not None:
                comp = _as_functions_too(a, b, decls, letters, comp, seed=seed, proof_seconds=min(3.0, timeout / 3))
    except (EquivInputError, DeclarationError, ReadingError) as exc:
        out["error"] = str(exc)
        out["unparsable"] = True
        return out
    except TimeoutError:
        out["error"] = f"time budget of {timeout:g} s ran out"
        return out
    out["equivalent"] = comp.equal
    out["evidence"] = comp.evidence if comp.equal is not None else ""
    out["diagnosis"] = comp.diagnosis
    out["a_latex"], out["b_latex"] = _latex(ea), _latex(eb)
    if comp.counterexample:
        out["counterexample"] = comp.counterexample.to_dict()
    if comp.equal is None:
        out["error"] = comp.reason
    return out


# Letters most texts apply as functions (f(x), g'(t), \phi(z), \sigma(z)), which a product reading multiplies out.
_FUNCTION_LETTERS = frozenset({"f", "g", "h", "F", "G", "H", "phi", "varphi", "psi", "Phi", "Psi", "sigma", "ell"})


def _applied_letters(text: Any, decls: Declarations) -> set[str]:
    """The undeclared function letters of `text` written before a bracket (`f(x + y)`, `g'(x)`)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if not isinstance(node, Node):
            return
        if node.kind == "call":
            head = node.args[0].args[0] if node.args[0].kind == "prime" else node.args[0]
            if head.kind == "name" and head.args[0] in _FUNCTION_LETTERS:
                found.add(head.args[0])
        for child in node.args:
            walk(child)

    for operand in _operands(text):
        walk(operand)
    return {n for n in found if n not in decls.assumptions and n not in decls.given and n not in decls.functions}


def _as_functions_too(a: str, b: str, decls: Declarations, letters: list[str], comp: Any, *, seed: int,
                      proof_seconds: float) -> Any:
    """`f(x + y)` against `f(x) + f(y)`: read as products the pair is an identity; read as applications of a
    function it is not. Both readings are compared, and the answer stands only when they agree."""
    as_functions = decls.copy()
    for name in letters:
        as_functions.functions[name] = opaque_function(name, unknown=f"{name}(...), an undeclared letter")
    try:
        other = compare_readings(_side(a, as_functions, "a"), _side(b, as_functions, "b"), seed=seed,
                                 proof_seconds=proof_seconds)
    except EquivInputError:
        return comp   # only the product reading reads: it is the answer
    if other.equal == comp.equal:
        return comp
    shown = {True: "equivalent", False: "not equivalent", None: "undecided"}
    spelled = [n if len(n) == 1 else f"\\{n}" for n in letters]
    names = ", ".join(spelled)
    return Comparison(None, reason=f"{names} before a bracket reads two ways: as a product the pair is "
                                   f"{shown[comp.equal]}, as a function {shown[other.equal]}; write "
                                   f"{spelled[0]} \\cdot (...) for a product")


def _batch_item(lineno: int, line: str, seed: int, timeout: float, prove: bool = False) -> dict[str, Any]:
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        return {"id": None, "equivalent": None, "evidence": "", "counterexample": None,
                "error": f"line {lineno}: invalid JSON ({exc})"}
    pair_id = item.get("id", lineno)
    try:
        result = check_pair(item.get("a"), item.get("b"), item.get("symbols"),
                            seed=claim_seed(seed, "equiv", str(pair_id)), timeout=timeout, prove=prove)
    except Exception as exc:  # noqa: BLE001 - one bad pair never stops the batch
        result = {"equivalent": None, "evidence": "", "counterexample": None, "error": f"internal: {exc}"}
    return {"id": pair_id, **{k: result.get(k) for k in ("equivalent", "evidence", "counterexample", "error")}}


def _limits(args: argparse.Namespace) -> Limits:
    if args.jobs < 1:
        raise UsageError(f"-j needs at least 1 worker, not {args.jobs}")
    if not args.timeout > 0:
        raise UsageError(f"--timeout needs a positive number of seconds, not {args.timeout:g}")
    if args.memory < 64:
        raise UsageError(f"--memory needs at least 64 MB, not {args.memory}")
    return Limits(args.timeout, args.memory)


def _undecided(reason: str, limits: Limits, detail: str) -> dict[str, Any]:
    return {"equivalent": None, "evidence": "", "counterexample": None,
            "error": overrun_message(reason, limits, detail)}


def _batch(args: argparse.Namespace) -> int:
    limits = _limits(args)
    stream = sys.stdin if args.batch == "-" else _open(args.batch)
    with stream:
        try:
            work = [(n, line) for n, line in enumerate(stream, 1) if line.strip()]
        except UnicodeDecodeError as exc:
            raise UsageError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", where=args.batch) from None
    chunks = [work[k:k + BATCH_CHUNK] for k in range(0, len(work), BATCH_CHUNK)]
    answers: dict[tuple[int, int], dict[str, Any]] = {}
    printed = [0, 0]   # the next (chunk, pair) to print: answers go out in input order as soon as they can
    progress = ProgressLine("pairs", enabled=not args.quiet)

    def flush() -> None:
        while printed[0] < len(chunks) and tuple(printed) in answers:
            print(json.dumps(answers.pop((printed[0], printed[1]))), flush=True)
            printed[1] += 1
            if printed[1] == len(chunks[printed[0]]):
                printed[0], printed[1] = printed[0] + 1, 0
        progress(sum(len(c) for c in chunks[:printed[0]]) + printed[1], len(work))

    def on_done(job: int, k: int, answer: dict[str, Any]) -> None:
        answers[(job, k)] = answer

    def on_overrun(o: Overrun) -> None:
        last = len(chunks[o.job]) if o.preparing else o.step + 1
        for k in range(o.step, last):
            lineno, line = chunks[o.job][k]
            pair_id = _pair_id(line, lineno)
            answers[(o.job, k)] = {"id": pair_id, **_undecided(o.reason, limits, o.detail)}

    def on_error(job: int, exc: Exception) -> None:
        raise UsageError(f"internal error in a batch worker: {exc}")

    job = Job([len(c) for c in chunks], lambda n: None,
              lambda _state, n, k: _batch_item(*chunks[n][k], args.seed, args.timeout, args.prove))
    try:
        run_jobs(job, range(len(chunks)), workers=min(args.jobs, max(1, len(chunks))), limits=limits,
                 on_done=on_done, on_overrun=on_overrun, on_error=on_error, tick=flush)
        flush()
    finally:
        progress.close()
    return EXIT_OK


def _pair_id(line: str, lineno: int) -> Any:
    try:
        item = json.loads(line)
    except ValueError:
        return None
    return item.get("id", lineno) if isinstance(item, dict) else None


def _single(args: argparse.Namespace, symbols: dict[str, Any]) -> dict[str, Any]:
    """One pair, checked in a worker process under the limits."""
    limits = _limits(args)
    found: list[dict[str, Any]] = []

    def on_overrun(o: Overrun) -> None:
        found.append(_undecided(o.reason, limits, o.detail))

    def on_error(_job: int, exc: Exception) -> None:
        found.append({"equivalent": None, "evidence": "", "counterexample": None, "error": f"internal: {exc}"})

    job = Job([1], lambda n: None,
              lambda _s, n, k: check_pair(args.a, args.b, symbols, seed=args.seed, timeout=args.timeout,
                                            prove=args.prove))
    run_jobs(job, [0], workers=1, limits=limits, on_done=lambda n, k, result: found.append(result),
             on_overrun=on_overrun, on_error=on_error)
    return found[0]


def text_lines(result: dict[str, Any]) -> list[str]:
    """The text output of one pair, through the report helpers `verify` uses (a counterexample reads the same)."""
    if result["equivalent"] is True:
        return [f"equivalent ({result['evidence']})"]
    if result["equivalent"] is False:
        lines = ["NOT equivalent" + (f": {one_line(result['diagnosis'])}" if result.get("diagnosis") else "")]
        cx = result["counterexample"]
        if cx:
            point = Counterexample(cx["point"], cx["claimed"], cx["expected"])
            # a condition or set says "holds" / "contains it" there, a value is shown as `a = value`
            words = isinstance(cx["claimed"], str) and cx["claimed"].startswith(("holds", "does", "contains", "is undefined"))
            labels = ("a", "b") if words else ("a =", "b =")
            lines.append(f"  counterexample: {format_counterexample(point, claimed=labels[0], derived=labels[1])}")
        return lines
    return [f"undecided: {result['error']}"]


def run(args: argparse.Namespace) -> int:
    """Exit 0 equivalent, 1 not equivalent, 2 unreadable input, 3 undecided."""
    if args.format not in FORMATS:
        raise UsageError(f"unknown format {args.format!r}{did_you_mean(args.format, FORMATS)} "
                         f"(choose from {', '.join(FORMATS)})")
    if args.batch:
        return _batch(args)
    if args.a is None or args.b is None:
        raise UsageError("equiv needs two LaTeX expressions (or --batch FILE)")
    result = _single(args, parse_symbols_option(args.symbols))
    if args.format == "json":
        print(json.dumps(result, indent=2))
    elif result.get("unparsable"):
        print(UsageError(result["error"]).line(), file=sys.stderr)
    else:
        for line in text_lines(result):
            print(line)
    if result.get("unparsable"):
        return EXIT_USAGE
    if result["equivalent"] is True:
        return EXIT_OK
    if result["equivalent"] is False:
        return EXIT_FINDINGS
    return EXIT_UNDECIDED


def _open(path: str):
    try:
        return open(path, encoding="utf-8")  # noqa: SIM115 - closed by the caller's with
    except OSError as exc:
        raise UsageError(exc.strerror or str(exc), where=path) from None
