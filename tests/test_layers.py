"""Layers only point down (docs/architecture.md, "The layer rule").

The import graph of ``kpixa/`` is read from the source (``ast``: every ``import`` and
``from … import``, at the top of a module and inside functions alike; ``tests/`` and
``migrations/`` left out). A module may import its own layer and the layers before it; an
import of a later layer fails the test, and so does any cycle between two modules or two apps.

Imports under ``if TYPE_CHECKING:`` are held to the layer rule as well (a type hint pointing up
is an upward dependency), but they are left out of the cycle check: they never run.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KPIXA = ROOT / "kpixa"

# The chain, lowest first. A module belongs to the longest prefix listed; within one layer any
# import is allowed as long as it makes no cycle.
LAYERS: tuple[tuple[str, ...], ...] = (
    # plain Python every layer may use: the rules, the scoring engine, small shared helpers
    ("kpixa.rules", "kpixa.scoring.engine", "kpixa.env", "kpixa.spreadsheet_safety", "kpixa.db_busy"),
    ("kpixa.units",),
    ("kpixa.accounts",),
    ("kpixa.workdays",),
    ("kpixa.dossiers",),
    ("kpixa.accountability",),
    ("kpixa.frameworks",),
    ("kpixa.reporting",),
    ("kpixa.scoring",),
    ("kpixa.evaluations",),
    ("kpixa.warnings",),
    ("kpixa.review",),
    ("kpixa.web", "kpixa.api"),
    # the project's wiring: settings, URL configuration, WSGI entry point
    ("kpixa.settings", "kpixa.urls", "kpixa.wsgi"),
)

# An app's ``admin.py`` is a user interface like the pages: Django's admin site loads it once
# every app is ready, no code of the app imports it, and it may use any layer below the pages
# (the audited and province-scoped admin classes of accounts, a dossiers read in units' admin).
PRESENTATION = LAYERS.index(("kpixa.web", "kpixa.api"))


def _is_admin(module: str) -> bool:
    parts = module.split(".")
    return len(parts) == 3 and parts[2] == "admin"


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (or package)
    line: int
    type_only: bool


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> list[Path]:
    return sorted(
        p for p in KPIXA.rglob("*.py") if not {"tests", "migrations"} & set(p.relative_to(KPIXA).parts)
    )


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _absolute(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _imports(path: Path, modules: set[str], name: str | None = None) -> list[Edge]:
    """Every kpixa module ``path`` imports, with the line and whether only a type checker sees it."""
    name = name or _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    type_only_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                type_only_lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    edges = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            package = _absolute(name, node, path.name == "__init__.py")
            # ``from kpixa.accounts import audit`` imports the module kpixa.accounts.audit
            named = [f"{package}.{alias.name}" for alias in node.names]
            targets = [module if module in modules else package for module in named]
        else:
            continue
        for target in dict.fromkeys(targets):
            if target == "kpixa" or target.startswith("kpixa."):
                edges.append(Edge(name, target, node.lineno, node.lineno in type_only_lines))
    return edges


def import_graph() -> list[Edge]:
    files = _source_files()
    modules = {_module_name(p) for p in files}
    return [edge for path in files for edge in _imports(path, modules)]


def layer_of(module: str) -> int:
    if _is_admin(module):
        return PRESENTATION
    if module == "kpixa":  # the package itself (its __init__ holds nothing)
        return 0
    best, found = -1, len(LAYERS)
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    return found


def app_of(module: str) -> str:
    if module.startswith("kpixa.scoring.engine"):
        return "kpixa.scoring.engine"
    return ".".join(module.split(".")[:2])


def upward_imports(edges: list[Edge]) -> set[tuple[str, str]]:
    return {(e.source, e.target) for e in edges if layer_of(e.target) > layer_of(e.source)}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = itertools.count()
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = next(counter)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = next(counter)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
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


def module_cycles(edges: list[Edge]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        # a package's __init__ importing its own modules is how packages re-export; not a cycle
        if not e.type_only and e.source != e.target and not e.target.startswith(e.source + "."):
            graph[e.source].add(e.target)
    return _cycles(graph)


def app_cycles(edges: list[Edge]) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        # an app's admin is a page of the admin site, not part of the app's layer (see PRESENTATION)
        if e.type_only or _is_admin(e.source) or e.target == "kpixa":
            continue
        if app_of(e.source) != app_of(e.target):
            graph[app_of(e.source)].add(app_of(e.target))
    return _cycles(graph)


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return import_graph()


def test_it_reads_imports_inside_functions_and_type_checking_blocks(edges: list[Edge]) -> None:
    assert len(edges) > 500
    assert any(e.type_only for e in edges)
    assert all(layer_of(e.source) < len(LAYERS) for e in edges), "every module has a layer"


def test_it_finds_no_upward_import(edges: list[Edge]) -> None:
    upward = upward_imports(edges)
    found = sorted(
        f"{e.source} → {e.target} (line {e.line})" for e in edges if (e.source, e.target) in upward
    )
    assert not found, "upward imports:\n" + "\n".join(found)


def test_it_finds_no_cycle_between_modules(edges: list[Edge]) -> None:
    assert module_cycles(edges) == []


def test_it_finds_no_cycle_between_apps(edges: list[Edge]) -> None:
    assert app_cycles(edges) == []


def test_it_would_catch_an_upward_import_inside_a_function(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "def f():\n    from ..evaluations.models import Period\n    return Period\n", encoding="utf-8"
    )
    found = _imports(probe, set(), name="kpixa.scoring.probe")
    assert upward_imports(found) == {("kpixa.scoring.probe", "kpixa.evaluations.models")}


def test_it_would_catch_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# A correction batch names the appeal it corrects; moving that link into evaluations is the
# remaining step (docs/architecture.md). No Python import follows it.
UPWARD_RELATION_KNOWN = {"dossiers.ImportBatch.appeal"}


def test_it_finds_no_relation_pointing_up_between_the_apps_tables() -> None:
    from django.apps import apps

    upward = set()
    for model in apps.get_models():
        here = model._meta.app_config.name
        for field in model._meta.get_fields():
            if not field.is_relation or field.auto_created or field.related_model is None:
                continue
            there = field.related_model._meta.app_config.name
            if here.startswith("kpixa.") and there.startswith("kpixa.") and layer_of(there) > layer_of(here):
                upward.add(f"{model._meta.label}.{field.name}")
    assert upward == UPWARD_RELATION_KNOWN
