"""Reading a claim's parsed statements, shared by the kinds that judge formulas (formula, equation, parameters).

`statements(ctx)` gives the claim's non-empty statements from its one parse (`ClaimSpec.formula`), or the
`unparsed` result that says why there are none. Free-index questions are asked here too: a letter that is an
index of the exercise and is left outside any sum makes a step ill-posed.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from derive.nodes import atoms_of, free_symbols_of
from derive.parse.latex import LatexParseError, parse_latex
from derive.parse.tree import Node, Statement
from derive.recipes.errors import RecipeError
from derive.recipes.interpreter import DerivationFailed, looks_like_recipe, parse_recipe
from derive.spec.declarations import Declarations
from verify.claims.context import ClaimContext, latex_of
from verify.result import ClaimResult, Verdict


def statements(ctx: ClaimContext, expected_latex: str | None = None) -> list[Statement] | ClaimResult:
    """The claim's statements that hold mathematics, or an `unparsed` result."""
    try:
        formula = ctx.claim.formula
    except LatexParseError as exc:
        return ctx.result(Verdict.UNPARSED, str(exc), expected_latex=expected_latex)
    found = [st for st in formula.statements if any(o.kind != "empty" for o in st.operands)]
    if not found:
        return ctx.result(Verdict.UNPARSED, "no mathematics in the quoted LaTeX", expected_latex=expected_latex)
    return found


def truth_or_result(ctx: ClaimContext) -> tuple[object, str | None] | ClaimResult:
    """(truth, its LaTeX), or the `unverified` result when the recipe could not derive it."""
    try:
        expected = ctx.truth
    except DerivationFailed as exc:
        return ctx.result(Verdict.UNVERIFIED, f"could not derive the answer: {exc}")
    return expected, latex_of(expected)


def written_expectation(ctx: ClaimContext) -> Node | None:
    """The syntax tree of `expect:` when it only writes a value down instead of deriving it: LaTeX or a number,
    `latex("...")`, or the name of a given written so. None for a recipe that computes (arithmetic on given
    quantities included: `A * x` multiplies given matrices, which a claim in index notation must reproduce)."""
    expect = ctx.claim.expect
    if isinstance(expect, (int, float)) and not isinstance(expect, bool):
        text = repr(expect)
    elif not isinstance(expect, str):
        return None
    elif not looks_like_recipe(expect):
        text = expect
    else:
        try:
            text = _written_text(ctx, parse_recipe(expect))
        except RecipeError:
            return None
        if text is None:
            return None
    try:
        formula = parse_latex(text)
    except LatexParseError:
        return None
    if len(formula.statements) != 1 or len(formula.statements[0].operands) != 1:
        return None
    return formula.statements[0].operands[0]


def _written_text(ctx: ClaimContext, tree: Any) -> str | None:
    if tree.data == "name":
        given = {**ctx.exercise.given, **(ctx.claim.given or {})}.get(str(tree.children[0]))
        return given if isinstance(given, str) else repr(given) if isinstance(given, (int, float)) else None
    if tree.data == "number":
        return str(tree.children[0])
    if tree.data == "call" and str(tree.children[0]) == "latex":
        args = tree.children[1].children
        if len(args) == 1 and args[0].data == "string":
            return str(args[0].children[0])[1:-1]
    return None


def _bare(node: Any) -> Any:
    """A syntax tree with braces that hold one item dropped (`x^{2}` and `x^2` are the same writing)."""
    if not isinstance(node, Node):
        return node
    if node.kind == "group" and len(node.args) == 1 and isinstance(node.args[0], Node):
        items = [i for r in node.args[0].args for i in r.args] if node.args[0].kind == "rows" else []
        if len(items) == 1:
            return _bare(items[0])
    return Node(node.kind, tuple(_bare(a) for a in node.args))


def restates(ctx: ClaimContext, nodes: list[Node]) -> bool:
    """Every compared side is the expectation as written (the same syntax tree, or the name of a given written the
    same way): agreement would be no evidence at all. Arithmetic written out (`2(3) + 3(4) = 18` against 18) is
    checked, never restated."""
    written = _bare(written_expectation(ctx))
    if written is None or not nodes:
        return False
    given = {**ctx.exercise.given, **(ctx.claim.given or {})}
    for node in map(_bare, nodes):
        if node == written:
            continue
        if node.kind == "name" and isinstance(given.get(node.args[0]), str):
            try:
                (st,) = parse_latex(given[node.args[0]]).statements
            except (LatexParseError, ValueError):
                return False
            if [_bare(o) for o in st.operands] == [written]:
                continue
        return False
    return True


def free_indices(value: sp.Basic, decls: Declarations) -> set[str]:
    letters = decls.index_letters() | set(decls.index_ranges)
    free = free_symbols_of(value)
    return {s.name for s in free if isinstance(s, sp.Symbol) and s.name in letters} | {
        str(i) for a in atoms_of(value, sp.Indexed) for i in a.indices if isinstance(i, sp.Symbol) and i in free}


def ill_posed_index(value: sp.Basic, reference: sp.Basic | None, decls: Declarations) -> set[str]:
    """Index letters free in `value` that are not free in the derived `reference`."""
    extra = free_indices(value, decls)
    if reference is not None:
        extra -= free_indices(reference, decls)
    return extra
