"""Load and validate a framework file (YAML) into a ``Framework``.

Every mistake found is collected with its line number and a reason in Vietnamese, and all of
them are raised together as one ``FrameworkError``: a reviewer fixes a file in one pass.
The format is documented in docs/frameworks.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from kpixa.scoring.engine.expr import Expression, ExpressionError, parse_expression
from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.measures import is_known_measure
from kpixa.scoring.engine.model import (
    DEFAULT_BANDS,
    UNIT_KINDS,
    Applicability,
    Band,
    ClassBand,
    CollectiveRules,
    Direction,
    EvaluationRules,
    Form,
    Framework,
    Group,
    Indicator,
    NAPolicy,
    Scoring,
    Source,
    SubRate,
    Text,
)
from kpixa.scoring.engine.numbers import HUNDRED, ZERO, fmt_number

TOP_KEYS = {
    "code",
    "version",
    "name",
    "description",
    "valid_from",
    "valid_to",
    "status",
    "label",
    "total",
    "groups",
    "classification",
    "collective",
    "evaluation",
}
GROUP_KEYS = {"code", "name", "max", "description", "indicators"}
INDICATOR_KEYS = {
    "code",
    "name",
    "description",
    "source",
    "numerator",
    "denominator",
    "direction",
    "scoring",
    "max_points",
    "target",
    "na_policy",
    "applies_to",
    "unit_label",
}
SCORING_KEYS = {"form", "bands", "floor", "rates", "points"}
STATUSES = ("official", "example")
EVALUATION_FIELDS = {
    "leader_general_max": Decimal,
    "leader_results_max": Decimal,
    "leader_capped_by_unit": bool,
    "excellent_quota_percent": Decimal,
    "warning_after_failed_period": bool,
    "joint_departure_enabled": bool,
    "joint_departure_below_total": Decimal,
    "dismissal_after_failed_years": int,
    "reg377_min_targets_percent": Decimal,
    "reg377_basic_targets": tuple,
}


class FrameworkError(ValueError):
    """A framework file with mistakes: ``errors`` lists (line, reason in Vietnamese)."""

    def __init__(self, source_name: str, errors: list[tuple[int, str]]) -> None:
        self.source_name = source_name
        self.errors = sorted(errors, key=lambda e: e[0])
        super().__init__("\n".join(f"{source_name}:{line}: {reason}" for line, reason in self.errors))


class LineDict(dict[Any, Any]):
    """A YAML mapping that remembers its line, each value's line and each scalar's raw text."""

    line = 0

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[Any, int] = {}
        self.raw: dict[Any, str] = {}
        self.duplicates: list[tuple[int, Any]] = []

    def line_of(self, key: Any) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that remembers its line and each item's line."""

    line = 0
    lines: list[int]


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
        if key in mapping:
            mapping.duplicates.append((key_node.start_mark.line + 1, key))
        mapping[key] = loader.construct_object(value_node, deep=True)  # type: ignore[no-untyped-call]
        mapping.lines[key] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.ScalarNode):
            mapping.raw[key] = value_node.value
    return mapping


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
    items = LineList(loader.construct_object(child, deep=True) for child in node.value)  # type: ignore[no-untyped-call]
    items.line = node.start_mark.line + 1
    items.lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)  # type: ignore[arg-type]
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)  # type: ignore[arg-type]


