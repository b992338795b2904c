"""Fuzz the reading of formulas and specs: nothing may crash, nothing may run past its budget.

Usage:
    python benchmarks/fuzz.py [--count 50000] [--seed 0] [--jobs 1] [--budget 2] [--show N] [--only I]

Each input is made from (seed, its index), so any finding is replayed with `--only INDEX`. The inputs:

* formula:    random LaTeX from the grammar's constructs (fractions with and without braces, scripts, sums,
              products, matrices, cases, functions, derivatives, big operators, norms, probability, long flat
              chains, deep nesting) -> parse -> lower -> compare (verify.compare.equal.compare, small proof
              budget) under random declarations;
* truncated:  a formula cut at a random character;  mutated: characters deleted, doubled or swapped;
* junk:       random LaTeX-ish tokens and random characters;
* equiv:      a pair through `derivcheck equiv`'s check_pair (verify/commands/equiv.py);
* spec:       a random spec (valid shapes, wrong types, unknown kinds, aliases, alias bombs, deep nesting,
              bytes that are not UTF-8) written to a temporary file and read by verify.claims.registry.load_file.

A crash is an exception other than the documented ones (LatexParseError, LoweringError, SpecError,
DeclarationError, and TimeoutError when the CPU budget runs out). A hang is an input whose CPU time exceeds
the budget + 2 s, or a worker that stops answering (it is killed and replaced). Exit status: 0 none, 1 some.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

import sympy as sp
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:   # run from a checkout without installing the project
    sys.path.insert(0, str(ROOT))

from derive.lower.errors import LoweringError  # noqa: E402
from derive.lower.lowerer import Lowerer  # noqa: E402
from derive.parse.latex import LatexParseError, parse_latex  # noqa: E402
from derive.spec.declarations import DeclarationError, Declarations, declare_symbols  # noqa: E402
from derive.spec.errors import SpecError  # noqa: E402
from verify.claims.registry import load_file  # noqa: E402
from verify.commands.equiv import check_pair  # noqa: E402
from verify.compare.budget import time_limit  # noqa: E402
from verify.compare.equal import compare  # noqa: E402

# What reading bad input may raise; TimeoutError is the budget running out.
DOCUMENTED = (LatexParseError, LoweringError, SpecError, DeclarationError)

GRACE = 2.0                 # seconds over the budget that still count as within it
MEMORY_BYTES = 3 << 30      # address-space cap of a worker: runaway memory is a MemoryError, not a dead machine
PROGRESS_SECONDS = 30      # a progress line on stderr this often
RECYCLE = 4000              # inputs per worker before a fresh one (caches stay small)
CATEGORIES = (("formula", 40), ("truncated", 14), ("mutated", 10), ("junk", 10), ("equiv", 10), ("spec", 16))

# ---------------------------------------------------------------------------------------------- formulas
LETTERS = list("xyzabwnktipq") + ["W", "L", "N"]
GREEK = [r"\alpha", r"\beta", r"\theta", r"\sigma", r"\mu", r"\lambda", r"\phi", r"\ell", r"\pi", r"\epsilon",
         r"\eta", r"\delta", r"\Sigma", r"\nabla"]
FUNCS = [r"\sin", r"\cos", r"\exp", r"\log", r"\ln", r"\tanh", r"\max", r"\min", r"\det", r"\tr", r"\erf",
         r"\sigma", "f", "g", r"\text{ReLU}", r"\operatorname{softmax}", r"\text{sig}", r"\mathrm{sign}"]
SUPERSCRIPTS = ["2", "12", "T", r"\top", r"\frac12", "{-1}", "*"]
RELS = ["=", "=", "=", r"\leq", r"\geq", "<", r"\approx", r"\neq", r"\in", r"\to", ":="]
SYMBOLS = [{}, {}, {"x": "positive"}, {"n": "integer positive"}, {"x": {"indexed": "i"}},
           {"z": "real", "w": "positive"}, {"i": {"range": [1, 3]}, "x": {"indexed": "i"}}]


class Formulas:
    """Random LaTeX built from the constructs of derive/parse/latex.lark."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, items):
        return self.rng.choice(items)

    def atom(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.pick(LETTERS)
        if r < 0.65:
            return self.pick(GREEK)
        if r < 0.9:
            return self.pick(["0", "1", "2", "3", "10", "0.5", "1{,}000", ".5", "3.14159", "42", "1000"])
        return self.pick([r"\infty", r"\mathbf{x}", r"\hat{y}", r"\bar{x}", r"\mathcal{L}", r"\tilde{w}",
                          r"\mathbb{R}", r"\dots", r"\text{ bits}", r"\top", "e", r"\star"])

    def expr(self, depth: int) -> str:
        if depth <= 0 or self.rng.random() < 0.25:
            return self.atom()
        e = lambda: self.expr(depth - 1)  # noqa: E731 - one short name for the recursion
        n, c = self.pick(LETTERS), self.pick(["x", "z", "w", r"\theta"])
        choices = [
            lambda: f"{e()} + {e()}", lambda: f"{e()} - {e()}", lambda: f"{e()} {e()}", lambda: f"-{e()}",
            lambda: f"{e()} \\cdot {e()}", lambda: f"{e()} / {e()}", lambda: f"{e()} \\times {e()}",
            lambda: f"{e()} \\odot {e()}", lambda: f"{e()} \\pm {e()}",
            lambda: f"\\frac{{{e()}}}{{{e()}}}", lambda: self.pick([r"\frac12", r"\frac ab", r"\frac1{2}",
                                                                  r"\dfrac\pi2", r"\tfrac{1}x", r"\frac 123"]),
            lambda: f"\\sqrt{{{e()}}}", lambda: f"\\sqrt[3]{{{e()}}}", lambda: self.pick([r"\sqrt2", r"\sqrt x"]),
            lambda: f"{self.atom()}^{{{e()}}}", lambda: self.atom() + "^" + self.pick(SUPERSCRIPTS),
            lambda: f"{self.atom()}_{{{e()}}}", lambda: f"{self.atom()}_{self.pick(['i', '1', 'ij', '{i,j}'])}",
            lambda: f"{self.atom()}^{{(\\ell)}}", lambda: f"{self.atom()}^\\frac12", lambda: f"{self.atom()}'",
            lambda: f"({e()})", lambda: f"\\left({e()}\\right)", lambda: f"[{e()}]", lambda: f"\\{{{e()}\\}}",
            lambda: f"|{e()}|", lambda: f"\\|{e()}\\|_2", lambda: f"\\lfloor {e()} \\rfloor",
            lambda: f"\\langle {e()}, {e()} \\rangle", lambda: f"\\lvert {e()} \\rvert",
            lambda: f"{self.pick(FUNCS)}({e()})", lambda: f"{self.pick(FUNCS)} {e()}",
            lambda: f"{self.pick(FUNCS)}[{e()}]", lambda: f"\\max({e()}, {e()})", lambda: f"\\tanh^2({e()})",
            lambda: f"\\log_2 {e()}", lambda: f"\\sin({e()} = {e()})",
            lambda: f"\\sum_{{i=1}}^{{{n}}} {e()}", lambda: r"\sum_i x_i", lambda: f"\\prod_{{k=1}}^{{3}} {e()}",
            lambda: f"\\int_0^1 {e()} \\, d{c}", lambda: f"\\lim_{{{c} \\to 0}} {e()}", lambda: r"\max_k z_k",
            lambda: f"\\frac{{d}}{{d{c}}} {e()}", lambda: f"\\frac{{\\partial {e()}}}{{\\partial {c}}}",
            lambda: f"\\frac{{\\partial^2 {e()}}}{{\\partial {c}^2}}", lambda: f"\\nabla_{{{c}}} {e()}",
            lambda: f"f'({e()})", lambda: f"\\frac{{d {e()}}}{{d {c}}}", lambda: f"\\partial_{c} {e()}",
            lambda: self.matrix(depth), lambda: self.cases(depth),
            lambda: f"\\mathbb{{E}}[{e()}]", lambda: f"\\Pr(y = 1 | {e()})", lambda: f"\\mathbb{{1}}[{e()} > 0]",
            lambda: f"\\mathbb{{1}}_{{{c} > 0}}", lambda: f"\\binom{{{e()}}}{{{e()}}}", lambda: f"({e()})!",
            lambda: f"{n}!", lambda: f"\\mathbf{{{e()}}}", lambda: f"\\hat{{{e()}}}", lambda: f"O({e()})",
            lambda: f"\\underbrace{{{e()}}}_{{\\text{{a}}}}", lambda: f"\\boxed{{{e()}}}",
        ]
        return self.pick(choices)()

    def matrix(self, depth: int) -> str:
        env = self.pick(["pmatrix", "bmatrix", "vmatrix", "matrix"])
        rows, cols = self.rng.randint(1, 3), self.rng.randint(1, 3)
        body = r" \\ ".join(" & ".join(self.expr(depth - 2) for _ in range(cols)) for _ in range(rows))
        if self.rng.random() < 0.15:
            body += r" \\ \vdots & \ddots"
        return f"\\begin{{{env}}} {body} \\end{{{env}}}"

    def cases(self, depth: int) -> str:
        return (f"\\begin{{cases}} {self.expr(depth - 2)} & {self.pick(LETTERS)} > 0 \\\\ "
                f"{self.expr(depth - 2)} & \\text{{otherwise}} \\end{{cases}}")

    def chain(self) -> str:
        """A long flat chain or a deep nest, at sizes real formulas never reach."""
        k = self.rng.choice([50, 200, 1000, 3000])
        op = self.pick([" + ", " - ", " ", r" \cdot ", r" \times "])
        if self.rng.random() < 0.5:
            return op.join(self.pick(["x", "y", "2", "x_1", r"\alpha"]) for _ in range(k))
        depth = self.rng.choice([20, 60, 99, 101, 150, 400])
        opener, closer = self.pick([("(", ")"), (r"\frac{1}{", "}"), ("x^{", "}"), (r"\sqrt{", "}"),
                                    (r"\sin(", ")"), ("(1 + ", ")"), (r"\left|", r"\right|"), ("-", "")])
        return opener * depth + "x" + closer * depth

    def formula(self) -> str:
        r = self.rng.random()
        if r < 0.06:
            return self.chain()
        depth = self.rng.randint(1, 6)
        if r < 0.55:
            return self.expr(depth)
        if r < 0.85:
            return f"{self.expr(depth)} {self.pick(RELS)} {self.expr(depth)}"
        steps = r" \\ ".join(f"&= {self.expr(depth - 1)}" for _ in range(self.rng.randint(1, 3)))
        return f"\\begin{{aligned}} {self.expr(depth)} {steps} \\end{{aligned}}"


JUNK_TOKENS = ["\\", "{", "}", "^", "_", "&", "\\\\", "(", ")", "[", "]", "|", "\\|", "'", "!", "=", "<", "+", "-",
               "\\frac", "\\sqrt", "\\left", "\\right", "\\begin{cases}", "\\end{cases}", "\\begin{pmatrix}",
               "\\end{bmatrix}", "\\sum", "\\int", "\\partial", "\\text{", "\\mathbb", "x", "1", "12", ".", ",",
               "\\{", "\\}", "\\langle", "%", "$", "#", "~", "\\,", "\\x", "\u00e9", "\x00", "\t", "\n"]


def truncated(rng: random.Random) -> str:
    text = Formulas(rng).formula()
    return text[: rng.randint(0, max(len(text) - 1, 0))]


def mutated(rng: random.Random) -> str:
    chars = list(Formulas(rng).formula())
    for _ in range(rng.randint(1, 4)):
        if not chars:
            break
        k = rng.randrange(len(chars))
        op = rng.random()
        if op < 0.4:
            del chars[k]
        elif op < 0.7:
            chars.insert(k, chars[k])
        else:
            j = rng.randrange(len(chars))
            chars[k], chars[j] = chars[j], chars[k]
    return "".join(chars)


def junk(rng: random.Random) -> str:
    if rng.random() < 0.7:
        return "".join(rng.choice(JUNK_TOKENS) for _ in range(rng.randint(1, 40)))
    return "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(rng.randint(1, 60)))


# ---------------------------------------------------------------------------------------------- specs
KINDS = ["formula", "equation", "numeric", "bound", "order", "shape", "set", "index", "code", "parameters",
         "regions", "fromula", 3, None]   # the first 10 need nothing more than a formula and an expectation
RECIPES = ["diff(L, x)", "diff(L, zz)", "grad(L, [w, b])", "diff(Q, x)", "solve(eq(x^2, 4), x)", "simplify(L)",
           "subs(L, x=2)", "hessian(L, [x, y])", "latex(\"\\frac12\")", "sum(x, (i, 1, 3))", "diff(", "1 +",
           "mlp(x).z1", "unknown_op(1)", "diff(L, x, 1000)", "\\frac{1}{2}", 0.5, 3, "x" * 300]


def random_spec(rng: random.Random) -> bytes:
    """A spec that is usually well formed, often with one wrong value, sometimes hostile text."""
    f = Formulas(rng)
    wrong = rng.random() < 0.5   # half the specs get wrong types and unknown values in some fields

    def pick(good: list, bad: list | None = None):
        return rng.choice(bad) if bad and wrong and rng.random() < 0.3 else rng.choice(good)

    exercise_id = pick(["t/1", "t/2"], [3, None, "t1"])

    def claim(k: int) -> dict:
        c: dict = {"id": pick([f"c{k}"], [7, "", None, "a b"]), "latex": pick([f.formula(), f.expr(3)], [12, [1], ""])}
        for key, good, bad in (
                ("expect", RECIPES + [f.expr(2)], [[1, 2], {"a": 1}]), ("kind", KINDS[:10], KINDS[10:]),
                ("status", ["unfinished"], ["unfinshed", 1, "open"]),
                ("from_claim", [{"x": f"{exercise_id}#c0"}] if k else [], [{"x": "nowhere"}, "c0", 5]),
                ("symbols", SYMBOLS, [{"x": "wobbly"}, [1, 2], {"1x": "real"}]),
                ("given", [{"L": f.expr(2)}, {"f[x]": "x^2"}], [{"L": [[1, 2], [3]]}, "L"]),
                ("reason", ["because"], [3]), ("tolerance", [], ["x", -1, 0.1])):
            if rng.random() < 0.3 and (good or wrong):
                c[key] = pick(good or bad, bad)
        return c

    exercise = {"id": exercise_id, "claims": [claim(k) for k in range(rng.randint(1, 4))]}
    for key, good, bad in (("symbols", SYMBOLS, [{"x": 3}]),
                           ("given", [{"L": f.expr(3)}, {"x": "2"}, {"W": [[1, 0], [0, 1]]}], [{"L": None}]),
                           ("functions", [{"sigma": "sigmoid"}, {"a": "relu"}], [{"f": "nope"}, "sigmoid"]),
                           ("labels", [["H", "O"]], ["H"]), ("layout", ["numerator", "denominator"], ["diagonal", 3])):
        if rng.random() < 0.4:
            exercise[key] = pick(good, bad)
    doc: object = {"notes": pick(["n.md"], [3, None]),
                   "exercises": pick([[exercise], [exercise, dict(exercise, id="t/3")]], [exercise, [exercise] * 2])}
    if wrong and rng.random() < 0.05:
        doc = rng.choice([[], "text", None, {"exercises": None}])
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    r = rng.random()
    if r < 0.05:
        text = text[: rng.randint(0, len(text))]
    elif r < 0.08:
        text = "a: &a [x, x, x, x, x, x, x, x]\n" + "".join(
            f"{chr(98 + k)}: &{chr(98 + k)} [{', '.join([f'*{chr(97 + k)}'] * 8)}]\n" for k in range(9)) + text
    elif r < 0.10:
        text = "exercises: " + "[" * rng.choice([50, 150, 3000]) + "]" * rng.choice([50, 150, 3000]) + "\n"
    elif r < 0.12:
        text = text.replace("  ", "\t", 1)
    elif r < 0.14:
        text = "x: &x [1, *x]\n" + text
    elif r < 0.17:
        return text.encode() + bytes(rng.randrange(256) for _ in range(20))
    return text.encode("utf-8", "surrogatepass")


# ---------------------------------------------------------------------------------------------- worker
def input_for(seed: int, index: int) -> tuple[str, object]:
    rng = random.Random(f"{seed}:{index}")
    category = rng.choices([c for c, _ in CATEGORIES], weights=[w for _, w in CATEGORIES])[0]
    if category == "formula":
        return category, (Formulas(rng).formula(), rng.choice(SYMBOLS), rng.random())
    if category == "truncated":
        return category, (truncated(rng), {}, rng.random())
    if category == "mutated":
        return category, (mutated(rng), rng.choice(SYMBOLS), rng.random())
    if category == "junk":
        return category, (junk(rng), {}, rng.random())
    if category == "equiv":
        f = Formulas(rng)
        a = f.expr(rng.randint(1, 5))
        b = pick_partner(rng, f, a)
        return category, (a, b, rng.choice(SYMBOLS))
    return category, random_spec(rng)


def pick_partner(rng: random.Random, f: Formulas, a: str) -> str:
    """The other side of an `equiv` pair: the same, equal, different, cut off or unrelated."""
    r = rng.random()
    return (a if r < 0.3 else f"({a}) + 0" if r < 0.5 else f"2 ({a})" if r < 0.6
            else truncated(rng) if r < 0.7 else f.expr(rng.randint(1, 5)))


def run_one(seed: int, index: int, budget: float, tmp: Path) -> tuple[str, str, str]:
    """(category, outcome, detail): outcome is ok, error:<type>, timeout, memory or crash."""
    category, payload = input_for(seed, index)
    try:
        with time_limit(budget):
            if category == "spec":
                status = read_spec(payload, tmp / f"spec-{index}.yaml")
            elif category == "equiv":
                status = read_pair(*payload, seed=index, budget=budget)
            else:
                status = read_formula(*payload, seed=index)
    except TimeoutError:
        return category, "timeout", ""
    except DOCUMENTED as exc:
        return category, f"error:{type(exc).__name__}", ""
    except MemoryError:
        return category, "memory", f"over {MEMORY_BYTES >> 30} GB of address space"
    except Exception as exc:  # noqa: BLE001 - this is what the harness looks for
        return category, "crash", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-6)}"
    return category, f"ok:{status}", ""


