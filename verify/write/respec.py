"""Spec copies for notes corrected by `fix`: each claim's `line:` moved to where its quote now is, and a
corrected claim's `latex:` set to its corrected quote.

Only those two values change, in place in the YAML text (the positions come from PyYAML's node marks), so
comments, anchors, key order and quoting of everything else stay as the author wrote them. A claim whose quote
a neighbouring correction has changed gets the notes' new text as its quote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from derive.spec.model import ExerciseSpec
from verify.notes.quotes import NotesText
from verify.write.fix import Correction, FixedNotes


@dataclass(frozen=True)
class Anchor:
    line: int
    latex: str | None = None   # None: the quote is unchanged


def new_anchors(exercises: list[ExerciseSpec], fixed: list[FixedNotes]) -> dict[tuple[str, str], Anchor]:
    """(exercise id, claim id) -> where its quote is in the corrected notes, for every claim whose notes
    changed."""
    by_name = {f.name: f for f in fixed if f.edits.items}
    corrected: dict[tuple[str, str], Correction] = {(c.exercise, c.claim): c for f in fixed for c in f.applied}
    texts: dict[str, tuple[NotesText, NotesText]] = {}
    out: dict[tuple[str, str], Anchor] = {}
    for ex in exercises:
        quotes = [(c.id, c.notes, c.line, c.latex) for c in ex.claims]
        quotes += [(_definition_key(k), d.notes, d.line, d.latex) for k, d in enumerate(ex.definitions)]
        for key, own_notes, at, latex in quotes:
            name = own_notes or ex.notes
            if name not in by_name or at is None:
                continue
            f = by_name[name]
            if name not in texts:
                texts[name] = (NotesText(f.original), NotesText(f.text))
            old, new = texts[name]
            if not 1 <= at <= old.line_count:
                continue
            line = new.line_of(f.edits.map(old.line_start(at)))
            c = corrected.get((ex.id, key))
            if c is not None:
                out[(ex.id, key)] = Anchor(line, c.new)
                continue
            m = old.at_line(latex, at)
            if m is not None and m.start < m.end and f.edits.touches(m.start, m.end):
                start, end = f.edits.map(m.start), f.edits.map_end(m.end)
                out[(ex.id, key)] = Anchor(new.line_of(start), f.text[start:end])
            elif line != at:
                out[(ex.id, key)] = Anchor(line)
    return out


def _definition_key(index: int) -> str:
    # '#' cannot be in a claim id (ids are `exercise#claim` references), so this key never names a claim.
    return f"#definition-{index}"


def _value(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def respec_text(text: str, anchors: dict[tuple[str, str], Anchor]) -> str:
    """The spec text with the `line:` and `latex:` values of the claims in `anchors` replaced."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    exercises = _value(root, "exercises") if isinstance(root, yaml.MappingNode) else None
    edits: list[tuple[int, int, str]] = []
    for ex in exercises.value if isinstance(exercises, yaml.SequenceNode) else []:
        ex_id = _value(ex, "id") if isinstance(ex, yaml.MappingNode) else None
        if not isinstance(ex_id, yaml.ScalarNode):
            continue
        for key, claim in _quote_nodes(ex):
            anchor = anchors.get((ex_id.value, key))
            if anchor is None:
                continue
            line, latex = _value(claim, "line"), _value(claim, "latex")
            if isinstance(line, yaml.ScalarNode):
                edits.append((line.start_mark.index, line.end_mark.index, str(anchor.line)))
            if anchor.latex is not None and isinstance(latex, yaml.ScalarNode):
                old = text[latex.start_mark.index:latex.end_mark.index]
                trailing = old[len(old.rstrip("\n")):]   # a block scalar's span ends with its line break
                # JSON is a YAML double-quoted scalar; ASCII escapes keep every character printable.
                edits.append((latex.start_mark.index, latex.end_mark.index, json.dumps(anchor.latex) + trailing))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _quote_nodes(ex: yaml.Node) -> list[tuple[str, yaml.MappingNode]]:
    """(anchor key, YAML node) of every quote of an exercise node: its claims, then its definitions."""
    if not isinstance(ex, yaml.MappingNode):
        return []
    out = []
    claims, definitions = _value(ex, "claims"), _value(ex, "definitions")
    for claim in claims.value if isinstance(claims, yaml.SequenceNode) else []:
        claim_id = _value(claim, "id") if isinstance(claim, yaml.MappingNode) else None
        if isinstance(claim_id, yaml.ScalarNode):
            out.append((claim_id.value, claim))
    for k, d in enumerate(definitions.value if isinstance(definitions, yaml.SequenceNode) else []):
        if isinstance(d, yaml.MappingNode):
            out.append((_definition_key(k), d))
    return out


def spec_copies(exercises: list[ExerciseSpec], fixed: list[FixedNotes]) -> dict[Path, str]:
    """Every spec file of `exercises` -> its text with the claims re-anchored in the corrected notes."""
    anchors = new_anchors(exercises, fixed)
    out: dict[Path, str] = {}
    for spec in dict.fromkeys(Path(ex.spec_file) for ex in exercises):
        text = spec.read_text(encoding="utf-8")
        mine = {key: a for key, a in anchors.items()
                if any(ex.id == key[0] and Path(ex.spec_file) == spec for ex in exercises)}
        out[spec] = respec_text(text, mine) if mine else text
    return out


__all__ = ["Anchor", "new_anchors", "respec_text", "spec_copies"]
