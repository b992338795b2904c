"""How `fix` rewrites one wrong claim's quote: the derived answer put in place of the first wrong side, in the
claim's own form.

- The quote is cut at its top-level relations (`=`, `\\approx`, `\\simeq`); the sides before the first wrong one,
  with their relations, are kept as written, so `\\mathcal{L} \\approx 1.1223` keeps its left side and `\\approx`.
- An environment around the whole quote (`\\begin{aligned} ... \\end{aligned}`) and trailing punctuation stay
  outside the rewritten part, so the block keeps its environment.
- A numeric answer replaces the printed numbers where they stand, each at the precision the notes printed
  (`[0.0289, 0.0425]` stays a bracket list, `20 \\text{ epochs}` keeps its unit); only when the numbers do not
  line up is the side replaced by the derived number(s), at the side's printed precision.
- A symbolic answer is used only when it stays in the claim's terms: no name the notes and the spec never use
  (an internal name such as `ellm1` or `_lit0`), no concrete matrix where the claim is symbolic, not many
  times longer than what it replaces, braces and environments balanced.

Each rewrite comes with variants at more digits; `fix` keeps the first that re-verifies correct.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from derive.spec.model import ClaimSpec
from verify.result import ClaimResult, Verdict

_RELATIONS = ("\\approx", "\\simeq")
_ENV = re.compile(r"\s*\\begin\{([A-Za-z]+\*?)\}")
_TRAILING = ".,;: \t\n"
# A printed number: digits with an optional decimal part, not part of a name, a subscript or a longer number.
_NUMBER = re.compile(r"(?<![\w.^_])-?\d+(?:\.\d+)?(?![\w.])")
# A number as SymPy prints it, possibly `1.5 \cdot 10^{-5}`.
_PRINTED = re.compile(r"-?\d+(?:\.\d+)?(?:\s*\\cdot\s*10\^\{-?\d+\})?")
_MATRIX_MARKUP = re.compile(r"\\left\[|\\right\]|\\begin\{[a-z]*matrix\}|\\end\{[a-z]*matrix\}|&|\\\\|,|\s")
_NAME_BLOCKS = re.compile(r"\\(?:text|mathrm|operatorname|textrm|mathit)\{([^{}]*)\}")
_ENV_NAMES = re.compile(r"\\(?:begin|end)\{[^{}]*\}")
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{2,}[A-Za-z0-9]*")
_ANY_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STEP_OF = re.compile(r"\b(?:step|side|row) (\d+) of (\d+)")
_UNIT = re.compile(r"(?:\s|\\[,;:! ])*\\(?:text|mathrm)\{[^{}]*\}\s*$")
_ORDER = re.compile(r"^(\\mathcal\{O\}|O)\s*(\\left)?\(")
_SIZE = re.compile(r"^(\S+) x (\S+)$")
MAX_GROWTH = 4        # a symbolic rewrite may be this many times longer than what it replaces
MIN_ALLOWED = 400     # ... or this many characters, whichever is more


@dataclass(frozen=True)
class Rewrite:
    """`quote[start:end]` becomes `text` (quote coordinates); `numbers` when only printed numbers change (then
    `text` is that substitution in the quote, and the notes get the same substitution in their own spelling)."""

    start: int
    end: int
    text: str
    numbers: tuple[tuple[str, str], ...] | None = None   # (printed, replacement) in reading order

    def apply(self, quote: str) -> str:
        return quote[:self.start] + self.text + quote[self.end:]


class Refused(ValueError):
    """Why a wrong claim is left as it is (one line)."""


def split_top_level(latex: str, sep: str = "=") -> list[str]:
    """Split a quote at relation signs outside any group: `A = B = C` -> [A, B, C]."""
    return [latex[a:b] for a, b, _ in _sides(latex, (sep,))]


def _sides(latex: str, relations: tuple[str, ...] = ("=", *_RELATIONS)) -> list[tuple[int, int, str]]:
    """(start, end, relation before it) of each side of a chain, cut at top-level relations."""
    out: list[tuple[int, int, str]] = []
    depth, start, before, i = 0, 0, "", 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\":
            word = next((r for r in relations if r.startswith("\\") and latex.startswith(r, i)
                         and not latex[i + len(r):i + len(r) + 1].isalpha()), None)
            if word and depth == 0:
                out.append((start, i, before))
                before, start = word, i + len(word)
                i += len(word)
                continue
            i += 2
            continue
        if ch in "{([":
            depth += 1
        elif ch in "})]":
            depth -= 1
        elif ch == "=" and "=" in relations and depth == 0 and latex[i - 1:i] not in ("<", ">", "!", ":"):
            out.append((start, i, before))
            before, start = "=", i + 1
        i += 1
    out.append((start, len(latex), before))
    return out


def _inner(quote: str) -> tuple[int, int]:
    """The part of the quote inside an environment around all of it and before trailing punctuation."""
    start, end = 0, len(quote.rstrip(_TRAILING))
    m = _ENV.match(quote)
    if m:
        closing = f"\\end{{{m.group(1)}}}"
        body = quote[:end].rstrip()
        if body.endswith(closing):
            start, end = m.end(), len(body) - len(closing)
    return start, end


def _first_wrong_side(sides: list[tuple[int, int, str]], result: ClaimResult) -> int:
    """Which side the first wrong step is. Step numbers count the compared sides (`step 2 of 3` says how many);
    sides not counted (a label such as dL/dphi, a symbolic side before printed numbers) come first."""
    wrong = next((s.index for s in result.steps if s.verdict is Verdict.WRONG), None)
    if len(sides) == 1:
        return 0
    if wrong is None:
        return len(sides) - 1
    m = _STEP_OF.search(result.message)
    compared = int(m.group(2)) if m and int(m.group(1)) == wrong else len(result.steps)
    offset = max(0, len(sides) - compared)
    return min(offset + wrong - 1, len(sides) - 1)


def derived_numbers(latex: str) -> list[Decimal] | None:
    """The numbers of a derived answer that is only numbers (a number, a vector or matrix of them), in reading
    order; None when it is symbolic."""
    numbers = [m.group(0) for m in _PRINTED.finditer(latex)]
    if not numbers or _MATRIX_MARKUP.sub("", _PRINTED.sub("", latex)):
        return None
    out = []
    for text in numbers:
        mantissa, _, exponent = text.partition("\\cdot")
        try:
            value = Decimal(mantissa.strip())
            if exponent:
                value = value.scaleb(int(re.search(r"-?\d+", exponent).group(0)))
        except (InvalidOperation, AttributeError):
            return None
        out.append(value)
    return out


def _decimals(printed: str) -> int:
    return len(printed.partition(".")[2])


def _format(value: Decimal, decimals: int) -> str:
    text = f"{value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN):f}" if decimals < 28 \
        else f"{value:f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text   # never "-0.00"


def _numeric_rewrites(quote: str, start: int, end: int, values: list[Decimal], derived: str) -> list[Rewrite]:
    """Rewrites of quote[start:end] for a numeric answer, at the printed precision and then at more digits."""
    region = quote[start:end]
    printed = [m for m in _NUMBER.finditer(region)]
    out: list[Rewrite] = []
    for extra in (0, 1, 2, 4, 12):
        if len(printed) == len(values):
            pairs = tuple((m.group(0), _format(v, _decimals(m.group(0)) + extra)) for m, v in zip(printed, values,
                                                                                                   strict=True))
            text, pos = [], 0
            for m, (_, new) in zip(printed, pairs, strict=True):
                text += [region[pos:m.start()], new]
                pos = m.end()
            text.append(region[pos:])
            out.append(Rewrite(start, end, "".join(text), numbers=pairs))
        else:
            # The numbers do not line up (an expression of printed numbers): the derived value(s) instead, with
            # the unit the side ends with (`\text{ parameters}`).
            places = max((_decimals(m.group(0)) for m in printed), default=4) + extra
            rounded = iter(_format(v, places) for v in values)
            unit = _UNIT.search(region)
            text = _PRINTED.sub(lambda _m, it=rounded: next(it), derived)
            out.append(Rewrite(start, end, text + (unit.group(0) if unit else "")))
    unique: dict[str, Rewrite] = {}
    for r in out:
        unique.setdefault(r.text, r)
    return list(unique.values())


def known_words(text: str) -> frozenset[str]:
    """The words (letters and digits) of a text: the names a rewrite may use."""
    return frozenset(_ANY_WORD.findall(text))


def _foreign_names(text: str, known: frozenset[str]) -> list[str]:
    """Names in a rewrite that the notes and the spec never use (internal names of the tool)."""
    stripped = _ENV_NAMES.sub(" ", text)
    pieces = _NAME_BLOCKS.findall(stripped) + _WORD.findall(_NAME_BLOCKS.sub(" ", stripped))
    names = {w for piece in pieces for w in _ANY_WORD.findall(piece) if len(w) > 1}
    return sorted(n for n in names if n not in known)


def _has_matrix(text: str) -> bool:
    return bool(re.search(r"\\begin\{[a-z]*matrix\}|\\left\[|\[\s*-?\d", text))


def balanced(latex: str) -> bool:
    """Braces, \\left/\\right and environments open and close in order (what pdflatex needs of a formula)."""
    return structure(latex) == ((), ())


def structure(latex: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a piece of LaTeX leaves open or closes that it did not open: (closed, opened), each a list of
    `{`, `left` and `env:<name>`. A rewrite keeps the formula around it intact when its structure is the one of
    the text it replaces."""
    closed: list[str] = []
    stack: list[str] = []

    def close(kind: str) -> None:
        if stack and stack[-1] == kind:
            stack.pop()
        elif stack:
            closed.append("mismatch")
        else:
            closed.append(kind)

    i = 0
    while i < len(latex):
        if latex.startswith("\\begin{", i) or latex.startswith("\\end{", i):
            end = latex.find("}", i)
            if end < 0:
                return tuple(closed) + ("mismatch",), tuple(stack)
            name = latex[latex.index("{", i) + 1:end]
            if latex.startswith("\\begin{", i):
                stack.append("env:" + name)
            else:
                close("env:" + name)
            i = end + 1
            continue
        if latex.startswith("\\left", i) and not latex[i + 5:i + 6].isalpha():
            stack.append("left")
            i += 6
            continue
        if latex.startswith("\\right", i) and not latex[i + 6:i + 7].isalpha():
            close("left")
            i += 7
            continue
        ch = latex[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            stack.append("{")
        elif ch == "}":
            close("{")
        i += 1
    return tuple(closed), tuple(stack)


def rewrites(claim: ClaimSpec, result: ClaimResult, known: frozenset[str]) -> list[Rewrite]:
    """The ways to correct a wrong claim's quote, best first; Refused when none keeps the claim's form.
    `known` are the names a rewrite may use: the words of the notes file and of the exercise's spec."""
    derived = result.corrected_latex or result.expected_latex
    if not derived:
        raise Refused("no derived answer to write")
    quote = claim.latex
    lo, hi = _inner(quote)
    sides = [(lo + a, lo + b, rel) for a, b, rel in _sides(quote[lo:hi])]
    first = _first_wrong_side(sides, result)
    start, end = sides[first][0], sides[-1][1]
    while start < end and quote[start].isspace():
        start += 1
    while end > start and quote[end - 1].isspace():
        end -= 1
    if start == end:
        raise Refused("the wrong side is empty")
    if len(_sides(derived)) > 1:
        start, end = lo, hi   # a derived equation replaces the claimed equation whole
    values = derived_numbers(derived)
    if values is not None:
        found = _numeric_rewrites(quote, start, end, values, derived)
    else:
        old = quote[start:end]
        if "\\quad (" in derived:
            raise Refused("the derived answer holds only up to what it says in words")
        size = _SIZE.match(derived)
        if size and "\\times" in old:
            derived = f"{size.group(1)} \\times {size.group(2)}"
        order = _ORDER.match(old)
        if order and old.endswith(")") and not _ORDER.match(derived):
            derived = f"{order.group(1)}({derived})"
        foreign = _foreign_names(derived, known)
        if foreign:
            raise Refused(f"the derived answer uses names the notes do not ({', '.join(foreign[:3])})")
        if _has_matrix(derived) and not _has_matrix(old):
            raise Refused("the derived answer is a concrete matrix where the claim is symbolic")
        if len(derived) > max(MIN_ALLOWED, MAX_GROWTH * len(old)):
            raise Refused(f"the derived answer is {len(derived)} characters where the claim has {len(old)}")
        found = [Rewrite(start, end, derived)]
    kept = [r for r in found if structure(r.text) == structure(quote[r.start:r.end])]
    if not kept:
        raise Refused("the rewritten formula would not be balanced")
    return kept


__all__ = ["Refused", "Rewrite", "balanced", "derived_numbers", "known_words", "rewrites", "split_top_level",
           "structure"]