def read_formula(text: str, symbols: dict, r: float, *, seed: int) -> str:
    """Parse, lower every side (a side that cannot be read is skipped), compare the first with another."""
    formula = parse_latex(text)
    decls = Declarations()
    declare_symbols(decls, symbols)
    values = []
    for operand in (o for st in formula.statements for o in st.operands if o.kind != "empty"):
        try:
            values.append(Lowerer(decls).expr(operand))
        except LoweringError:
            continue
    if not values:
        return "unlowered"
    first = values[0]
    doubled = 2 * first if isinstance(first, (sp.Expr, sp.MatrixBase)) and r < 0.5 else first
    other = values[1] if len(values) > 1 else doubled
    comparison = compare(first, other, seed=seed, proof_seconds=0.2)
    return {True: "equal", False: "unequal", None: "undecided"}[comparison.equal]


def read_pair(a: str, b: str, symbols: dict, *, seed: int, budget: float) -> str:
    """`derivcheck equiv a b`: an answer (equivalent true/false/null with its reason) or a crash."""
    result = check_pair(a, b, symbols, seed=seed, timeout=budget)
    if result.get("unparsable"):
        return "unreadable"
    return {True: "equivalent", False: "different", None: "undecided"}[result["equivalent"]]


def read_spec(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    try:
        load_file(path)
    finally:
        path.unlink()
    return "loaded"


def worker(conn: Connection, seed: int, budget: float) -> None:
    warnings.simplefilter("ignore")   # NumPy's warnings on sampled values say nothing about robustness
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    with tempfile.TemporaryDirectory(prefix="derivcheck-fuzz-") as tmp:
        while (index := conn.recv()) is not None:
            start = time.process_time()
            try:
                category, outcome, detail = run_one(seed, index, budget, Path(tmp))
            except MemoryError:   # raised again while reporting the first one
                category, outcome, detail = "?", "memory", ""
            conn.send((index, category, outcome, detail, time.process_time() - start))


# ---------------------------------------------------------------------------------------------- parent
@dataclass
class Worker:
    seed: int
    budget: float
    process: multiprocessing.Process = field(init=False)
    conn: Connection = field(init=False)
    index: int | None = None
    started: float = 0.0
    served: int = 0

    def __post_init__(self) -> None:
        self.start()

    def start(self) -> None:
        parent, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=worker, args=(child, self.seed, self.budget), daemon=True)
        self.process.start()
        self.conn, self.served, self.index = parent, 0, None

    def give(self, index: int) -> None:
        if self.served >= RECYCLE:
            self.stop()
            self.start()
        self.index, self.started, self.served = index, time.monotonic(), self.served + 1
        self.conn.send(index)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.start()


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    findings: list[tuple[int, str, str, str]] = field(default_factory=list)
    over_budget: list[tuple[int, str, float]] = field(default_factory=list)
    slowest: tuple[float, int, str] = (0.0, -1, "")