class _Checker:
    """Collects (line, reason) pairs while the file is read."""

    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def error(self, line: int, reason: str) -> None:
        self.errors.append((line, reason))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            for dup_line, key in value.duplicates:
                self.error(dup_line, _("khóa “{key}” bị lặp lại").format(key=key))
            return value
        self.error(line, _("“{what}” phải là một bảng khóa–giá trị").format(what=what))
        return None

    def keys(self, data: LineDict, allowed: set[str], what: str) -> None:
        for key in data:
            if key not in allowed:
                self.error(
                    data.line_of(key), _("khóa không hợp lệ “{key}” trong {what}").format(key=key, what=what)
                )

    def required(self, data: LineDict, key: str) -> Any:
        if data.get(key) in (None, ""):
            self.error(data.line, _("thiếu khóa bắt buộc “{key}”").format(key=key))
            return None
        return data[key]

    def code(self, data: LineDict, key: str = "code") -> str:
        value = self.required(data, key)
        return "" if value is None else str(data.raw.get(key, value)).strip()

    def decimal(self, data: LineDict, key: str, default: Decimal | None = None) -> Decimal | None:
        value = data.get(key)
        if value is None:
            return default
        try:
            if isinstance(value, bool):
                raise InvalidOperation
            return Decimal(str(data.raw.get(key, value)).replace(",", "."))
        except InvalidOperation:
            self.error(data.line_of(key), _("“{key}” phải là một số").format(key=key))
            return default

    def choice(self, data: LineDict, key: str, choices: Iterable[str], default: str | None) -> str | None:
        value = data.get(key, default)
        if value is None:
            self.error(data.line, _("thiếu khóa bắt buộc “{key}”").format(key=key))
            return None
        options = list(choices)
        if str(value) not in options:
            self.error(
                data.line_of(key),
                _("giá trị “{value}” của “{key}” không hợp lệ (chọn một trong: {options})").format(
                    value=value, key=key, options=", ".join(options)
                ),
            )
            return None
        return str(value)

    def text(self, data: LineDict, key: str) -> Text:
        value = self.required(data, key)
        if isinstance(value, LineDict):
            if not value.get("vi"):
                self.error(value.line, _("“{key}” cần tên tiếng Việt (vi)").format(key=key))
            extra = sorted(str(k) for k in value if k not in ("vi", "en"))
            if extra:
                # An unquoted comma inside {vi: a, b, en: c} silently makes "b" a key: refuse it.
                self.error(
                    value.line,
                    _(
                        "“{key}” chỉ có “vi” và “en”; thừa: {extra} (đặt tên có dấu phẩy trong ngoặc kép)"
                    ).format(key=key, extra=", ".join(extra)),
                )
            return Text(str(value.get("vi", "")), str(value.get("en", "") or ""))
        return Text("" if value is None else str(value))

    def expression(
        self, data: LineDict, key: str, allowed: Callable[[str], bool], required: bool = True
    ) -> Expression | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, _("thiếu khóa bắt buộc “{key}”").format(key=key))
            return None
        try:
            return parse_expression(str(data.raw.get(key, value)), allowed)
        except ExpressionError as exc:
            self.error(data.line_of(key), _("“{key}”: {reason}").format(key=key, reason=exc))
            return None

    def a_date(self, data: LineDict, key: str, required: bool) -> date | None:
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, _("thiếu khóa bắt buộc “{key}”").format(key=key))
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.error(data.line_of(key), _("“{key}” phải là ngày dạng YYYY-MM-DD").format(key=key))
            return None

    def percent(self, data: LineDict, key: str) -> Decimal | None:
        value = self.decimal(data, key)
        if value is not None and not ZERO <= value <= HUNDRED:
            self.error(
                data.line_of(key),
                _("“{key}” {value}% nằm ngoài khoảng 0–100%").format(key=key, value=fmt_number(value)),
            )
            return None
        return value


def load_framework(text: str, source_name: str = "<framework>") -> Framework:
    """Parse and validate a framework file; return the Framework or raise FrameworkError."""
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 — a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise FrameworkError(
            source_name, [(line, _("lỗi cú pháp YAML: {problem}").format(problem=exc.problem))]
        ) from exc
    except yaml.YAMLError as exc:
        raise FrameworkError(
            source_name, [(0, _("lỗi cú pháp YAML: {problem}").format(problem=exc))]
        ) from exc
    check = _Checker()
    top = check.mapping(data, 1, _("tệp bộ chỉ số"))
    framework = _framework(check, top, source_name) if top is not None else None
    if check.errors or framework is None:
        raise FrameworkError(source_name, check.errors or [(1, _("tệp rỗng"))])
    return framework


def _framework(check: _Checker, top: LineDict, source_name: str) -> Framework | None:
    check.keys(top, TOP_KEYS, _("bộ chỉ số"))
    code, version = check.code(top), check.code(top, "version")
    valid_from = check.a_date(top, "valid_from", required=True)
    valid_to = check.a_date(top, "valid_to", required=False)
    if valid_from and valid_to and valid_to < valid_from:
        check.error(top.line_of("valid_to"), _("“valid_to” trước “valid_from”"))
    total = check.decimal(top, "total", Decimal(100)) or Decimal(100)
    groups = _groups(check, top)
    _check_sums(check, top, total, groups)
    if valid_from is None:
        return None
    return Framework(
        code=code,
        version=version,
        name=check.text(top, "name"),
        valid_from=valid_from,
        valid_to=valid_to,
        status=check.choice(top, "status", STATUSES, "official") or "official",
        total_points=total,
        groups=tuple(groups),
        classification=_classification(check, top),
        collective=_collective(check, top),
        evaluation=_evaluation(check, top),
        label=str(top.get("label") or ""),
        source_name=source_name,
    )


