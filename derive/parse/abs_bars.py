"""Post-lexer: plain bars `|x|` that pair up are an absolute value, a lone `|` stays a separator.

`\\sum_{i=1}^n |v_i|`, `\\max_i |v_i|`, `|y - \\hat{y}| \\leq \\delta` are read as `\\lvert ... \\rvert`;
`P(y | x)`, `\\{x | x > 0\\}` and `p(a | b, c | d)` keep their bars. Two bars pair when they sit at the
same bracket depth with no relation, comma, semicolon, ampersand or line break between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lark import Token

_OPEN = {"LPAR", "LSQB", "LBRACE", "LBRACE_SET", "BEGIN_ENV", "LVERT", "NORM_OPEN", "LANGLE", "LFLOOR", "LCEIL"}
_CLOSE = {"RPAR", "RSQB", "RBRACE", "RBRACE_SET", "END_ENV", "RVERT", "NORM_CLOSE", "RANGLE", "RFLOOR", "RCEIL"}
_BLOCK = {"REL", "COMMA", "SEMI", "AMP", "LINEBREAK"}


class AbsBars:
    """Wraps another post-lexer (the norm-bar one) and pairs plain `|` tokens into LVERT / RVERT."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.always_accept = tuple(getattr(inner, "always_accept", ()))

    def process(self, stream: Iterable[Token]) -> Iterator[Token]:
        tokens = list(self.inner.process(stream))
        depth = 0
        candidate: dict[int, int] = {}    # depth -> index of an unmatched opening bar
        for k, tok in enumerate(tokens):
            if tok.type in _OPEN:
                depth += 1
            elif tok.type in _CLOSE:
                candidate.pop(depth, None)
                depth -= 1
            elif tok.type in _BLOCK:
                candidate.pop(depth, None)
            elif tok.type == "MID" and str(tok) == "|":
                opener = candidate.pop(depth, None)
                if opener is not None and opener != k - 1:
                    tokens[opener] = Token.new_borrow_pos("LVERT", str(tokens[opener]), tokens[opener])
                    tokens[k] = Token.new_borrow_pos("RVERT", str(tok), tok)
                else:
                    candidate[depth] = k
        yield from tokens
