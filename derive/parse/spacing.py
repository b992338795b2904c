"""Post-lexer of lint's document reading: `\\quad` outside braces separates formulas.

`Z = UW + B \\quad U = g(Z)` is two formulas side by side; inside braces (`\\text{}` is one token, so only
`{...}` groups count) `\\quad` is spacing. A separating `\\quad` becomes a comma token; any other is dropped.
"""

from __future__ import annotations

from lark import Token


class QuadCommas:
    """Wraps the next post-lexer stage; QUAD tokens at brace depth 0 become COMMA, others disappear."""

    always_accept = ("QUAD",)

    def __init__(self, inner) -> None:
        self.inner = inner
        self.always_accept = tuple(inner.always_accept) + ("QUAD",)

    def process(self, stream):
        return self.inner.process(self._commas(stream))

    @staticmethod
    def _commas(stream):
        depth = 0
        for tok in stream:
            if tok.type == "QUAD":
                if depth == 0:
                    yield Token.new_borrow_pos("COMMA", ",", tok)
                continue
            if tok.type == "LBRACE":
                depth += 1
            elif tok.type == "RBRACE" and depth > 0:
                depth -= 1
            yield tok
