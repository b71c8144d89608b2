"""Count ``Any`` in annotations per 1,000 lines of kpixa's code (tests and migrations left out).

Usage: ``python scripts/any_density.py [ROOT]`` (default: ``kpixa`` beside this script). Prints the
lines of code, the uses of ``Any`` (names and ``typing.Any``, imports not counted), the rate per
1,000 lines, and the count of ``version: Any`` and ``actor: Any`` parameters. Also the share of
private helpers (functions whose name starts with ``_``, dunder methods left out).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path


def files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*.py") if not {"tests", "migrations"} & set(p.relative_to(root).parts)
    )


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "kpixa"
    lines = uses = version_any = actor_any = functions = private = 0
    for path in files(root):
        text = path.read_text(encoding="utf-8")
        lines += len(text.splitlines())
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Name) and node.id == "Any") or (
                isinstance(node, ast.Attribute) and node.attr == "Any"
            ):
                uses += 1
            elif isinstance(node, ast.arg) and isinstance(node.annotation, ast.Name):
                if node.annotation.id == "Any" and node.arg == "version":
                    version_any += 1
                if node.annotation.id == "Any" and node.arg == "actor":
                    actor_any += 1
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions += 1
                private += node.name.startswith("_") and not node.name.startswith("__")
    print(f"lines {lines}  Any {uses}  per 1,000 lines {uses * 1000 / lines:.1f}")
    print(f"version: Any {version_any}  actor: Any {actor_any}")
    print(f"functions {functions}  private helpers {private} ({private * 100 / functions:.1f}%)")


if __name__ == "__main__":
    main()
