"""Parse LaTeX formulas of the notes into statements (relation chains of syntax trees).

`parse_latex` is context-free and cached; `derive.lower` gives the trees meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from lark import Lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from derive.parse.abs_bars import AbsBars  # plain |x| pairs into an absolute value
from derive.parse.macro_args import MacroArgs  # `\frac12`: TeX's one-token arguments
from derive.parse.spacing import QuadCommas  # lint's documents: `\quad` between formulas
from derive.parse.transformer import ToAst, sum_of
from derive.parse.tree import Formula, Node, Statement, is_sep

_GRAMMAR = Path(__file__).with_name("latex.lark")
# Lint reads whole documents: equation numbers, `\quad` between formulas, `1,000` (a second cached parser).
_DOCUMENT = Path(__file__).with_name("document.lark")
_ALIGN_ENVS = {"aligned", "align", "alignat", "alignedat", "split", "gathered", "gather", "equation",
               "multline"}
MAX_FORMULA_CHARS = 20_000
# Brackets, fractions, scripts, ... inside one another. Real formulas nest a dozen levels; everything that
# reads a tree (lowering, SymPy, the linter) recurses once per level, so a bound keeps them far from Python's
# recursion limit. Flat chains (`a + b + ...`, `a b c ...`, `a \cdot b \cdot ...`) are one level at any length.
MAX_DEPTH = 100
# Node kinds that only hold the items of one level (not a level themselves).
_CONTAINERS = frozenset({"rows", "row", "group", "minus", "scripts"})


class LatexParseError(ValueError):
    """The LaTeX could not be read; `column` is 1-based within the formula."""

    def __init__(self, message: str, column: int | None = None, token: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.token = token


class _NormBars:
    """Post-lexer: the same `\\|` token opens and closes a norm; alternate (norms do not nest here)."""

    always_accept = ("NORM",)

    def process(self, stream):
        open_ = False
        for tok in stream:
            if tok.type == "NORM":
                tok.type = "NORM_CLOSE" if open_ else "NORM_OPEN"
                open_ = not open_
            yield tok


@contextmanager
def lark_unwrapped() -> Iterator[None]:
    """Lark wraps what its transformers raise in VisitError (also while compiling a grammar); a time budget or
    memory running out there must stay a TimeoutError / MemoryError, not become a crash."""
    try:
        yield
    except VisitError as exc:
        if isinstance(exc.orig_exc, (TimeoutError, MemoryError)):
            raise exc.orig_exc from None
        raise


@lru_cache(maxsize=2)
def _parser(document: bool = False) -> Lark:
    grammar = _GRAMMAR.read_text(encoding="utf-8")
    postlex = AbsBars(MacroArgs(_NormBars()))
    if document:
        grammar += "\n" + _DOCUMENT.read_text(encoding="utf-8")
        postlex = QuadCommas(postlex)
    with lark_unwrapped():   # built on first use, possibly inside a claim's budget
        return Lark(grammar, parser="lalr", lexer="basic", propagate_positions=True, maybe_placeholders=False,
                    postlex=postlex)


def parse_tree(text: str, document: bool = False) -> Node:
    """The raw `rows` node of a formula (`document`: as lint reads formulas of a document, derive/parse/
    document.lark)."""
    if len(text) > MAX_FORMULA_CHARS:
        raise LatexParseError(f"formula too long ({len(text)} characters)")
    try:
        tree = _parser(document).parse(text)
    except UnexpectedInput as exc:
        error = _parse_error(text, exc)
        if (damage := _escape_damage(text)) is not None:
            error = LatexParseError(f"{error}; {damage}", error.column, error.token)
        raise error from None
    with lark_unwrapped():
        rows = ToAst(text).transform(tree)
    deepest = nesting_depth(rows)
    if deepest > MAX_DEPTH:
        raise LatexParseError(f"nested deeper than {MAX_DEPTH} levels ({deepest})", 1, None)
    return rows


def nesting_depth(root: Node) -> int:
    """The most constructs inside one another on any path from `root` (containers not counted; no recursion)."""
    deepest = 0
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if node.kind not in _CONTAINERS:
            depth += 1
            deepest = max(deepest, depth)
        stack.extend((a, depth) for a in node.args if isinstance(a, Node))
    return deepest


# What a programming language's string escapes leave of LaTeX: `\begin` -> backspace + "egin", `\text` -> tab +
# "ext", `\frac` -> form feed + "rac", `\right` -> carriage return + "ight" (the control character often lost too).
_DAMAGED = re.compile(r"[\x08\x0c\r]|(?<![A-Za-z\\])(egin|ext|rac)\s*\{|(?<![A-Za-z\\])ight\s*[\])|.]")


def _escape_damage(text: str) -> str | None:
    """A hint when the formula looks like LaTeX whose backslashes a string escape ate, else None."""
    m = _DAMAGED.search(text)
    if m is None:
        return None
    seen = m.group(0).strip() or m.group(0)   # a lone control character is shown by !r below
    return (f"the LaTeX looks escape-damaged ({seen!r}: a backslash command such as \\begin, \\text, \\frac or "
            f"\\right lost its first letters to a string escape); correct the notes' source")


def _parse_error(text: str, exc: UnexpectedInput) -> LatexParseError:
    column = getattr(exc, "column", None)
    if isinstance(exc, UnexpectedCharacters):
        char = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        return LatexParseError(f"column {column}: cannot read {char!r}", column, char)
    if isinstance(exc, UnexpectedEOF):
        return LatexParseError("unexpected end of formula (unclosed group?)", len(text) + 1, None)
    if isinstance(exc, UnexpectedToken):
        tok = str(exc.token)
        if exc.token.type == "$END":
            return LatexParseError("unexpected end of formula (unclosed group?)", len(text) + 1, None)
        return LatexParseError(f"column {column}: unexpected {tok!r}", column, tok)
    return LatexParseError(str(exc).splitlines()[0], column, None)


@lru_cache(maxsize=4096)
def parse_latex(text: str, document: bool = False) -> Formula:
    """Parse one formula (without its `\\[ \\]` or `$` delimiters) into statements. `document`: read as lint
    reads a formula of a document: an equation number at the end of a row (`\\quad (21.11)`) is dropped, `\\quad`
    outside braces separates formulas like a comma, and `1,000` is one number."""
    stripped = text.strip()
    if not stripped:
        raise LatexParseError("empty formula", 1, None)
    rows = parse_tree(stripped, document)
    return Formula(statements=statements_of(rows), source=stripped)


def _unwrap_alignment(rows: Node) -> Node:
    """A formula that is one aligned-type environment is read as that environment's rows."""
    if len(rows.args) == 1:
        items = [i for i in rows.args[0].args if not is_sep(i, "period") and not is_sep(i, "comma")]
        if len(items) == 1 and items[0].kind == "env" and items[0].args[0] in _ALIGN_ENVS:
            return _unwrap_alignment(items[0].args[1])
    return rows


