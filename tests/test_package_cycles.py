"""No two packages of the app import each other, directly or round a loop (issue 13).

import-linter's contracts layer the domains; this covers every package (jobs,
word, api, main, mail, audit … too), imports inside functions included. Imports
under ``if TYPE_CHECKING:`` are annotations, not dependencies; the app factory
(``drafting/__init__.py``) imports everything by design and is left out.
"""

import ast
from collections import defaultdict
from pathlib import Path

import drafting

ROOT = Path(drafting.__file__).parent


def _runtime_imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []  # skipped by the walk below, which has not reached it yet
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2:
            continue  # the app factory and top-level modules (config, cli, errors …)
        package = parts[0]
        for module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            names = module.split(".")
            if names[0] == "drafting" and len(names) > 1 and names[1] != package:
                if (ROOT / names[1]).is_dir():
                    graph[package].add(names[1])
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one package (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def test_no_package_imports_one_that_imports_it_back():
    graph = package_graph()
    assert {"accounts", "documents", "jobs", "api"} <= set(graph)  # the scan sees the app
    assert cycles(graph) == []


def test_the_check_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
