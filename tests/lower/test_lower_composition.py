"""The Lowerer is composed in one place: construct modules call back through `low`, variants are settings."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from derive.lower.lowerer import BRACKET_VECTORS, CONSTRUCTS, LITERAL_DECIMALS, STRICT

ROOT = Path(__file__).resolve().parents[2]


def _runtime_imports(path: Path) -> set[str]:
    """Modules a file imports when it runs (imports under `if TYPE_CHECKING:` are for type hints only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
              for stmt in node.body for n in ast.walk(stmt)}
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
            out.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


def test_construct_modules_never_import_the_lowerer_at_run_time() -> None:
    modules = {fn.__module__ for table in (CONSTRUCTS, STRICT, LITERAL_DECIMALS, BRACKET_VECTORS)
               for fn in table.values()}
    assert {"derive.lower.atoms", "derive.lower.strict", "derive.lower.literals"} <= modules
    for name in modules:
        imported = _runtime_imports(Path(sys.modules[name].__file__))
        assert "derive.lower.lowerer" not in imported, name
        assert "derive.lower.lowerer.Lowerer" not in imported, name


def test_nothing_subclasses_the_lowerer() -> None:
    subclasses = []
    for pkg in ("derive", "verify", "tests"):
        for path in (ROOT / pkg).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and any(ast.unparse(b).split(".")[-1] == "Lowerer"
                                                          for b in node.bases):
                    subclasses.append(f"{path.relative_to(ROOT)}: {node.name}")
    assert subclasses == []
