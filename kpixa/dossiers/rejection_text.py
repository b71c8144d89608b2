"""A rejected record's reason, stored in Vietnamese, shown in the active language on the pages.

``Rejection.reason_vi`` keeps what was said to the sender, in Vietnamese, and the API answers and
the rejection CSV keep it so (``kpixa.dossiers.records``). Each reason was made from a message
marked ``gettext_noop`` in this app's modules; the pages show it translated by reading back the
values (``kpixa.accounts.stored_text``). The messages are collected from the modules themselves,
so a new or changed reason is known without a list to keep in step.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from kpixa.accounts.stored_text import Retranslator

APP = Path(__file__).resolve().parent


def marked_messages() -> tuple[str, ...]:
    """Every string literal passed to ``gettext_noop`` in the app's modules (tests and migrations
    left out), in file order."""
    found: list[str] = []
    for path in sorted(APP.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(APP).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "gettext_noop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.append(node.args[0].value)
    return tuple(found)


@cache
def _reasons() -> Retranslator:
    return Retranslator(marked_messages())


def reason_shown(reason_vi: str) -> str:
    """A stored rejection reason in the active language (as stored when no message fits it)."""
    return _reasons().shown(reason_vi)
