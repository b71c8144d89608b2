"""Class labels in the active language.

A score stores its class label as the framework band gave it in Vietnamese
(``classification_label``: the record and the exports keep it). The pages show the band's label in
the active language instead: the English label of the band with the same code and Vietnamese label,
from the framework versions parsed in this process, the shipped framework files and the national
bands (docs/rules.md, "Classification"). A label no band knows is shown as stored.
"""

from __future__ import annotations

from functools import cache

from kpixa.frameworks.parsed import parsed_frameworks
from kpixa.frameworks.services import shipped_files
from kpixa.rules.classification import NATIONAL_BANDS
from kpixa.scoring.engine.i18n import english
from kpixa.scoring.engine.loader import load_framework


@cache
def _shipped() -> dict[tuple[str, str], str]:
    labels = {(str(code), vi): en for code, _min, vi, en in NATIONAL_BANDS}
    for path in shipped_files():
        for band in load_framework(path.read_text("utf-8"), source_name=path.name).classification:
            if band.label.en:
                labels[(band.code, band.label.vi)] = band.label.en
    return labels


def class_shown(label: str, code: str = "") -> str:
    """The stored Vietnamese class ``label`` (of class ``code``) in the active language."""
    if not label or not english():
        return label
    for framework in parsed_frameworks():
        for band in framework.classification:
            if band.label.vi == label and band.label.en and (not code or band.code == code):
                return band.label.en
    shipped = _shipped()
    found = shipped.get((code, label)) or next((en for (_c, vi), en in shipped.items() if vi == label), None)
    return found or label
