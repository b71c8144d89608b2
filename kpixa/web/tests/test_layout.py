"""The web app's layout: one module per page under kpixa/web/pages/, markup built only in
kpixa/web/rendering.py (and the SVG charts), one definition of the scorecard for pages and exports."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[1]
MARKUP = {"format_html", "format_html_join", "mark_safe", "escape", "conditional_escape"}


def _names_used(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            used |= {alias.name for alias in node.names}
            used.add(node.module or "")
    return used


def test_it_builds_no_markup_in_the_page_modules() -> None:
    pages = sorted((WEB / "pages").glob("*.py"))
    assert len(pages) >= 8
    for path in pages:
        used = _names_used(path)
        assert not used & MARKUP, f"{path.name} builds markup: {sorted(used & MARKUP)}"
        assert not any("templatetags" in name for name in used), f"{path.name} imports template tags"
        assert "<td" not in path.read_text("utf-8") and "<tr" not in path.read_text("utf-8")


def test_it_keeps_the_reads_of_the_pages_out_of_a_single_module() -> None:
    assert not (WEB / "queries.py").exists()


def test_it_defines_the_scorecard_and_its_lines_once() -> None:
    defined: dict[str, list[str]] = {}
    for path in WEB.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in {"Scorecard", "IndicatorLine"}:
                defined.setdefault(node.name, []).append(str(path.relative_to(WEB)))
    assert defined == {"Scorecard": ["pages/scorecard.py"], "IndicatorLine": ["pages/scorecard.py"]}
