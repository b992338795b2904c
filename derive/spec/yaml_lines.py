"""Safe YAML with the line of every mapping and key kept, for `file:line` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from derive.spec.errors import SpecError

MAX_SPEC_BYTES = 2_000_000


class Located(dict):
    """A mapping from YAML that remembers its own line and the line of each key."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _to_python(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = Located()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = _to_python(loader, key_node)
            if not isinstance(key, (str, int, float)):
                raise SpecError(loader.name, key_node.start_mark.line + 1, "mapping keys must be plain text")
            key = str(key)
            if key in out:
                raise SpecError(loader.name, key_node.start_mark.line + 1, f"duplicate key {key!r}")
            out[key] = _to_python(loader, value_node)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(loader, item) for item in node.value]
    return loader.construct_object(node, deep=True)


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
    loader = yaml.SafeLoader(text)
    loader.name = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _to_python(loader, node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise SpecError(path, line, f"broken YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise SpecError(path, None, f"broken YAML: {exc}") from None
    finally:
        loader.dispose()
