"""Safe YAML with the line of every mapping and key kept, for `file:line` errors.

Aliases (`&single` ... `*single`) are expanded into copies, so each place owns its data; the copies are capped
(MAX_ALIAS_NODES in all) so that a "billion laughs" file (anchors of aliases of aliases, 1 KB growing to
gigabytes) is refused at once, and an alias inside the node it names (a cycle) is refused too. Nesting is
bounded (MAX_YAML_DEPTH) so that nothing recurses past Python's limit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from derive.spec.errors import SpecError

MAX_SPEC_BYTES = 2_000_000
MAX_ALIAS_NODES = 50_000   # nodes built again through aliases, all aliases of a file together (specs use ~100s)
MAX_YAML_DEPTH = 100       # mappings and lists inside one another (specs use < 10)
# libyaml composes the node graph about 15 times faster than the pure-Python parser (0.03 s against 0.5 s for the
# bundled specs: most of a warm run); it refuses nesting past 1000 levels itself. Same safe constructor either way.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Located(dict):
    """A mapping from YAML that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _Builder:
    """Python values of a composed YAML node graph, counting what aliases repeat."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader
        self.built: set[int] = set()   # ids of nodes built once (meeting one again is an alias)
        self.open: set[int] = set()    # ids of nodes being built (an alias to one of them is a cycle)
        self.repeated = 0

    def _error(self, node: yaml.Node, message: str) -> SpecError:
        return SpecError(self.loader.name, node.start_mark.line + 1, message)

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        key = id(node)
        if key in self.open:
            raise self._error(node, "an alias refers to the node that contains it (a cycle)")
        if key in self.built:
            self.repeated += 1
            if self.repeated > MAX_ALIAS_NODES:
                raise self._error(node, f"aliases expand to more than {MAX_ALIAS_NODES} nodes "
                                        "(aliases of aliases?); write the repeated part out or share less")
        self.built.add(key)
        if depth > MAX_YAML_DEPTH:
            raise self._error(node, f"nested deeper than {MAX_YAML_DEPTH} levels")
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            return self.loader.construct_object(node, deep=True)
        self.open.add(key)
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(item, depth + 1) for item in node.value]
            return self._mapping(node, depth)
        finally:
            self.open.discard(key)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> Located:
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, depth + 1)
            if not isinstance(key, (str, int, float)):
                raise SpecError(self.loader.name, key_node.start_mark.line + 1, "mapping keys must be plain text")
            key = str(key)
            if key in out:
                raise SpecError(self.loader.name, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = self.build(value_node, depth + 1)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out


def load_yaml(path: Path) -> Any:
    """Safe YAML (no tags that build objects) with line information kept."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SpecError(path, None, f"cannot read: {exc.strerror}") from None
    if len(data) > MAX_SPEC_BYTES:
        raise SpecError(path, None, "spec file too large")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise SpecError(path, None, "not UTF-8 text") from None
    loader = _LOADER(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Builder(loader).build(node)
    except RecursionError:   # PyYAML composes recursively: thousands of nested brackets
        raise SpecError(path, None, f"broken YAML: nested deeper than {MAX_YAML_DEPTH} levels") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        if "maximum nesting depth" in str(exc.problem):   # libyaml's own limit (1000 levels)
            raise SpecError(path, line, f"broken YAML: nested deeper than {MAX_YAML_DEPTH} levels") from None
        raise SpecError(path, line, f"broken YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:   # a character YAML does not allow (a NUL byte, a control code)
        line = text.count("\n", 0, exc.position) + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        raise SpecError(path, line, f"broken YAML: character #x{code:04x} is not allowed in YAML "
                                    f"({exc.reason})") from None
    except yaml.YAMLError as exc:
        raise SpecError(path, None, "broken YAML: " + " ".join(str(exc).split())) from None
    finally:
        loader.dispose()
