"""The layering of the code, checked from its syntax: data flows down the stages and imports point down.

- no import cycles among the modules of derive/, verify/ and cli.py (imports inside functions count too);
- no import of a project module inside a function, except cli.py loading one subcommand's module lazily
  (start-up time); `if TYPE_CHECKING:` imports are for type hints only and do not count;
- no `from module import _private` across modules;
- derive/ never imports verify/;
- a module over MAX_LINES lines says why near its top (a `# Size:` comment).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("derive", "verify")
MAX_LINES = 500
LAZY_ALLOWED = {"cli"}   # the entry point imports the chosen subcommand's module only


def _modules() -> dict[str, Path]:
    mods = {"cli": ROOT / "cli.py"}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            mods[name] = path
    return mods


def _type_checking_blocks(tree: ast.AST) -> set[int]:
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            hidden.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return hidden


def _imports(name: str, path: Path, mods: dict[str, Path]):
    """(target module, imported names, inside a function?) for every project import of one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    hidden = _type_checking_blocks(tree)
    in_function = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                   for n in ast.walk(f)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in mods:
                    yield alias.name, [], id(node) in in_function
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                if sub in mods:
                    yield sub, [], id(node) in in_function
                elif base in mods:
                    yield base, [alias.name], id(node) in in_function


def _graph() -> tuple[dict[str, set[str]], list[str], list[str]]:
    mods = _modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    lazy, private = [], []
    for name, path in mods.items():
        for target, names, inside in _imports(name, path, mods):
            if target != name:
                edges[name].add(target)
            if inside and name not in LAZY_ALLOWED:
                lazy.append(f"{name} imports {target} inside a function")
            private += [f"{name} imports {target}.{n}" for n in names if n.startswith("_")]
    return edges, lazy, private


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles() -> None:
    edges, _, _ = _graph()
    assert _cycles(edges) == []


def test_no_project_imports_inside_functions() -> None:
    _, lazy, _ = _graph()
    assert lazy == []


def test_no_private_names_imported_across_modules() -> None:
    _, _, private = _graph()
    assert private == []


def test_derive_never_imports_verify() -> None:
    edges, _, _ = _graph()
    upward = [f"{m} -> {t}" for m, ts in edges.items() if m.startswith("derive") for t in ts
              if t.startswith("verify") or t == "cli"]
    assert upward == []


def test_long_modules_say_why() -> None:
    unexplained = []
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").splitlines()
        if len(lines) > MAX_LINES and not any(line.startswith("# Size:") for line in lines[:40]):
            unexplained.append(f"{name}: {len(lines)} lines")
    assert unexplained == []


def test_the_checker_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
