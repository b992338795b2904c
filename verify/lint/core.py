"""The lint pass: walk a notes file's math in order, keep definitions in scope, judge '=' steps."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import sympy as sp

import verify.lint.steps as judge
from derive.lower.errors import LoweringError
from derive.lower.lowerer import Lowerer
from derive.lower.strict import SCALE_UNIT, is_prose
from derive.lower.syntax import has_derivative
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Formula, Node, Statement
from verify.compare.diagnose import format_expr
from verify.lint.lowering import operand_value, value_or_reason
from verify.lint.readings import Step, names_a_new_quantity, readings, withheld
from verify.lint.scope import Facts, Scope
from verify.lint.source import (
    Sections,
    after_prose,
    before_prose,
    find_sections,
    operand_texts,
    relation_offsets,
    statement_text,
    text_after,
)
from verify.lint.suggest import suggested_spec
from verify.lint.sums import free_index, note_sum_facts
from verify.lint.syntax import (
    assigns_reserved,
    definable,
    defined_names,
    derivative_variables,
    existential_names,
    implied_subject,
    plain_names,
    printed_decimals,
    relation_reason,
    solved_for,
    split_at_prose,
    superscript_labels,
    unbox,
    used_names,
)
from verify.notes.math import MathSpan, find_math
from verify.result import ClaimResult, Counterexample, Location, Report, Verdict

_SCI_NOTATION = re.compile(r"\d(?:\.\d+)?e[-+]?\d")


@dataclass
class LintOutcome:
    report: Report
    spans: int = 0               # math spans in the file
    spans_with_steps: int = 0    # spans holding at least one '=' step that is not a definition
    spans_checked: int = 0       # spans with at least one step judged
    statements: int = 0          # relation chains seen
    steps: int = 0               # '=' steps that are not definitions
    closed: int = 0              # of those, steps whose two sides could both be read
    checked: int = 0             # steps judged (identities and arithmetic)
    definitions: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    explanations: list[str] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def findings(self) -> list[ClaimResult]:
        return [r for r in self.report.results if r.verdict.is_failure]


def lint_file(path: str | Path, *, seed: int = 0, explain: bool = False) -> LintOutcome:
    """Lint one Markdown (.md, .markdown) or TeX (.tex) notes file."""
    p = Path(path)
    kind = "tex" if p.suffix.lower() == ".tex" else "markdown"
    return lint_text(p.read_text(encoding="utf-8"), kind=kind, file=str(p), seed=seed, explain=explain)


def lint_text(text: str, *, kind: str = "markdown", file: str | None = None, seed: int = 0,
              explain: bool = False) -> LintOutcome:
    """Lint notes given as text; `kind` is 'markdown' or 'tex'."""
    start = time.perf_counter()
    run = _Run(text, kind, file, seed, explain)
    run.walk()
    run.outcome.seconds = time.perf_counter() - start
    return run.outcome


@dataclass
class _Pending:
    """A finding held until its section ends: a name it uses may still be defined below it."""

    result: ClaimResult
    names: set[str]
    order: int   # the chain's position in the file (a definition later on the same line counts as later)


class _Run:
    """One pass over a file: math spans in order, a scope per section, facts per chapter."""

    def __init__(self, text: str, kind: str, file: str | None, seed: int, explain: bool) -> None:
        self.spans = find_math(text, kind=kind)
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        self.sections: Sections = find_sections(text, kind)
        self.file = file
        self.seed = seed
        self.explain = explain
        self.outcome = LintOutcome(Report(results=[], seed=seed))
        self.stem = Path(file).stem if file else "notes"
        self.chains_on_line: Counter[int] = Counter()
        self.scopes: list[tuple[str, Scope]] = []
        self.parsed = [self._parse(span) for span in self.spans]
        self.labels = superscript_labels([f for _, f in self.parsed if f is not None])
        self.pending: list[_Pending] = []
        self.order = 0   # chains read so far
        self.ill_posed_spans: set[int] = set()
        self.carried: set[str] = set()
        self.carry_arrow = False

    # ------------------------------------------------------------ walking
    def walk(self) -> None:
        section_key: object = object()
        chapter_key: object = object()
        scope, facts = self._new_scope(), Facts()
        for number, span in enumerate(self.spans):
            section = self.sections.at(span.line)
            chapter = self.sections.chapter_at(span.line)
            if section != section_key:
                self._close_section(scope)
                section_key, scope = section, self._new_scope()
                self.scopes.append((self._exercise(span), scope))
            if chapter != chapter_key:
                chapter_key, facts = chapter, Facts()
            self.outcome.spans += 1
            setting_before = facts.setting
            self._span(number, span, scope, facts)
            if facts.setting is setting_before:
                facts.setting = None  # a "setting ... = 0" only governs the formula right after it
        self._close_section(scope)
        self.outcome.spec = suggested_spec(self.scopes, self.file, self.stem)

    def _close_section(self, scope: Scope) -> None:
        for p in self.pending:
            later = [n for n in p.names if any(when > p.order for when in scope.defined_at.get(n, []))]
            if later:
                # `... = 2zx, where z = wx - y`: the step was judged before z had its meaning
                self.outcome.checked -= 1
                self.outcome.skipped["defined-later"] += 1
                self._explain(f"L{p.result.location.line}: finding withdrawn: {', '.join(sorted(later))} defined later")
                continue
            self.outcome.report.results.append(p.result)
        self.pending = []

    def _exercise(self, span: MathSpan) -> str:
        section = self.sections.at(span.line)
        return section.title if section else self.stem

    def _new_scope(self) -> Scope:
        scope = Scope()
        scope.decls.labels = self.labels
        return scope

    def _parse(self, span: MathSpan) -> tuple[MathSpan, Formula | None]:
        # A document's formulas: equation numbers, `\quad` between formulas and the comma of `1,000` are read
        # by the grammar's document rules (derive/parse/document.lark), the text is left as written.
        try:
            return span, parse_latex(span.latex, document=True)
        except (LatexParseError, RecursionError, ValueError):
            return span, None

    def _span(self, number: int, original: MathSpan, scope: Scope, facts: Facts) -> None:
        tail = text_after(self.lines, original.line, original.column, original.end_line, original.latex,
                          original.delimiter)
        # `$1000 \times 512 \times 4 = 2.048$ MB`: the last number is in a unit the formula does not show
        unit_after = tail is not None and SCALE_UNIT.match(tail) is not None
        span, formula = self.parsed[number]
        if formula is None:
            self.outcome.skipped["unparsed"] += 1
            return
        statements = unbox(formula.statements)
        scope.span = number
        # `1e-3`: e is a digit's exponent marker here, not Euler's number
        scope.transient = frozenset({"e"}) if _SCI_NOTATION.search(span.latex) else frozenset()
        scope.plain = plain_names(statements, scope.lowerer())
        scope.existential |= existential_names(statements, scope.lowerer())
        offsets = relation_offsets(span.latex)
        if len(offsets) != sum(len(st.relations) for st in statements):
            offsets = []
        k = 0
        pieces = []
        reader = scope.lowerer()
        for st in statements:
            rel_offsets = offsets[k : k + len(st.relations)] if offsets else []
            k += len(st.relations)
            pieces.extend(p for p in split_at_prose(st, rel_offsets, partial(is_prose, reader)) if p[0].relations)
        steps_before, checked_before = self.outcome.steps, self.outcome.checked
        self.carried, self.carry_arrow = set(), False   # names a formula defined, for one after an arrow
        for n, (piece, piece_offsets, cuts) in enumerate(pieces):
            unit = unit_after and n == len(pieces) - 1 and not cuts[1]
            self._statement(number, span, piece, piece_offsets, cuts, unit, scope, facts)
        self.outcome.spans_with_steps += self.outcome.steps > steps_before
        self.outcome.spans_checked += self.outcome.checked > checked_before

    # ------------------------------------------------------------ one relation chain
    def _statement(self, number: int, span: MathSpan, st: Statement, offs: list[int], cuts: tuple[bool, bool],
                   unit_after: bool, scope: Scope, facts: Facts) -> None:
        out = self.outcome
        out.statements += 1
        self.order += 1
        first_line = self._position(span, offs[0] if offs else None)[0]
        self.chains_on_line[first_line] += 1
        chain_no = self.chains_on_line[first_line]
        ops, rels = st.operands, st.relations
        texts = operand_texts(span.latex, offs, len(ops))
        if cuts[0]:
            texts[0] = after_prose(texts[0])
        if cuts[-1]:
            texts[-1] = before_prose(texts[-1])
        variables = derivative_variables(ops, scope.lowerer())
        scope.instances = scope.instantiate(ops)
        low = scope.lowerer(variables)
        values: dict[int, sp.Expr | LoweringError] = {}

        def value(j: int) -> sp.Expr | LoweringError:
            if j not in values:
                values[j] = value_or_reason(low, ops[j])
            return values[j]

        # Runs of operands joined by '=': `j_1: A = 0 \Longrightarrow x = B` holds two runs.
        runs: list[list[int]] = [[0]]
        for j, rel in enumerate(rels):
            if rel in ("=", ":="):
                runs[-1].append(j + 1)
            else:
                out.skipped[relation_reason(rel)] += 1
                runs.append([j + 1])
        n_defs = [_leading_definienda(low, ops, run, scope) for run in runs]
        note_sum_facts(low, ops, value, facts)
        found = free_index(low, ops, value, facts)
        if found is not None:
            self._free_index_finding(number, span, offs, chain_no, found)
        # Runs are read in order, and a run's definitions take effect after its own steps and before the
        # next run's: `\theta_{10} + \theta_{11} x = 0 \Longrightarrow x = -\theta_{10}/\theta_{11}` must not
        # check the equation with its own solution, and `f(x) = e^x \rightarrow \frac{df}{dx} = e^x` differentiates
        # the f just defined, not an earlier one.
        if all(op.kind == "empty" for op in ops):
            # `g_k(u) = k u \quad \Rightarrow \quad \frac{dg}{du} = k`: the arrow stands alone between two
            # formulas; what the first defined carries over to the second
            self.carry_arrow = True
            return
        defined_before = self.carried if self.carry_arrow else set()
        self.carry_arrow = False
        for r, (run, n_def) in enumerate(zip(runs, n_defs, strict=True)):
            implied = implied_subject(low, [ops[k] for k in run], defined_before)
            solved = solved_for(low, ops, runs, n_defs, r)
            reserved = assigns_reserved(low, ops[run[0]]) if len(run) > 1 else None
            if found is None:
                for j in run[n_def:-1]:
                    if rels[j] != "=":
                        continue
                    if solved or (reserved and j == run[0]):
                        # `2.09 = \frac{\bar x - 60}{8/\sqrt{20}} \rightarrow \bar x = 63.74`: an equation solved for
                        # the name the next run assigns; `e = 120 - 120.58`: e is a residual here, not Euler's e
                        out.steps += 1
                        out.skipped["equation" if solved else "reserved-name"] += 1
                        self._explain(f"L{self._position(span, offs[j] if offs else None)[0]} skipped "
                                      f"({'equation: solved for ' + ', '.join(sorted(solved)) if solved else 'reserved-name: ' + reserved + ' is assigned'})")
                        continue
                    if implied:
                        # `f_a(x) = ax \rightarrow \frac{df}{dx} = a`: the derivative of f means f_a here
                        out.steps += 1
                        out.skipped["implied-subject"] += 1
                        self._explain(f"L{self._position(span, offs[j] if offs else None)[0]} skipped "
                                      f"(implied-subject: the derivative names another function than the one "
                                      f"just defined: {', '.join(sorted(defined_before))})")
                        continue
                    unit = unit_after and j + 1 == len(ops) - 1
                    self._step(span, st, offs, texts, chain_no, j, value, low, variables, unit, scope)
            if reserved:
                scope.poisoned.add(reserved)   # `e = ...`: from here on, e is not Euler's number
            defined_before = set()
            if n_def:
                out.definitions += n_def
                ambiguous = scope.define(low, ops, run[n_def], run[0], value, texts, self.order)
                if ambiguous:
                    out.skipped["ambiguous-definition"] += ambiguous
                defined_before = defined_names(low, [ops[k] for k in run[:n_def]])
                if r + 1 < len(runs):
                    # later runs read the new definitions
                    low = scope.lowerer(variables)
                    scope.note_seen([v for v in values.values() if isinstance(v, (sp.Expr, sp.MatrixBase))])
                    values = {k: v for k, v in values.items() if k <= run[-1]}
        scope.instances = {}
        self.carried = defined_before
        scope.note_seen([v for v in values.values() if isinstance(v, (sp.Expr, sp.MatrixBase))])

    # ------------------------------------------------------------ one '=' step
    def _step(self, span: MathSpan, st: Statement, offs: list[int], texts: list[str], chain_no: int, j: int,
              value, low: Lowerer, variables: set[str], unit_after: bool, scope: Scope) -> None:
        out = self.outcome
        ops = st.operands
        out.steps += 1
        line, col = self._position(span, offs[j] if offs else None)
        where = f"L{line}:{col}"
        unusable = used_names(low, ops[j], ops[j + 1]) & scope.unusable
        if unusable:
            # `p_{i,j}` after `p_{i,2j} = ...`: the definition says nothing about odd second indices
            out.skipped["indexed-undefined"] += 1
            self._explain(f"{where} skipped (indexed-undefined: no definition fits {', '.join(sorted(unusable))})")
            return
        a, b = value(j), value(j + 1)
        bad = a if isinstance(a, LoweringError) else b if isinstance(b, LoweringError) else None
        if bad is not None:
            reason = "incomplete" if str(bad) == "incomplete" else bad.kind
            out.skipped[reason] += 1
            self._explain(f"{where} skipped ({reason}: {bad})")
            return
        out.closed += 1
        claim_id = f"L{line}-c{chain_no}-s{j + 1}"
        step_latex = f"{texts[j]} = {texts[j + 1]}".strip(" =")
        if isinstance(a, sp.MatrixBase) or isinstance(b, sp.MatrixBase):
            reason = _matrix_step(a, b, texts[j] + texts[j + 1])
            if reason:
                out.skipped[reason] += 1
                self._explain(f"{where} skipped ({reason}): {format_expr(a)} vs {format_expr(b)}")
                return
        elif _is_constant(a) != _is_constant(b):
            out.skipped["equation"] += 1   # `... = 0`, `\sigma(z) = 0.5`: a condition, not an identity
            self._explain(f"{where} skipped (equation: one side is a number)")
            return
        shallow = scope.lowerer(variables, shallow=True)
        matrices = isinstance(a, sp.MatrixBase)
        if not matrices and _is_constant(a) and unit_after:
            out.skipped["unit"] += 1
            self._explain(f"{where} skipped (unit: the number is followed by a unit outside the formula)")
            return
        if not matrices and len(ops) == 2 and not has_derivative(ops[0], ops[1]) and names_a_new_quantity(a, b):
            out.skipped["equation"] += 1   # `z^O = b^O + ...` where z^O appears nowhere on the right
            self._explain(f"{where} skipped (equation: a bare name the other side does not contain)")
            return
        if not matrices and _is_constant(a):
            verdict = self._numbers(a, b, ops[j], ops[j + 1], shallow, scope)
        else:
            verdict = self._identity(Step(a, b, st, j, low, shallow, variables, scope, self.labels))
        if verdict.equal is None:
            out.skipped[verdict.reason] += 1
            self._explain(f"{where} skipped ({verdict.reason}): {format_expr(a)} vs {format_expr(b)}")
            return
        out.checked += 1
        scope.claims.append({"id": claim_id, "line": line, "latex": step_latex, "given": dict(scope.given_latex),
                             "verdict": "correct" if verdict.equal else "wrong"})
        result = self._result(span, claim_id, line, col, step_latex, a, b, verdict)
        self._explain(f"{where} {'holds' if verdict.equal else 'WRONG'}: {format_expr(a)} vs {format_expr(b)} "
                      f"({result.evidence})")
        if verdict.equal:
            out.report.results.append(result)
            return
        names = used_names(shallow, ops[j], ops[j + 1])
        doubt = withheld(names, scope)
        if doubt:
            out.checked -= 1
            out.skipped[doubt] += 1
            scope.claims.pop()
            self._explain(f"{where} finding withheld ({doubt})")
            return
        self.pending.append(_Pending(result, names, self.order))

    def _identity(self, step: Step) -> judge.Judgement:
        return judge.judge_identity(step.a, step.b, self.seed, readings(step))

    def _numbers(self, a: sp.Expr, b: sp.Expr, node_a: Node, node_b: Node, shallow, scope: Scope) -> judge.Judgement:
        def rounding():
            sa, sb = operand_value(shallow, node_a), operand_value(shallow, node_b)
            syms = {s for s in (sa.free_symbols | sb.free_symbols) if isinstance(s, sp.Symbol)}
            values = {s: scope.decls.given[s.name] for s in syms if s.name in scope.decls.given}
            rounded = {s: scope.rounded[s.name] for s in values if s.name in scope.rounded}
            return judge.rounding_corners(sa, sb, values, rounded) if rounded else []

        alternatives = [("log-base", lambda: judge.log_base_readings(a, b)), ("rounding", rounding)]
        verdict = judge.judge_numbers(a, b, printed_decimals(node_a), printed_decimals(node_b), alternatives)
        if verdict.equal is False:
            # `D \ln(x) = 1/x` after `x = 1`: a number only because an example value was put in, and D
            # (an operator, never defined) vanished with ln(1) = 0. Arithmetic is judged only when every
            # letter in it has a value.
            try:
                sa, sb = operand_value(shallow, node_a), operand_value(shallow, node_b)
            except Exception:  # noqa: BLE001 - without the written form the arithmetic is not judged
                return judge.Judgement(None, "undefined-letter")
            letters = {str(x) for x in sa.free_symbols | sb.free_symbols} - set(scope.decls.given)
            if letters:
                return judge.Judgement(None, "undefined-letter")
        return verdict

    # ------------------------------------------------------------ results
    def _result(self, span: MathSpan, claim_id: str, line: int, col: int, latex: str, a: sp.Expr, b: sp.Expr,
                verdict: judge.Judgement) -> ClaimResult:
        comp = verdict.comparison
        base = dict(exercise=self._exercise(span), claim=claim_id, location=Location(self.file, line, col),
                    claimed_latex=latex)
        if comp is None:   # arithmetic
            va, vb, tol = verdict.value_left, verdict.value_right, verdict.tolerance
            tol_text = f" within ±{judge.short(tol)}" if tol is not None else ""
            evidence = f"exact value {judge.short(va)}, written {judge.short(vb)}{tol_text}"
            if verdict.reason in judge.READINGS:
                evidence += f"; holds {judge.READINGS[verdict.reason]}"
            if verdict.equal:
                return ClaimResult(verdict=Verdict.CORRECT, message="holds", evidence=evidence, **base)
            return ClaimResult(verdict=Verdict.WRONG, message=f"arithmetic: the left side is {judge.short(va)}, "
                               f"not {judge.short(vb)}", evidence=evidence, diagnosis="arithmetic",
                               counterexample=Counterexample(point={}, claimed=float(vb), expected=float(va)),
                               **base)
        if verdict.equal:
            # information: right as written, or only under a condition the text states or implies
            message = comp.evidence if verdict.reason.partition(":")[0] in judge.CONDITIONS else "holds"
            return ClaimResult(verdict=Verdict.CORRECT, message=message, evidence=comp.evidence,
                               proven=comp.proven, **base)
        message = f"this step does not hold: {format_expr(a)} is not {format_expr(b)}"
        if comp.diagnosis:
            message += f" ({comp.diagnosis})"
        return ClaimResult(verdict=Verdict.WRONG, message=message, evidence=comp.evidence,
                           counterexample=comp.counterexample, diagnosis=comp.diagnosis, proven=comp.proven,
                           expected_latex=None, **base)

    def _free_index_finding(self, number: int, span: MathSpan, offs: list[int], chain_no: int,
                            found: tuple[str, str, list[str]]) -> None:
        if number in self.ill_posed_spans:
            self.outcome.skipped["free-index-repeat"] += 1   # one finding per formula is enough
            return
        self.ill_posed_spans.add(number)
        quantity, letter, free = found
        line, col = self._position(span, offs[0] if offs else None)
        names = ", ".join(free)
        self.outcome.report.results.append(ClaimResult(
            exercise=self._exercise(span), claim=f"L{line}-c{chain_no}-free-index", verdict=Verdict.ILL_POSED,
            location=Location(self.file, line, col),
            message=(f"{names} appear(s) with the index {letter} free, but the derivative of {quantity} "
                     f"is a sum over {letter}: the equation should keep the \\sum_{letter}"),
            claimed_latex=statement_text(span.latex, offs),
            evidence=f"{quantity} is a sum over {letter} (stated earlier in this chapter)"))

    # ------------------------------------------------------------ helpers
    def _explain(self, line: str) -> None:
        if self.explain:
            where = f"{self.file}:" if self.file else ""
            self.outcome.explanations.append(f"{where}{line}")

    def _position(self, span: MathSpan, offset: int | None) -> tuple[int, int]:
        if offset is None:
            return span.line, span.column
        before = span.latex[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return span.line, span.column + offset
        return span.line + newlines, offset - before.rfind("\n")


def _leading_definienda(low, ops: list[Node], run: list[int], scope: Scope) -> int:
    """How many operands at the start of a run are names being defined (`y = f[x, \\phi] = ...`).
    `p_{t+1,2k} = ...` after a definition of `p_{t,2k}` is a use of that definition, not a new one."""
    n = 0
    while n < len(run) - 1 and definable(low, ops[run[n]]) and not scope.is_indexed_use(low, ops[run[n]]):
        n += 1
    return n


def _matrix_step(a, b, source: str) -> str | None:
    """Why a step between matrices (or a matrix and a number) is not judged, or None to judge it."""
    if not (isinstance(a, sp.MatrixBase) and isinstance(b, sp.MatrixBase)) or a.shape != b.shape:
        return "vector-notation"   # a scalar reading of one side, or shapes lint got wrong
    if not a.free_symbols and not b.free_symbols and "." in source:
        return "numeric-matrix"    # printed decimals in a matrix: no per-entry precision to judge with
    return None


def _is_constant(v: sp.Expr) -> bool:
    return not v.free_symbols and not v.atoms(sp.Indexed)
