"""Editing a framework file's weights, targets and class bands on the what-if page.

The edits are written into the file's own text, scalar by scalar, at the positions the YAML
parser reports, so the edited file keeps its comments, order and layout and differs from the
original only in the values changed (and its version). The result goes through the same loader,
check and preview as an uploaded file.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import yaml
from django.utils.translation import gettext as _

from kpixa.scoring.engine.i18n import english
from kpixa.scoring.engine.numbers import fmt_number

EDITABLE_INDICATOR_KEYS = ("max_points", "target")


@dataclass(frozen=True)
class Field:
    """One editable value of the file: its form key, what it is, and where it sits in the text."""

    key: str  # "indicator:1.4:max_points", "group:1:max", "class:tot:min", "version"
    section: str  # the group's or the classification's heading on the form
    label: str  # the indicator's or band's code and name
    what: str  # "Điểm tối đa", "Chỉ tiêu (%)", "Điểm tối thiểu"
    value: str  # as written in the file
    start: int  # character offsets of the scalar in the text
    end: int


def _scalar(mapping: yaml.MappingNode, key: str) -> yaml.ScalarNode | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.ScalarNode):
            return v
    return None


def _child(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _shown(node: yaml.Node | None) -> str:
    """A name of the file in the active language: its ``en`` when English is active and the file
    gives one, else its ``vi`` (the labels of the form and of the changes shown, never written)."""
    if isinstance(node, yaml.MappingNode):
        en = _scalar(node, "en") if english() else None
        vi = _scalar(node, "vi")
        return en.value if en is not None and en.value else vi.value if vi is not None else ""
    return node.value if isinstance(node, yaml.ScalarNode) else ""


def _field(key: str, section: str, label: str, what: str, node: yaml.ScalarNode) -> Field:
    return Field(key, section, label, what, node.value, node.start_mark.index, node.end_mark.index)


def _sequence(node: yaml.Node | None) -> list[yaml.MappingNode]:
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    return [item for item in items if isinstance(item, yaml.MappingNode)]


def _group_fields(group: yaml.MappingNode) -> list[Field]:
    code = _scalar(group, "code")
    if code is None:
        return []
    section = f"{code.value}. {_shown(_child(group, 'name'))}"
    fields = []
    group_max = _scalar(group, "max")
    if group_max is not None:
        fields.append(
            _field(f"group:{code.value}:max", section, section, _("Điểm tối đa của nhóm"), group_max)
        )
    whats = {"max_points": _("Điểm tối đa"), "target": _("Chỉ tiêu (%)")}
    for indicator in _sequence(_child(group, "indicators")):
        icode = _scalar(indicator, "code")
        if icode is None:
            continue
        label = f"{icode.value} {_shown(_child(indicator, 'name'))}"
        for key in EDITABLE_INDICATOR_KEYS:
            node = _scalar(indicator, key)
            if node is not None:
                fields.append(_field(f"indicator:{icode.value}:{key}", section, label, whats[key], node))
    return fields


def _band_field(band: yaml.MappingNode) -> Field | None:
    code, minimum = _scalar(band, "code"), _scalar(band, "min")
    if code is None or minimum is None:
        return None
    label = f"{_shown(_child(band, 'label'))} ({code.value})"
    return _field(f"class:{code.value}:min", _("Xếp loại"), label, _("Tổng điểm tối thiểu"), minimum)


def editable_fields(text: str) -> list[Field]:
    """The version, each group's maximum, each indicator's maximum points and target, and each
    class band's minimum total, in the file's order. Raises yaml.YAMLError on an unreadable file."""
    root = yaml.compose(text)
    if not isinstance(root, yaml.MappingNode):
        return []
    version = _scalar(root, "version")
    fields = [_field("version", "", _("Phiên bản"), _("Số phiên bản"), version)] if version else []
    for group in _sequence(_child(root, "groups")):
        fields += _group_fields(group)
    bands = [_band_field(band) for band in _sequence(_child(root, "classification"))]
    return fields + [band for band in bands if band is not None]


class EditError(ValueError):
    """A value typed on the form that is not a number (message in Vietnamese, for users)."""


def parse_number(raw: str) -> Decimal:
    """A number typed the Vietnamese way ("12,5", "1.234,5") or with a decimal point ("12.5")."""
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise EditError(_("“%(raw)s” không phải là số.") % {"raw": raw}) from None
    if not value.is_finite():
        raise EditError(_("“%(raw)s” không phải là số.") % {"raw": raw})
    return value


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _written(value: Decimal) -> str:
    """A number as YAML writes it: "12", "12.5" (no exponent, no trailing zeros)."""
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def apply_edits(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """Return ``text`` with the typed ``values`` (form key → text) written in, and the list of
    changes made ("1.4 …: Điểm tối đa 6 → 8"). Values equal to the file's are left untouched;
    the version is written as a quoted string. Raises EditError for a value that is not a number."""
    edits: list[tuple[int, int, str]] = []
    changes: list[str] = []
    for field in editable_fields(text):
        raw = values.get(field.key)
        if raw is None or not raw.strip():
            continue
        if field.key == "version":
            new = raw.strip()
            if new != field.value:
                edits.append((field.start, field.end, '"' + new.replace("\\", "").replace('"', "") + '"'))
                changes.append(f"{field.what}: {field.value} → {new}")
            continue
        number = parse_number(raw)
        same = _is_number(field.value) and Decimal(field.value) == number
        if not same:
            edits.append((field.start, field.end, _written(number)))
            old = fmt_number(Decimal(field.value)) if _is_number(field.value) else field.value
            changes.append(f"{field.label}: {field.what} {old} → {fmt_number(number)}")
    for start, end, new_text in sorted(edits, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text, changes
