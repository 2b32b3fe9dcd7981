"""The project's import graph: every import of one project module by another, wherever it stands
(module level or inside a function), so a cycle cannot hide behind a function-level import.

    python -m tests.import_graph            # one line per arrow: importer -> imported
    python -m tests.import_graph --cycles   # the cycles, if any (exit 1 when there are)
    python -m tests.import_graph --lazy     # the function-level imports, with their line

`tests/test_layering.py` checks the arrows against the layering rules of docs/architecture.md.
"""

import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("domain", "projections", "cli")


@dataclass(frozen=True)
class Arrow:
    importer: str
    imported: str  # a module name as written (project or third party)
    line: int
    lazy: bool  # inside a function


def module_name(file: Path) -> str:
    parts = list(file.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    return {module_name(f): f for p in PACKAGES for f in sorted((ROOT / p).rglob("*.py"))}


def arrows_of(name: str, file: Path) -> Iterator[Arrow]:
    tree = ast.parse(file.read_text(encoding="utf-8"))
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    for node, lazy in _imports(tree, lazy=False):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Arrow(name, alias.name, node.lineno, lazy)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join(anchor + ([base] if base else []))
        for alias in node.names:
            # `from pkg import mod` imports the module pkg.mod when there is one
            yield Arrow(name, f"{base}.{alias.name}" if f"{base}.{alias.name}" in _MODULES else base,
                        node.lineno, lazy)


def _imports(node: ast.AST, lazy: bool) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, lazy
        else:
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            yield from _imports(child, inner)


_MODULES = project_modules()


def all_arrows() -> list[Arrow]:
    return [a for name, file in _MODULES.items() for a in arrows_of(name, file)]


def project_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in _MODULES}
    for a in all_arrows():
        if a.imported in _MODULES and a.imported != a.importer:
            graph[a.importer].add(a.imported)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def main(argv: list[str]) -> int:
    if "--cycles" in argv:
        found = cycles(project_graph())
        for component in found:
            print(" <-> ".join(component))
        print(f"{len(found)} cycle(s)")
        return 1 if found else 0
    if "--lazy" in argv:
        for a in all_arrows():
            if a.lazy:
                print(f"{_MODULES[a.importer].relative_to(ROOT)}:{a.line}: {a.imported}")
        return 0
    for importer, imported in sorted(project_graph().items()):
        for target in sorted(imported):
            print(f"{importer} -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