def run(count: int, seed: int, jobs: int, budget: float, only: int | None) -> Tally:
    indices = [only] if only is not None else list(range(count))
    tally = Tally()
    workers = [Worker(seed, budget) for _ in range(max(1, min(jobs, len(indices))))]
    todo = iter(indices)
    wall_limit = (budget + GRACE) * 4 + 10   # CPU is what counts; wall time only catches a worker that is stuck
    done, shown = 0, time.monotonic()
    for w in workers:
        if (i := next(todo, None)) is not None:
            w.give(i)
    while done < len(indices):
        busy = [w for w in workers if w.index is not None]
        for conn in wait([w.conn for w in busy], timeout=1.0):
            w = next(w for w in busy if w.conn is conn)
            try:
                index, category, outcome, detail, cpu = conn.recv()
            except EOFError:   # the worker died (a hard crash of the interpreter)
                index, category, outcome, detail, cpu = w.index, "?", "crash", "worker died", 0.0
                w.start()
            record(tally, index, category, outcome, detail, cpu, budget)
            done += 1
            w.index = None
            if (i := next(todo, None)) is not None:
                w.give(i)
        if time.monotonic() - shown > PROGRESS_SECONDS:
            shown = time.monotonic()
            print(f"fuzz: {done}/{len(indices)} inputs, {len(tally.findings)} findings", file=sys.stderr, flush=True)
        for w in busy:
            if w.index is not None and time.monotonic() - w.started > wall_limit:
                record(tally, w.index, "?", "hang", f"no answer after {wall_limit:.0f} s (killed)", wall_limit,
                       budget)
                done += 1
                w.kill()
                if (i := next(todo, None)) is not None:
                    w.give(i)
    for w in workers:
        w.stop()
    return tally