def _starts_with_sign(node: Node) -> bool:
    if node.kind == "add":
        node = node.args[0]
    return node.kind in ("pos", "neg")


def statements_of(rows: Node) -> list[Statement]:
    """Assemble relation chains across rows, ampersands, commas and continuation lines."""
    rows = _unwrap_alignment(rows)
    statements: list[Statement] = []
    current: Statement | None = None
    for row in rows.args:
        items = [i for i in row.args if not is_sep(i, "amp")]
        if not items:
            continue
        first = items[0]
        if is_sep(first, "rel") and current is not None:
            pass  # `&= ...` continues the chain of the previous row
        elif (not is_sep(first) and current is not None and _starts_with_sign(first)
              and current.operands and len(current.operands) > len(current.relations)):
            # `\\ + \phi_2 a[...]`: a line break inside a sum.
            current.operands[-1] = sum_of(current.operands[-1], first)
            items = items[1:]
        else:
            current = None
        for item in items:
            if is_sep(item, "rel"):
                if current is None:
                    current = Statement([], [])
                if len(current.operands) == len(current.relations):
                    current.operands.append(Node("empty"))
                current.relations.append(item.args[0])
            elif is_sep(item, "colon"):
                if current is None:
                    current = Statement([], [])
                    statements.append(current)
                if len(current.operands) == len(current.relations):
                    current.operands.append(Node("empty"))
                current.relations.append(":")
            elif is_sep(item):
                current = None  # comma, semicolon, period, `|`: a new statement starts
            else:
                if current is None or len(current.operands) > len(current.relations):
                    current = Statement([], [])
                    statements.append(current)
                current.operands.append(item)
                continue
            if current is not None and not any(s is current for s in statements):
                statements.append(current)
    for st in statements:
        if len(st.operands) == len(st.relations):
            st.operands.append(Node("empty"))
    return statements