def _groups(check: _Checker, top: LineDict) -> list[Group]:
    raw = check.required(top, "groups")
    if raw is None:
        return []
    if not isinstance(raw, LineList) or not raw:
        check.error(top.line_of("groups"), _("“groups” phải là một danh sách nhóm"))
        return []
    groups = [g for g in (_group(check, item, line) for item, line in zip(raw, raw.lines, strict=True)) if g]
    _check_unique(check, [(g.code, top.line_of("groups")) for g in groups], _("mã nhóm"))
    seen = [(i.code, line) for g, lines in _indicator_lines(raw) for i, line in zip(g, lines, strict=False)]
    _check_unique(check, seen, _("mã chỉ số"))
    return groups


def _indicator_lines(raw: LineList) -> list[tuple[list[Any], list[int]]]:
    out = []
    for item in raw:
        inds = item.get("indicators") if isinstance(item, LineDict) else None
        if isinstance(inds, LineList):
            codes = [_Code(i.raw.get("code", i.get("code"))) for i in inds if isinstance(i, LineDict)]
            out.append((codes, inds.lines))
    return out


class _Code:
    def __init__(self, code: Any) -> None:
        self.code = str(code).strip()


def _check_unique(check: _Checker, items: list[tuple[Any, int]], what: str) -> None:
    seen: set[str] = set()
    for code, line in items:
        if code in seen:
            check.error(line, _("{what} “{code}” bị trùng").format(what=what, code=code))
        seen.add(code)


def _group(check: _Checker, item: Any, line: int) -> Group | None:
    data = check.mapping(item, line, _("nhóm"))
    if data is None:
        return None
    check.keys(data, GROUP_KEYS, _("nhóm"))
    code = check.code(data)
    max_points = check.decimal(data, "max")
    if max_points is None:
        check.required(data, "max")
    raw = data.get("indicators")
    if not isinstance(raw, LineList) or not raw:
        check.error(data.line, _("nhóm “{code}” cần danh sách “indicators”").format(code=code))
        raw = LineList()
        raw.lines = []
    indicators = [_indicator(check, i, ln, code) for i, ln in zip(raw, raw.lines, strict=True)]
    found = tuple(i for i in indicators if i is not None)
    group = Group(code, check.text(data, "name"), max_points or ZERO, found)
    _check_group_sum(check, data, group, len(found) == len(indicators))
    return group


def _check_group_sum(check: _Checker, data: LineDict, group: Group, complete: bool) -> None:
    total = sum((i.max_points for i in group.indicators), ZERO)
    if complete and group.indicators and total != group.max_points:
        check.error(
            data.line_of("max"),
            _(
                "tổng điểm các chỉ số của nhóm “{code}” là {total}, không bằng điểm tối đa của nhóm {max}"
            ).format(code=group.code, total=fmt_number(total), max=fmt_number(group.max_points)),
        )


def _check_sums(check: _Checker, top: LineDict, total: Decimal, groups: list[Group]) -> None:
    group_total = sum((g.max_points for g in groups), ZERO)
    if groups and group_total != total:
        check.error(
            top.line_of("groups"),
            _("tổng điểm các nhóm là {sum}, không bằng tổng điểm của bộ chỉ số {total}").format(
                sum=fmt_number(group_total), total=fmt_number(total)
            ),
        )


def _indicator(check: _Checker, item: Any, line: int, group_code: str) -> Indicator | None:
    data = check.mapping(item, line, _("chỉ số"))
    if data is None:
        return None
    check.keys(data, INDICATOR_KEYS, _("chỉ số"))
    code = check.code(data)
    if code and group_code and not code.startswith(group_code + "."):
        check.error(
            data.line_of("code"),
            _("mã chỉ số “{code}” phải bắt đầu bằng “{group}.”").format(code=code, group=group_code),
        )
    max_points = check.decimal(data, "max_points")
    if max_points is None or max_points <= 0:
        check.error(data.line_of("max_points"), _("“max_points” phải là số dương"))
    direction = check.choice(data, "direction", [d.value for d in Direction], "higher")
    scoring = _scoring(check, data, direction, max_points)
    if scoring is None or direction is None or max_points is None:
        return None
    target = check.percent(data, "target")
    _check_form_needs(check, data, scoring, target)
    composite = scoring.form == Form.COMPOSITE
    return Indicator(
        code=code,
        group=group_code,
        name=check.text(data, "name"),
        description=str(data.get("description") or "").strip(),
        source=Source(check.choice(data, "source", [s.value for s in Source], "computed") or "computed"),
        numerator=check.expression(data, "numerator", is_known_measure, required=not composite),
        denominator=check.expression(data, "denominator", is_known_measure, required=not composite),
        direction=Direction(direction),
        scoring=scoring,
        max_points=max_points,
        target=target,
        na_policy=NAPolicy(
            check.choice(data, "na_policy", [p.value for p in NAPolicy], "exclude") or "exclude"
        ),
        applies_to=_applies_to(check, data),
        unit_label=str(data.get("unit_label") or ""),
    )