def record(tally: Tally, index: int, category: str, outcome: str, detail: str, cpu: float, budget: float) -> None:
    tally.counts[category] += 1
    tally.outcomes[outcome] += 1
    if outcome in ("crash", "hang", "memory"):
        tally.findings.append((index, category, outcome, detail))
    if cpu > budget + GRACE:
        tally.over_budget.append((index, category, cpu))
    if cpu > tally.slowest[0]:
        tally.slowest = (cpu, index, category)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=50_000, help="number of inputs (default 50000)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the inputs (default 0)")
    ap.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--budget", type=float, default=2.0, help="CPU seconds per input (default 2)")
    ap.add_argument("--show", type=int, default=5, help="findings to print in full (default 5)")
    ap.add_argument("--only", type=int, default=None, help="replay one input by its index")
    args = ap.parse_args(argv)
    if args.only is not None:
        print(f"#{args.only}: {input_for(args.seed, args.only)!r}"[:4000])
    start = time.monotonic()
    tally = run(args.count, args.seed, args.jobs, args.budget, args.only)
    seconds = time.monotonic() - start
    total = sum(tally.counts.values())
    crashes = sum(1 for f in tally.findings if f[2] == "crash")
    hangs = sum(1 for f in tally.findings if f[2] in ("hang", "memory")) + len(tally.over_budget)
    print(f"fuzz: {total} inputs in {seconds:.0f} s ({total / max(seconds, 1e-9):.0f}/s), seed {args.seed}, "
          f"budget {args.budget:g} s CPU per input, {args.jobs} worker(s)")
    print("  inputs: " + ", ".join(f"{c} {tally.counts[c]}" for c, _ in CATEGORIES if tally.counts[c]))
    print("  outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(tally.outcomes.items())))
    print("    (ok:<how it ended>; error:<documented error type>; timeout: the CPU budget ran out in time)")
    print(f"  crashes: {crashes}   over budget + {GRACE:g} s (or out of memory): {hangs}   "
          f"slowest: {tally.slowest[0]:.2f} s CPU (#{tally.slowest[1]} {tally.slowest[2]})")
    for index, category, outcome, detail in tally.findings[: args.show]:
        print(f"\n#{index} {category} {outcome}: replay with --seed {args.seed} --only {index}\n{detail}")
    for index, category, cpu in tally.over_budget[: args.show]:
        print(f"#{index} {category}: {cpu:.2f} s CPU")
    return 1 if crashes or hangs else 0


if __name__ == "__main__":
    sys.exit(main())
