"""The lint pass: walk a notes file's math, keep definitions in scope, check equality steps."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp

from derive.declarations import Declarations
from derive.latex import LatexParseError, parse_latex, statements_of
from derive.latex_ast import Node, Statement
from derive.lower import LoweringError, split_arguments
from derive.notes_math import MathSpan, find_math
from verify.compare import compare, format_expr
from verify.lint.lowering import LintLowerer
from verify.lint.source import Sections, find_sections, relation_offsets
from verify.result import ClaimResult, Counterexample, Location, Report, Verdict

_UNDEFINABLE = {"e", "pi", "i", "d"}
_NAME_KINDS = {"name", "sub", "text", "accent", "style", "bold", "sup"}
_REL_TOKEN = re.compile(r"\\[a-zA-Z]+|.")
_STOPS = re.compile(r"\\\\|\\begin\{[a-z*]+\}|\\end\{[a-z*]+\}|\\boxed\{|\\quad|\\qquad|(?<![\\{]),(?!\})|;")


@dataclass
class LintOutcome:
    report: Report
    spans: int = 0
    statements: int = 0          # relation chains seen
    checked: int = 0             # '=' steps compared (including numeric lines)
    skipped: Counter[str] = field(default_factory=Counter)
    explanations: list[str] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def findings(self) -> list[ClaimResult]:
        return [r for r in self.report.results if r.verdict.is_failure]


@dataclass
class _Scope:
    """Definitions of one section."""

    decls: Declarations = field(default_factory=Declarations)
    poisoned: set[str] = field(default_factory=set)
    given_latex: dict[str, str] = field(default_factory=dict)
    claims: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Facts:
    """Per chapter: data arrays seen indexed inside sums, and quantities that are sums over an index."""

    data: dict[str, set[str]] = field(default_factory=dict)
    sums: dict[str, set[str]] = field(default_factory=dict)
    setting: tuple[str, set[str]] | None = None   # "setting dQ/dv = 0" seen in the previous formula


def lint_file(path: str | Path, *, seed: int = 0, explain: bool = False) -> LintOutcome:
    """Lint one Markdown or TeX notes file."""
    p = Path(path)
    kind = "tex" if p.suffix.lower() == ".tex" else "markdown"
    return lint_text(p.read_text(encoding="utf-8"), kind=kind, file=str(p), seed=seed, explain=explain)


def lint_text(text: str, *, kind: str = "markdown", file: str | None = None, seed: int = 0,
              explain: bool = False) -> LintOutcome:
    start = time.perf_counter()
    run = _Run(text, kind, file, seed, explain)
    run.walk()
    run.outcome.seconds = time.perf_counter() - start
    return run.outcome


class _Run:
    def __init__(self, text: str, kind: str, file: str | None, seed: int, explain: bool) -> None:
        self.spans = find_math(text, kind=kind)
        self.sections: Sections = find_sections(text, kind)
        self.file = file
        self.seed = seed
        self.explain = explain
        self.outcome = LintOutcome(Report(results=[], seed=seed))
        self.stem = Path(file).stem if file else "notes"
        self.chains_on_line: Counter[int] = Counter()
        self.spec_sections: dict[str, _Scope] = {}

    # ------------------------------------------------------------ walking
    def walk(self) -> None:
        section_key: object = object()
        chapter_key: object = object()
        scope, facts = _Scope(), _Facts()
        for span in self.spans:
            section = self.sections.at(span.line)
            chapter = self.sections.chapter_at(span.line)
            if section != section_key:
                section_key, scope = section, _Scope()
                self.spec_sections[self._exercise(span)] = scope
            if chapter != chapter_key:
                chapter_key, facts = chapter, _Facts()
            self.outcome.spans += 1
            setting_before = facts.setting
            self._span(span, scope, facts)
            if facts.setting is setting_before:
                facts.setting = None  # a "setting ... = 0" only governs the formula right after it
        self.outcome.spec = self._suggested_spec()

    def _exercise(self, span: MathSpan) -> str:
        section = self.sections.at(span.line)
        return section.title if section else self.stem

    def _span(self, span: MathSpan, scope: _Scope, facts: _Facts) -> None:
        try:
            formula = parse_latex(span.latex)
        except (LatexParseError, RecursionError, ValueError):
            self.outcome.skipped["unparsed"] += 1
            return
        statements = _unbox(formula.statements)
        offsets = relation_offsets(span.latex)
        if len(offsets) != sum(len(st.relations) for st in statements):
            offsets = []
        k = 0
        for st in statements:
            rel_offsets = offsets[k : k + len(st.relations)] if offsets else []
            k += len(st.relations)
            if st.relations:
                self._statement(span, st, rel_offsets, scope, facts)

    # ------------------------------------------------------------ one relation chain
    def _statement(self, span: MathSpan, st: Statement, offs: list[int], scope: _Scope, facts: _Facts) -> None:
        out = self.outcome
        out.statements += 1
        first_line = self._position(span, offs[0] if offs else None)[0]
        self.chains_on_line[first_line] += 1
        chain_no = self.chains_on_line[first_line]
        ops, rels = st.operands, st.relations
        texts = _operand_texts(span.latex, offs, len(ops))
        low = self._lowerer(scope, st)

        values: dict[int, sp.Expr | LoweringError] = {}

        def value(j: int) -> sp.Expr | LoweringError:
            if j not in values:
                try:
                    if ops[j].kind == "empty":
                        raise LoweringError("incomplete")
                    v = low.expr(ops[j])
                    if not isinstance(v, (sp.Expr, sp.MatrixBase)):
                        raise LoweringError("not a value")
                    values[j] = v
                except LoweringError as exc:
                    values[j] = exc
                except (TypeError, ValueError, ZeroDivisionError, RecursionError, AttributeError) as exc:
                    values[j] = LoweringError(f"unsupported: {exc}")
            return values[j]

        # Runs of operands joined by '=': `j_1: A = 0 \Longrightarrow x = B` holds two runs.
        runs: list[list[int]] = [[0]]
        for j, rel in enumerate(rels):
            if rel in ("=", ":="):
                runs[-1].append(j + 1)
            else:
                out.skipped[_relation_reason(rel)] += 1
                runs.append([j + 1])
        for run in runs:
            # Leading definienda: `L = ...`, `y = f[x, \phi] = ...`, `\text{sig}[z] = ...`
            n_def = 0
            while n_def < len(run) - 1 and _definable(low, ops[run[n_def]]):
                n_def += 1
            if n_def:
                self._define(scope, low, ops, run[n_def], run[0], value, texts)
        self._note_sum_facts(low, ops, value, facts)
        if self._free_index(span, st, offs, ops, value, facts, chain_no, scope):
            return
        for run in runs:
            n_def = 0
            while n_def < len(run) - 1 and _definable(low, ops[run[n_def]]):
                n_def += 1
            for j in run[n_def:-1]:
                if rels[j] != "=":
                    continue
                a, b = value(j), value(j + 1)
                bad = a if isinstance(a, LoweringError) else b if isinstance(b, LoweringError) else None
                if bad is not None:
                    out.skipped["incomplete" if str(bad) == "incomplete" else bad.kind] += 1
                    continue
                line, col = self._position(span, offs[j] if offs else None)
                claim_id = f"L{line}-c{chain_no}-s{j + 1}"
                step_latex = f"{texts[j]} = {texts[j + 1]}".strip()
                self._check_step(span, claim_id, line, col, step_latex, a, b, ops, j, len(run), scope)

    def _lowerer(self, scope: _Scope, st: Statement) -> LintLowerer:
        # A name differentiated by in this chain is a variable here, even if a value was assigned to it.
        variables = _derivative_variables(st, LintLowerer(scope.decls, frozenset(scope.poisoned)))
        decls = scope.decls
        if variables & set(decls.given):
            decls = decls.copy()
            for v in variables:
                decls.given.pop(v, None)
        return LintLowerer(decls, frozenset(scope.poisoned))

    # ------------------------------------------------------------ definitions
    def _define(self, scope: _Scope, low: LintLowerer, ops: list[Node], body_index: int, first: int, value,
                texts: list[str]) -> None:
        body = value(body_index)
        for k in range(first, body_index):
            head = ops[k]
            if head.kind == "call":
                self._define_function(scope, low, head, ops[body_index], texts[k], texts[body_index])
                continue
            name = low._name_of(head)
            assert name is not None
            if isinstance(body, LoweringError) or name in {str(s) for s in body.free_symbols}:
                scope.poisoned.add(name)   # unreadable or self-referential: uses of it get no verdict
                scope.decls.given.pop(name, None)
                self.outcome.skipped["ambiguous-definition"] += 1
                continue
            scope.poisoned.discard(name)
            scope.decls.given_functions.pop(name, None)
            scope.decls.given[name] = body
            if texts[body_index]:
                scope.given_latex[name] = texts[body_index]

    def _define_function(self, scope: _Scope, low: LintLowerer, head: Node, body_node: Node,
                         head_text: str, body_text: str) -> None:
        name = low._name_of(head.args[0])
        assert name is not None
        params = [low.decls.symbol(low._name_of(a[0]) or "") for a in split_arguments(head.args[1])]
        scope.poisoned.discard(name)
        scope.decls.given_functions.pop(name, None)
        scope.decls.given.pop(name, None)
        fresh = LintLowerer(scope.decls, frozenset(scope.poisoned))
        try:
            body = fresh.expr(body_node)
        except (LoweringError, TypeError, ValueError, AttributeError):
            scope.poisoned.add(name)
            self.outcome.skipped["ambiguous-definition"] += 1
            return
        if any(getattr(f, "name", None) == name for f in body.atoms(sp.Function)):
            scope.poisoned.add(name)
            return
        scope.decls.given_functions[name] = (tuple(params), body)
        scope.decls.given[name] = body   # a bare `L` means `L[\phi]` in the notes
        if head_text and body_text:
            scope.given_latex[head_text] = body_text

    # ------------------------------------------------------------ sums and free indices
    def _note_sum_facts(self, low: LintLowerer, ops: list[Node], value, facts: _Facts) -> None:
        """Remember data arrays (x_i inside a sum over i) and quantities stated to be sums over i."""
        for j in range(len(ops)):
            v = value(j)
            if isinstance(v, LoweringError):
                continue
            for s in v.atoms(sp.Sum):
                letters = {str(lim[0]) for lim in s.limits}
                for atom in s.atoms(sp.Indexed):
                    used = {str(i) for i in atom.indices} & letters
                    if used:
                        facts.data.setdefault(str(atom.base.label), set()).update(used)
        for j, op in enumerate(ops[:-1]):
            quantity = _derivative_quantity(low, op) or (low._name_of(op) if j == 0 else None)
            if quantity is None:
                continue
            nxt = value(j + 1)
            if isinstance(nxt, LoweringError):
                continue
            if isinstance(nxt, sp.Sum) or (isinstance(nxt, sp.Mul) and any(isinstance(a, sp.Sum) for a in nxt.args)):
                sums = nxt if isinstance(nxt, sp.Sum) else next(a for a in nxt.args if isinstance(a, sp.Sum))
                facts.sums.setdefault(quantity, set()).update(str(lim[0]) for lim in sums.limits)
            elif nxt == 0 and _derivative_quantity(low, op) in facts.sums:
                facts.setting = (quantity, facts.sums[quantity])

    def _free_index(self, span: MathSpan, st: Statement, offs: list[int], ops: list[Node], value,
                    facts: _Facts, chain_no: int, scope: _Scope) -> bool:
        """A row with x_i free where the quantity it stands for sums over i: ill-posed."""
        if not facts.sums or not facts.data:
            return False
        low = LintLowerer(scope.decls)
        derived = [q for op in ops if (q := _derivative_quantity(low, op)) in facts.sums]
        context = facts.setting if facts.setting else ((derived[0], facts.sums[derived[0]]) if derived else None)
        if context is None:
            return False
        quantity, letters = context
        free: set[str] = set()
        for j in range(len(ops)):
            v = value(j)
            if isinstance(v, LoweringError):
                continue
            for s in v.free_symbols:
                base, _, idx = str(s).rpartition("_")
                if base in facts.data and idx in letters and idx in facts.data[base]:
                    free.add(str(s))
        if not free:
            return False
        line, col = self._position(span, offs[0] if offs else None)
        names = ", ".join(sorted(free))
        letter = sorted(letters)[0]
        self._add(ClaimResult(
            exercise=self._exercise(span), claim=f"L{line}-c{chain_no}-free-index", verdict=Verdict.ILL_POSED,
            location=Location(self.file, line, col),
            message=(f"{names} appear(s) with the index {letter} free, but the derivative of {quantity} "
                     f"is a sum over {letter}: the equation should keep the \\sum_{letter}"),
            claimed_latex=_statement_text(span.latex, offs),
            evidence=f"{quantity} is a sum over {letter} (stated earlier in this chapter)"))
        return True

    # ------------------------------------------------------------ one '=' step
    def _check_step(self, span: MathSpan, claim_id: str, line: int, col: int, latex: str,
                    a: sp.Expr, b: sp.Expr, ops: list[Node], j: int, run_len: int, scope: _Scope) -> None:
        out = self.outcome
        numeric_a, numeric_b = _is_constant(a), _is_constant(b)
        if numeric_a != numeric_b:
            out.skipped["equation"] += 1   # `... = 0`, `\sigma(z) = 0.5`: a condition, not an identity
            return
        where = f"{claim_id} ({line}:{col})"
        if numeric_a:
            self._check_numeric(span, claim_id, line, col, latex, a, b, ops[j], ops[j + 1], where)
            return
        try:
            comp = _compare(b, a, self.seed)
        except Exception as exc:  # noqa: BLE001 - a crash of the comparison is a skip, never a finding
            out.skipped[f"compare-error:{type(exc).__name__}"] += 1
            return
        if comp.equal is None:
            out.skipped["undecided"] += 1
            return
        if comp.equal is False:
            reason = self._demote(run_len, a, b, ops, j)
            if reason:
                out.skipped[reason] += 1
                return
        out.checked += 1
        if self.explain:
            out.explanations.append(f"{where}: {format_expr(a)}  vs  {format_expr(b)}: "
                                    f"{'equal' if comp.equal else 'differ'} ({comp.evidence})")
        scope.claims.append({"id": claim_id, "line": line, "latex": latex,
                             "expect": f'latex("{latex.split(" = ", 1)[0]}")'})
        verdict = Verdict.CORRECT if comp.equal else Verdict.WRONG
        message = ("holds" if comp.equal else
                   f"this step does not hold: {format_expr(a)} is not {format_expr(b)}"
                   + (f" ({comp.diagnosis})" if comp.diagnosis else ""))
        self._add(ClaimResult(
            exercise=self._exercise(span), claim=claim_id, verdict=verdict,
            location=Location(self.file, line, col), message=message, claimed_latex=latex,
            expected_latex=None, evidence=comp.evidence, counterexample=comp.counterexample,
            diagnosis=comp.diagnosis, proven=comp.proven))

    def _demote(self, run_len: int, a: sp.Expr, b: sp.Expr, ops: list[Node], j: int) -> str | None:
        """Why a wrong-looking step is still not reported, or None to report it."""
        if _has_kind(ops[j], ops[j + 1], kinds={"bold", "top", "env", "norm"}) or _has_transpose(ops[j], ops[j + 1]):
            return "vector-notation"   # scalar reading of vectors/matrices is not reliable
        if run_len == 2 and not _has_derivative(ops[j], ops[j + 1]):
            return "equation"   # a lone `A = B` may be an equation to solve, not an identity
        pos = {s: sp.Symbol(s.name, positive=True) for s in (a.free_symbols | b.free_symbols)
               if isinstance(s, sp.Symbol) and not s.is_integer}
        try:
            again = _compare(b.xreplace(pos), a.xreplace(pos), self.seed + 1)
        except Exception:  # noqa: BLE001
            return "undecided"
        if again.equal is not False:
            return "domain"   # holds for positive values: likely an unstated assumption
        return None

    def _check_numeric(self, span: MathSpan, claim_id: str, line: int, col: int, latex: str, a: sp.Expr,
                       b: sp.Expr, node_a: Node, node_b: Node, where: str) -> None:
        out = self.outcome
        try:
            va, vb = sp.N(a, 30), sp.N(b, 30)
            if not (va.is_real and vb.is_real and va.is_finite and vb.is_finite):
                raise ValueError
        except (TypeError, ValueError, AttributeError):
            out.skipped["numeric-undecided"] += 1
            return
        tol = _printed_tolerance(node_b, va) or _printed_tolerance(node_a, vb)
        diff = abs(va - vb)
        ok = diff <= (tol if tol is not None else sp.Float("1e-12") * max(1, abs(va), abs(vb)))
        out.checked += 1
        tol_text = f" within ±{tol}" if tol is not None else ""
        if self.explain:
            out.explanations.append(f"{where}: {va} vs {vb}{tol_text}: {'equal' if ok else 'differ'}")
        verdict = Verdict.CORRECT if ok else Verdict.WRONG
        message = "holds" if ok else f"arithmetic: the left side is {_short(va)}, not {_short(vb)}"
        self._add(ClaimResult(
            exercise=self._exercise(span), claim=claim_id, verdict=verdict,
            location=Location(self.file, line, col), message=message, claimed_latex=latex,
            evidence=f"exact value {_short(va)}, written {_short(vb)}{tol_text}",
            counterexample=None if ok else Counterexample(point={}, claimed=float(vb), expected=float(va)),
            diagnosis=None if ok else "arithmetic"))

    # ------------------------------------------------------------ helpers
    def _add(self, result: ClaimResult) -> None:
        self.outcome.report.results.append(result)

    def _position(self, span: MathSpan, offset: int | None) -> tuple[int, int]:
        if offset is None:
            return span.line, span.column
        before = span.latex[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return span.line, span.column + offset
        return span.line + newlines, offset - before.rfind("\n")

    def _suggested_spec(self) -> dict[str, Any]:
        exercises = []
        for title, scope in self.spec_sections.items():
            if not scope.claims:
                continue
            ex: dict[str, Any] = {"id": f"{self.stem}/{_slug(title)}", "title": title}
            if scope.given_latex:
                ex["given"] = dict(scope.given_latex)
            ex["claims"] = [dict(c) for c in scope.claims]
            exercises.append(ex)
        return {"version": 1, "notes": Path(self.file).name if self.file else "notes.md", "exercises": exercises}


def _compare(claimed: sp.Expr, expected: sp.Expr, seed: int):
    """`compare`, with symbolic sum bounds (I in \\sum_{i=1}^I) fixed to small integers.

    The sampler cannot vary a bound between points; an identity must hold for every bound, so a
    counterexample at a fixed bound is a real one, and agreement at two bounds is taken as equal.
    """
    bounds = {s for expr in (claimed, expected) for su in expr.atoms(sp.Sum, sp.Product)
              for lim in su.limits for s in sp.Tuple(*lim[1:]).free_symbols}
    if not bounds:
        return compare(claimed, expected, seed=seed, proof_seconds=2.0)
    comp = None
    for n in (3, 4):
        fixed = {s: sp.Integer(n + k) for k, s in enumerate(sorted(bounds, key=str))}
        comp = compare(claimed.xreplace(fixed), expected.xreplace(fixed), seed=seed, proof_seconds=1.0)
        if comp.counterexample is not None:
            comp.counterexample.point.update({str(s): int(v) for s, v in fixed.items()})
        if comp.equal is not True:
            return comp
    return comp


# ---------------------------------------------------------------- syntax helpers
def _unbox(statements: list[Statement]) -> list[Statement]:
    """`\\boxed{A = B}` holds a whole chain; read it as the chain."""
    out: list[Statement] = []
    for st in statements:
        if not st.relations and len(st.operands) == 1 and st.operands[0].kind == "paren" \
                and st.operands[0].text == "boxed":
            out.extend(_unbox(statements_of(st.operands[0].args[0])))
        else:
            out.append(st)
    return out


def _walk(node: Any):
    if isinstance(node, Node):
        yield node
        for a in node.args:
            yield from _walk(a)
    elif isinstance(node, (tuple, list)):
        for a in node:
            yield from _walk(a)


def _has_kind(*nodes: Node, kinds: set[str]) -> bool:
    return any(n.kind in kinds for node in nodes for n in _walk(node))


def _has_transpose(*nodes: Node) -> bool:
    for node in nodes:
        for n in _walk(node):
            if n.kind == "sup":
                script = n.args[1]
                inner = script.args[0] if script.kind == "group" else script
                flat = [x for x in _walk(inner)]
                if any(x.kind == "top" or (x.kind == "name" and x.args[0] == "T") for x in flat):
                    return True
    return False


def _has_derivative(*nodes: Node) -> bool:
    for node in nodes:
        for n in _walk(node):
            if n.kind in ("partial", "prime"):
                return True
            if n.kind == "frac":
                num = n.args[0]
                items = [i for r in num.args for i in r.args] if num.kind == "rows" else [num]
                first = items[0] if items else None
                while first is not None and first.kind == "implicit":
                    first = first.args[0]
                if first is not None and first.kind == "name" and first.args[0] == "d":
                    return True
    return False


def _derivative_quantity(low: LintLowerer, node: Node) -> str | None:
    """`\\frac{\\partial L}{\\partial v}` -> 'L'."""
    if node.kind != "frac":
        return None
    num = [i for r in node.args[0].args for i in r.args]
    if len(num) != 1 or num[0].kind != "partial" or num[0].args[1] is None:
        return None
    return low._name_of(num[0].args[1])


def _derivative_variables(st: Statement, low: LintLowerer) -> set[str]:
    names: set[str] = set()
    for n in _walk(st.operands):
        if n.kind == "frac":
            den = [i for r in n.args[1].args for i in r.args]
            for d in den:
                parts = d.args if d.kind == "implicit" else (d,)
                for p in parts:
                    if p.kind == "partial" and p.args[1] is not None:
                        name = low._name_of(p.args[1])
                        if name:
                            names.add(name)
                if d.kind == "implicit" and len(d.args) == 2 and d.args[0].kind == "name" and d.args[0].args[0] == "d":
                    name = low._name_of(d.args[1])
                    if name:
                        names.add(name)
    return names


def _definable(low: LintLowerer, node: Node) -> bool:
    """A name (`L`, `h_d`, `\\hat{y}`) or a function head with name parameters (`f[x, \\phi]`)."""
    if node.kind in _NAME_KINDS:
        name = low._name_of(node)
        return name is not None and name not in _UNDEFINABLE and (node.kind != "text" or len(name) <= 5)
    if node.kind == "call":
        head = node.args[0]
        if head.kind not in ("name", "text", "sub", "accent", "style") or low._name_of(head) in (None, *_UNDEFINABLE):
            return False
        args = split_arguments(node.args[1])
        return bool(args) and all(len(a) == 1 and a[0].kind in ("name", "sub", "bold", "accent")
                                  and low._name_of(a[0]) is not None for a in args)
    return False


def _relation_reason(rel: str) -> str:
    if rel in ("<", ">", "<=", ">=", "!="):
        return "inequality"
    if rel in ("~", "sim", "propto"):
        return "approximation"
    return "other-relation"


def _is_constant(v: sp.Expr) -> bool:
    return not v.free_symbols and not v.atoms(sp.Indexed)


def _printed_tolerance(node: Node, other_value: sp.Expr) -> sp.Float | None:
    """A bare literal with k decimals was printed to ±0.5·10^-k (integers only if the value is not)."""
    while node.kind in ("neg", "pos", "paren", "group") and len(node.args) == 1 and isinstance(node.args[0], Node):
        node = node.args[0]
        if node.kind == "rows":
            items = [i for r in node.args for i in r.args]
            if len(items) != 1:
                return None
            node = items[0]
    if node.kind != "number":
        return None
    text = node.args[0].replace("{,}", "")
    if "." not in text:
        return None if other_value.is_Integer else sp.Float("0.5")
    k = len(text.split(".", 1)[1])
    return sp.Float(5) * sp.Float(10) ** (-(k + 1)) * (1 + sp.Float("1e-9"))


def _short(v: sp.Expr) -> str:
    return str(sp.Float(v, 8)) if not v.is_Integer else str(v)


def _operand_texts(latex: str, offs: list[int], n: int) -> list[str]:
    """Source text of each operand (display only; empty when the relations were not located)."""
    if not offs or len(offs) != n - 1:
        return [""] * n
    ends = [o + len(_REL_TOKEN.match(latex, o).group(0)) for o in offs]  # type: ignore[union-attr]
    texts = []
    for j in range(n):
        lo = ends[j - 1] if j > 0 else _stop_before(latex, offs[0])
        hi = offs[j] if j < n - 1 else _stop_after(latex, ends[-1])
        texts.append(_clean(latex[lo:hi]))
    return texts


def _stop_before(latex: str, pos: int) -> int:
    last = 0
    for m in _STOPS.finditer(latex, 0, pos):
        last = m.end()
    return last


def _stop_after(latex: str, pos: int) -> int:
    m = _STOPS.search(latex, pos)
    return m.start() if m else len(latex)


def _clean(text: str) -> str:
    text = text.replace("&", " ").strip()
    while text.endswith(("}", ".")) and text.count("{") < text.count("}") + (text.endswith(".")):
        text = text[:-1].rstrip()
    return " ".join(text.split())


def _statement_text(latex: str, offs: list[int]) -> str:
    if not offs:
        return " ".join(latex.split())
    return _clean(latex[_stop_before(latex, offs[0]) : _stop_after(latex, offs[-1] + 1)])


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", title.lower()).strip("-") or "section"