def _check_form_needs(check: _Checker, data: LineDict, scoring: Scoring, target: Decimal | None) -> None:
    if scoring.form in (Form.CAPPED, Form.PASS_FAIL) and target is None:
        check.error(data.line, _("dạng tính điểm “{form}” cần “target”").format(form=scoring.form.value))
    if scoring.form == Form.CAPPED and target == ZERO:
        check.error(data.line_of("target"), _("“target” của dạng “capped” phải lớn hơn 0"))
    if scoring.form == Form.LOWER_FLOOR and scoring.floor is not None and scoring.floor <= (target or ZERO):
        check.error(data.line_of("scoring"), _("“floor” phải lớn hơn “target”"))


def _scoring(
    check: _Checker, data: LineDict, direction: str | None, max_points: Decimal | None
) -> Scoring | None:
    raw = data.get("scoring", "proportional")
    if isinstance(raw, str):
        spec = LineDict()
        spec["form"], spec.line, spec.lines["form"] = raw, data.line_of("scoring"), data.line_of("scoring")
    else:
        found = check.mapping(raw, data.line_of("scoring"), "scoring")
        if found is None:
            return None
        spec = found
        check.keys(spec, SCORING_KEYS, "scoring")
    form_name = check.choice(spec, "form", [f.value for f in Form], None)
    if form_name is None:
        return None
    form = Form(form_name)
    _check_direction(check, spec, form, direction)
    return _FORM_READERS.get(form, _plain_form)(check, spec, form, max_points)


def _check_direction(check: _Checker, spec: LineDict, form: Form, direction: str | None) -> None:
    if form in (Form.PROPORTIONAL, Form.CAPPED) and direction == Direction.LOWER:
        check.error(
            spec.line, _("dạng “{form}” chỉ dùng cho chỉ số càng cao càng tốt").format(form=form.value)
        )
    if form == Form.LOWER_FLOOR and direction != Direction.LOWER:
        check.error(spec.line, _("dạng “lower_floor” cần “direction: lower”"))


def _plain_form(check: _Checker, spec: LineDict, form: Form, max_points: Decimal | None) -> Scoring:
    return Scoring(form)


def _floor_form(check: _Checker, spec: LineDict, form: Form, max_points: Decimal | None) -> Scoring:
    floor = check.percent(spec, "floor")
    if floor is None:
        check.error(spec.line, _("dạng “lower_floor” cần “floor” (tỷ lệ mà từ đó được 0 điểm)"))
    return Scoring(form, floor=floor)


def _bands_form(check: _Checker, spec: LineDict, form: Form, max_points: Decimal | None) -> Scoring:
    raw = spec.get("bands")
    if not isinstance(raw, LineList) or not raw:
        check.error(spec.line, _("dạng “bands” cần danh sách “bands” (threshold, points)"))
        return Scoring(form)
    bands = []
    for item, line in zip(raw, raw.lines, strict=True):
        band = check.mapping(item, line, "band")
        if band is None:
            continue
        threshold, points = check.percent(band, "threshold"), check.decimal(band, "points")
        if threshold is None or points is None:
            check.error(line, _("mỗi mức cần “threshold” (%) và “points”"))
            continue
        if max_points is not None and not ZERO <= points <= max_points:
            check.error(band.line_of("points"), _("điểm của mức vượt quá điểm tối đa của chỉ số"))
        bands.append(Band(threshold, points))
    return Scoring(form, bands=tuple(bands))


def _composite_form(check: _Checker, spec: LineDict, form: Form, max_points: Decimal | None) -> Scoring:
    raw = check.mapping(spec.get("rates"), spec.line, "rates") if "rates" in spec else None
    if raw is None:
        check.error(spec.line, _("dạng “composite” cần “rates” (các tỷ lệ thành phần) và “points”"))
        return Scoring(form)
    rates = [r for r in (_sub_rate(check, raw, name) for name in raw) if r is not None]
    names = {r.name for r in rates}
    points = check.expression(spec, "points", lambda n: n in names)
    return Scoring(form, rates=tuple(rates), points=points)


