"""Post-lexer: a number right after `\\frac`, `\\binom`, `\\sqrt`, `^` or `_` gives only its first digit.

TeX takes one token as an undelimited argument, so `\\frac12` is 1/2, `\\frac123` is (1/2)·3, `\\sqrt2` is √2,
`x^12` is x^1·2 and `x_10` is x_1·0. The lexer reads `12` as one NUMBER; here it is cut where TeX cuts it.
Braced arguments (`\\frac{12}{3}`) and the optional root index (`\\sqrt[3]{x}`) are skipped as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lark import Token

_ARITY = {"FRAC": 2, "BINOM": 2, "SQRT": 1, "SUP": 1, "SUB": 1}
_OPENERS = {"LBRACE": "RBRACE", "LSQB": "RSQB"}
# What can follow a cut-off digit inside one NUMBER token: digits, a decimal part, TeX's `{,}` separator.
_PIECES = re.compile(r"\d+(?:\.\d+)?|\.\d+|\{|\}|,|\.")
_PIECE_TYPES = {"{": "LBRACE", "}": "RBRACE", ",": "COMMA", ".": "PERIOD"}


class MacroArgs:
    """Wraps another post-lexer; cuts NUMBER tokens that stand where TeX reads a one-token argument."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.always_accept = tuple(getattr(inner, "always_accept", ()))

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        tokens = list(self.inner.process(stream))
        cuts = _cuts(tokens)
        for k, tok in enumerate(tokens):
            if k in cuts:
                yield from _split(tok, cuts[k])
            else:
                yield tok


def _matching(tokens: list[Token]) -> dict[int, int]:
    """Index of each `{` / `[` -> index of the token that closes it (one pass, no recursion)."""
    match: dict[int, int] = {}
    stack: list[int] = []
    for k, tok in enumerate(tokens):
        if tok.type in _OPENERS:
            stack.append(k)
        elif tok.type in _OPENERS.values():
            while stack and _OPENERS[tokens[stack[-1]].type] != tok.type:
                stack.pop()   # an unbalanced opener of the other kind: the parser reports it
            if stack:
                match[stack.pop()] = k
    return match


def _cuts(tokens: list[Token]) -> dict[int, int]:
    """Index of a NUMBER token -> how many single leading digits the macros before it take."""
    match = _matching(tokens)
    end = len(tokens)
    cuts: dict[int, int] = {}
    for k, tok in enumerate(tokens):
        arity = _ARITY.get(tok.type, 0)
        j, taken = k + 1, 0
        if tok.type == "SQRT" and j < end and tokens[j].type == "LSQB":
            j = match.get(j, end) + 1
        while arity and j < end:
            arity -= 1
            nxt = tokens[j]
            rest = str(nxt)[taken:]
            if nxt.type in _OPENERS and taken == 0:
                j = match.get(j, end) + 1
            elif nxt.type == "NUMBER" and len(rest) > 1 and rest[0].isdigit():
                taken += 1
                cuts[j] = max(cuts.get(j, 0), taken)
            else:
                j, taken = j + 1, 0
    return cuts


def _split(tok: Token, digits: int) -> Iterator[Token]:
    """`digits` one-digit NUMBER tokens, then the rest of the number as the lexer would have read it."""
    text = str(tok)
    pieces = [text[k] for k in range(digits)]
    pieces += _PIECES.findall(text[digits:])
    offset = 0
    for piece in pieces:
        kind = _PIECE_TYPES.get(piece, "NUMBER")
        start = text.index(piece, offset)
        offset = start + len(piece)
        yield Token(kind, piece, start_pos=tok.start_pos + start if tok.start_pos is not None else None,
                    line=tok.line, column=tok.column + start if tok.column is not None else None,
                    end_line=tok.end_line,
                    end_column=tok.column + offset if tok.column is not None else None,
                    end_pos=tok.start_pos + offset if tok.start_pos is not None else None)
