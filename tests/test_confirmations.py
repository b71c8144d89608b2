"""Every irreversible action asks first and states its effect: the form of each one (found in the
templates by its URL name) submits only through templates/_confirm.html, whose first click opens
the effect and whose second confirms (tested in Chromium in kpixa/web/tests/test_browser_navigation.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "kpixa"
IRREVERSIBLE = (
    "evaluations:close",
    "evaluations:publish",
    "evaluations:finalize",
    "evaluations:uphold",
    "evaluations:reject",
    "evaluations:delete_input",
    "evaluations:import_inputs",
    "evaluations:revise_input",
    "scoring:activate",
    "reporting:approve",
    "reporting:reject",
    "reporting:remind",
)
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def _forms(name: str) -> list[tuple[Path, str]]:
    found = []
    for path in ROOT.rglob("*.html"):
        for form in FORM.findall(path.read_text("utf-8")):
            if re.search(rf"{{% url '{re.escape(name)}'", form):
                found.append((path, form))
    return found


@pytest.mark.parametrize("name", IRREVERSIBLE)
def test_an_irreversible_action_confirms_first(name: str) -> None:
    forms = _forms(name)
    assert forms, f"no form posts to {name}"
    for path, form in forms:
        assert '{% include "_confirm.html"' in form, (
            f"{path.relative_to(ROOT)}: {name} submits without confirmation"
        )
        assert "effect=" in form, f"{path.relative_to(ROOT)}: {name} does not state its effect"
        assert not re.search(r'<button type="submit"(?![^>]*disabled)', form), (
            f"{path}: a direct submit button"
        )