def _sub_rate(check: _Checker, raw: LineDict, name: Any) -> SubRate | None:
    spec = check.mapping(raw[name], raw.line_of(name), str(name))
    if spec is None:
        return None
    if not str(name).isidentifier() or str(name) in ("min", "max"):
        check.error(raw.line_of(name), _("tên tỷ lệ thành phần không hợp lệ “{name}”").format(name=name))
        return None
    numerator = check.expression(spec, "numerator", is_known_measure)
    denominator = check.expression(spec, "denominator", is_known_measure)
    if numerator is None or denominator is None:
        return None
    return SubRate(str(name), numerator, denominator)


_FORM_READERS: dict[Form, Callable[[_Checker, LineDict, Form, Decimal | None], Scoring]] = {
    Form.LOWER_FLOOR: _floor_form,
    Form.BANDS: _bands_form,
    Form.COMPOSITE: _composite_form,
}


def _applies_to(check: _Checker, data: LineDict) -> Applicability:
    raw = data.get("applies_to")
    if raw is None:
        return Applicability()
    spec = check.mapping(raw, data.line_of("applies_to"), "applies_to")
    if spec is None:
        return Applicability()
    kinds = [str(k) for k in spec.get("kinds") or []]
    for kind in kinds:
        if kind not in UNIT_KINDS:
            check.error(
                spec.line_of("kinds"),
                _("loại đơn vị không hợp lệ “{kind}” (chọn trong: {options})").format(
                    kind=kind, options=", ".join(UNIT_KINDS)
                ),
            )
    peer_groups = [str(p) for p in spec.get("peer_groups") or []]
    return Applicability(frozenset(kinds), frozenset(peer_groups))


def _classification(check: _Checker, top: LineDict) -> tuple[ClassBand, ...]:
    raw = top.get("classification")
    if raw is None:
        return DEFAULT_BANDS
    if not isinstance(raw, LineList) or not raw:
        check.error(top.line_of("classification"), _("“classification” phải là danh sách các mức xếp loại"))
        return DEFAULT_BANDS
    bands = []
    for item, line in zip(raw, raw.lines, strict=True):
        band = check.mapping(item, line, "classification")
        if band is not None:
            minimum = check.percent(band, "min")
            bands.append(
                ClassBand(
                    check.code(band), minimum if minimum is not None else ZERO, check.text(band, "label")
                )
            )
    _check_bands_order(check, raw, bands)
    return tuple(bands)


def _check_bands_order(check: _Checker, raw: LineList, bands: list[ClassBand]) -> None:
    minima = [b.min_total for b in bands]
    if minima != sorted(minima, reverse=True) or len(set(minima)) != len(minima):
        check.error(
            raw.line, _("các mức xếp loại phải theo thứ tự điểm tối thiểu giảm dần, không trùng nhau")
        )
    if bands and bands[-1].min_total != ZERO:
        check.error(raw.line, _("mức xếp loại cuối cùng phải có “min: 0”"))
    _check_unique(check, [(b.code, raw.line) for b in bands], _("mã xếp loại"))


def _collective(check: _Checker, top: LineDict) -> CollectiveRules:
    raw = top.get("collective")
    spec = check.mapping(raw, top.line_of("collective"), "collective") if raw is not None else None
    if spec is None:
        return CollectiveRules()
    default = CollectiveRules()
    return CollectiveRules(
        excellent_requires_all_on_time=bool(spec.get("excellent_requires_all_on_time", True)),
        max_late_share_completed=check.percent(spec, "max_late_share_completed")
        or default.max_late_share_completed,
    )


def _evaluation(check: _Checker, top: LineDict) -> EvaluationRules:
    raw = top.get("evaluation")
    spec = check.mapping(raw, top.line_of("evaluation"), "evaluation") if raw is not None else None
    if spec is None:
        return EvaluationRules()
    check.keys(spec, set(EVALUATION_FIELDS), "evaluation")
    values: dict[str, Any] = {}
    for key, kind in EVALUATION_FIELDS.items():
        if key in spec:
            values[key] = _evaluation_value(check, spec, key, kind)
    return EvaluationRules(**{k: v for k, v in values.items() if v is not None})


def _evaluation_value(check: _Checker, spec: LineDict, key: str, kind: type) -> Any:
    value = spec[key]
    if kind is Decimal:
        return check.decimal(spec, key)
    if kind is tuple:
        return tuple(str(v) for v in value) if isinstance(value, list) else None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        check.error(spec.line_of(key), _("“{key}” có kiểu không hợp lệ").format(key=key))
        return None
    return value
