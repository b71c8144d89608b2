"""Load and validate a framework file (YAML) into a ``Framework``.

The file's shape is stated once, as the pydantic models below (``FrameworkSpec`` and the
specs it holds); the rules that relate several fields (sums, unique codes, what a scoring form
needs) follow in plain functions. Every mistake is reported with its line number and a reason
in Vietnamese, and all of them are raised together as one ``FrameworkError``: a reviewer fixes a
file in one pass. Groups, indicators and classification bands are validated one by one, so one
bad item does not hide the mistakes of the others. The format is documented in
docs/frameworks.md.

The YAML is read with its lines by ``yamllines``; scalars stay text, so a code ``1.10`` stays
"1.10", an expression stays as written, and the models convert numbers ("2,5" or "2.5"), dates
and booleans themselves.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kpixa.scoring.engine.expr import Expression, ExpressionError, parse_expression
from kpixa.scoring.engine.i18n import _
from kpixa.scoring.engine.measures import is_known_measure
from kpixa.scoring.engine.model import (
    DEFAULT_BANDS,
    OWNER_POSTS,
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
    Owner,
    Scoring,
    Source,
    SubRate,
    Text,
)
from kpixa.scoring.engine.numbers import HUNDRED, ZERO, fmt_number
from kpixa.scoring.engine.yamllines import LineDict, LineList, YamlProblem, read


class FrameworkError(ValueError):
    """A framework file with mistakes: ``errors`` lists (line, reason in Vietnamese)."""

    def __init__(self, source_name: str, errors: list[tuple[int, str]]) -> None:
        self.source_name = source_name
        self.errors = sorted(errors, key=lambda e: e[0])
        super().__init__("\n".join(f"{source_name}:{line}: {reason}" for line, reason in self.errors))


# --- value types ---------------------------------------------------------------------------------


def _fail(reason: str) -> PydanticCustomError:
    """A mistake whose Vietnamese reason is already written (reported as it is)."""
    return PydanticCustomError("kpixa", "{reason}", {"reason": reason})


def _number(value: Any, info: ValidationInfo) -> Decimal:
    try:
        if isinstance(value, bool | dict | list):
            raise InvalidOperation
        return Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise _fail(_("“{key}” phải là một số").format(key=info.field_name)) from None


def _percent(value: Decimal, info: ValidationInfo) -> Decimal:
    if not ZERO <= value <= HUNDRED:
        reason = _("“{key}” {value}% nằm ngoài khoảng 0–100%")
        raise _fail(reason.format(key=info.field_name, value=fmt_number(value)))
    return value


def _positive_max_points(value: Decimal) -> Decimal:
    if value <= 0:
        raise _fail(_("“max_points” phải là số dương"))
    return value


def _measure_expression(value: Any, info: ValidationInfo) -> Expression:
    try:
        return parse_expression(str(value), is_known_measure)
    except ExpressionError as exc:
        raise _fail(_("“{key}”: {reason}").format(key=info.field_name, reason=exc)) from None


def _unit_kind(value: Any) -> str:
    if str(value) not in UNIT_KINDS:
        reason = _("loại đơn vị không hợp lệ “{kind}” (chọn trong: {options})")
        raise _fail(reason.format(kind=value, options=", ".join(UNIT_KINDS)))
    return str(value)


def _name(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, dict) or not isinstance(value, list):
        return value
    raise _fail(_("“{key}” có kiểu không hợp lệ").format(key=info.field_name))


def _stripped(value: Any) -> str:
    return str(value).strip()


Number = Annotated[Decimal, BeforeValidator(_number)]
Percent = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_percent)]
MaxPoints = Annotated[Decimal, BeforeValidator(_number), AfterValidator(_positive_max_points)]
Code = Annotated[str, BeforeValidator(_stripped)]
Measure = Annotated[Expression, BeforeValidator(_measure_expression)]
UnitKind = Annotated[str, BeforeValidator(_unit_kind)]
Name = Annotated[Any, BeforeValidator(_name)]  # "name" or {vi: ..., en: ...}; see _text


# --- the schema ----------------------------------------------------------------------------------


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


class BandSpec(_Spec):
    """One level of a ``bands`` form: a rate at or past ``threshold`` (%) earns ``points``."""

    threshold: Percent
    points: Number


class SubRateSpec(_Spec):
    """A named rate of a ``composite`` form."""

    numerator: Measure
    denominator: Measure


class ScoringSpec(_Spec):
    """How the rate becomes points; ``scoring: capped`` is short for ``scoring: {form: capped}``."""

    form: Form
    bands: list[BandSpec] | None = None
    floor: Percent | None = None
    rates: dict[str, SubRateSpec] | None = None
    points: str | None = None  # the composite expression over the rates' names


def _owner_alone(value: Any) -> Any:
    """``owner: chairman`` is short for ``owner: {post: chairman}``."""
    return {"post": value} if isinstance(value, str) else value


def _owner_post(value: Any) -> str:
    if str(value) not in OWNER_POSTS:
        reason = _("chức vụ chịu trách nhiệm không hợp lệ “{post}” (chọn trong: {options})")
        raise _fail(reason.format(post=value, options=", ".join(OWNER_POSTS)))
    return str(value)


class OwnerSpec(_Spec):
    """Who answers for an indicator or a group by default: a post, and a deputy's field."""

    post: Annotated[str, BeforeValidator(_owner_post)]
    field: str = ""


OwnerValue = Annotated[OwnerSpec, BeforeValidator(_owner_alone)]


def _owner(spec: OwnerSpec | None) -> Owner | None:
    return Owner(spec.post, spec.field.strip()) if spec is not None else None


class AppliesToSpec(_Spec):
    kinds: list[UnitKind] = []
    peer_groups: list[Code] = []


class IndicatorSpec(_Spec):
    code: Code
    name: Name
    description: str = ""
    source: Source = Source.COMPUTED
    numerator: Measure | None = None  # required unless the form is composite
    denominator: Measure | None = None
    direction: Direction = Direction.HIGHER
    scoring: ScoringSpec = ScoringSpec(form=Form.PROPORTIONAL)
    max_points: MaxPoints
    target: Percent | None = None
    na_policy: NAPolicy = NAPolicy.EXCLUDE
    applies_to: AppliesToSpec = AppliesToSpec()
    unit_label: str = ""
    owner: OwnerValue | None = None

    @field_validator("scoring", mode="before")
    @classmethod
    def _form_alone(cls, value: Any) -> Any:
        return {"form": value} if isinstance(value, str) else value


class GroupSpec(_Spec):
    code: Code
    name: Name
    max: Number
    description: str = ""
    owner: OwnerValue | None = None
    indicators: list[Any] = []  # each an IndicatorSpec, validated one by one; at least one


class ClassBandSpec(_Spec):
    code: Code
    min: Percent = ZERO
    label: Name


class CollectiveSpec(_Spec):
    excellent_requires_all_on_time: bool = True
    max_late_share_completed: Percent | None = None


class EvaluationSpec(_Spec):
    """Overrides of ``EvaluationRules`` (docs/rules.md, "Leaders" and "Consequences")."""

    leader_general_max: Number | None = None
    leader_results_max: Number | None = None
    leader_capped_by_unit: bool | None = None
    excellent_quota_percent: Number | None = None
    warning_after_failed_period: bool | None = None
    joint_departure_enabled: bool | None = None
    joint_departure_below_total: Number | None = None
    dismissal_after_failed_years: int | None = None
    reg377_min_targets_percent: Number | None = None
    reg377_basic_targets: tuple[str, ...] | None = None


class FrameworkSpec(_Spec):
    code: Code
    version: Code
    name: Name
    description: str = ""
    valid_from: date
    valid_to: date | None = None
    status: Literal["official", "example"] = "official"
    label: str = ""
    total: Number = Decimal(100)
    groups: list[Any] = Field(min_length=1)  # each a GroupSpec, validated one by one
    classification: list[Any] | None = Field(default=None, min_length=1)  # each a ClassBandSpec
    collective: CollectiveSpec = CollectiveSpec()
    evaluation: EvaluationSpec = EvaluationSpec()


# Sections named as themselves in a message about their keys.
NESTED_WHAT = {"owner", "scoring", "evaluation", "collective", "applies_to", "rates", "bands"}


def _what(spec: type[_Spec]) -> str:
    """What a spec is called in a message about its keys."""
    if spec is FrameworkSpec:
        return _("bộ chỉ số")
    if spec is GroupSpec:
        return _("nhóm")
    if spec is IndicatorSpec:
        return _("chỉ số")
    return "classification"


def _list_reason(key: str) -> str | None:
    """What a list that is missing, empty or not a list should have been."""
    if key == "groups":
        return _("“groups” phải là một danh sách nhóm")
    if key == "classification":
        return _("“classification” phải là danh sách các mức xếp loại")
    if key == "bands":
        return _("dạng “bands” cần danh sách “bands” (threshold, points)")
    return None


# --- errors with lines ---------------------------------------------------------------------------


@dataclass
class _Checker:
    """Collects (line, reason) pairs while the file is read."""

    errors: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, reason: str) -> None:
        self.errors.append((line, reason))

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        if isinstance(value, LineDict):
            return value
        self.error(line, _("“{what}” phải là một bảng khóa–giá trị").format(what=what))
        return None

    def validate[S: _Spec](self, spec: type[S], data: LineDict, reported: str = "") -> S | None:
        """``spec`` validated from ``data``, or None with every mistake recorded at its line
        (except those about the key ``reported``, already reported)."""
        for key in data.empty:
            if key not in spec.model_fields:
                self.error(data.line_of(key), _reason(spec, [key], {"type": "extra_forbidden"}))
        try:
            return spec.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                if not reported or error["loc"][:1] != (reported,):
                    self.error(*_located(spec, data, error))
            return None


def _located(spec: type[_Spec], data: LineDict, error: Mapping[str, Any]) -> tuple[int, str]:
    """The line and the Vietnamese reason of one pydantic error inside ``data``."""
    loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    node: Any = data
    line = data.line
    for part in loc:
        if isinstance(node, LineDict) and part in node.lines:
            line = node.line_of(part)
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node.lines):
            line = node.lines[part]
        else:
            break
        node = node.get(part) if isinstance(node, LineDict) else node[part]
    return line, _reason(spec, loc, error)


def _reason(spec: type[_Spec], loc: list[Any], error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "kpixa":
        return str(ctx["reason"])
    if kind == "missing":
        return _("thiếu khóa bắt buộc “{key}”").format(key=key)
    if kind == "extra_forbidden":
        outer = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
        what = outer if outer in NESTED_WHAT else _what(spec)
        return _("khóa không hợp lệ “{key}” trong {what}").format(key=key, what=what)
    if kind in ("enum", "literal_error"):
        options = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return _("giá trị “{value}” của “{key}” không hợp lệ (chọn một trong: {options})").format(
            value=error["input"], key=key, options=options
        )
    reason = _list_reason(key) if kind in ("list_type", "too_short") else None
    if reason is not None:
        return reason
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("“{what}” phải là một bảng khóa–giá trị").format(what=key)
    if kind.startswith("date"):
        return _("“{key}” phải là ngày dạng YYYY-MM-DD").format(key=key)
    return _("“{key}” có kiểu không hợp lệ").format(key=key)


def _duplicates(check: _Checker, node: Any) -> None:
    """Report every repeated key in the file (YAML keeps the last one silently)."""
    if isinstance(node, LineDict):
        for line, key in node.duplicates:
            check.error(line, _("khóa “{key}” bị lặp lại").format(key=key))
        for value in node.values():
            _duplicates(check, value)
    elif isinstance(node, list):
        for item in node:
            _duplicates(check, item)


# --- the rules across fields, and the Framework ---------------------------------------------------


def load_framework(text: str, source_name: str = "<framework>") -> Framework:
    """Parse and validate a framework file; return the Framework or raise FrameworkError."""
    try:
        data = read(text)
    except YamlProblem as exc:
        raise FrameworkError(source_name, [(exc.line, exc.reason)]) from exc
    check = _Checker()
    _duplicates(check, data)
    top = check.mapping(data, 1, _("tệp bộ chỉ số"))
    framework = _framework(check, top, source_name) if top is not None else None
    if check.errors or framework is None:
        raise FrameworkError(source_name, check.errors or [(1, _("tệp rỗng"))])
    return framework


def _framework(check: _Checker, top: LineDict, source_name: str) -> Framework | None:
    spec = check.validate(FrameworkSpec, top)
    groups = _groups(check, top)
    if spec is None:
        return None
    if spec.valid_to is not None and spec.valid_to < spec.valid_from:
        check.error(top.line_of("valid_to"), _("“valid_to” trước “valid_from”"))
    _check_sums(check, top, spec.total, groups)
    evaluation = {k: v for k, v in spec.evaluation.model_dump().items() if v is not None}
    default = CollectiveRules()
    return Framework(
        code=spec.code,
        version=spec.version,
        name=_text(check, top, "name"),
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        status=spec.status,
        total_points=spec.total,
        groups=tuple(groups),
        classification=_classification(check, top, spec.classification),
        collective=CollectiveRules(
            excellent_requires_all_on_time=spec.collective.excellent_requires_all_on_time,
            max_late_share_completed=spec.collective.max_late_share_completed
            or default.max_late_share_completed,
        ),
        evaluation=EvaluationRules(**evaluation),
        label=spec.label,
        source_name=source_name,
    )


def _items(check: _Checker, top: LineDict, key: str, what: str) -> list[tuple[LineDict, int]]:
    """The mapping items of the list ``top[key]`` with their lines (mistakes recorded)."""
    raw = top.get(key)
    if not isinstance(raw, LineList):
        return []
    found = [(check.mapping(item, line, what), line) for item, line in zip(raw, raw.lines, strict=True)]
    return [(item, line) for item, line in found if item is not None]


def _groups(check: _Checker, top: LineDict) -> list[Group]:
    items = _items(check, top, "groups", _("nhóm"))
    groups = [g for g in (_group(check, item) for item, _line in items) if g]
    _check_unique(check, [(g.code, top.line_of("groups")) for g in groups], _("mã nhóm"))
    codes = [
        (str(indicator.get("code", "")).strip(), line)
        for group, _line in items
        if isinstance(group.get("indicators"), LineList)
        for indicator, line in zip(group["indicators"], group["indicators"].lines, strict=True)
        if isinstance(indicator, LineDict)
    ]
    _check_unique(check, codes, _("mã chỉ số"))
    return groups


def _check_unique(check: _Checker, items: Iterable[tuple[str, int]], what: str) -> None:
    seen: set[str] = set()
    for code, line in items:
        if code in seen:
            check.error(line, _("{what} “{code}” bị trùng").format(what=what, code=code))
        seen.add(code)


def _group(check: _Checker, data: LineDict) -> Group | None:
    raw = data.get("indicators")
    if not isinstance(raw, LineList) or not raw:
        code = str(data.get("code", "")).strip()
        check.error(data.line, _("nhóm “{code}” cần danh sách “indicators”").format(code=code))
    spec = check.validate(GroupSpec, data, reported="indicators")
    if spec is None or not isinstance(raw, LineList):
        return None
    items = _items(check, data, "indicators", _("chỉ số"))
    indicators = [_indicator(check, item, spec.code) for item, _line in items]
    found = tuple(i for i in indicators if i is not None)
    group = Group(spec.code, _text(check, data, "name"), spec.max, found, _owner(spec.owner))
    if len(found) == len(raw):
        _check_group_sum(check, data, group)
    return group


def _check_group_sum(check: _Checker, data: LineDict, group: Group) -> None:
    total = sum((i.max_points for i in group.indicators), ZERO)
    if group.indicators and total != group.max_points:
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


def _indicator(check: _Checker, data: LineDict, group_code: str) -> Indicator | None:
    spec = check.validate(IndicatorSpec, data)
    if spec is None:
        return None
    if not spec.code.startswith(group_code + "."):
        check.error(
            data.line_of("code"),
            _("mã chỉ số “{code}” phải bắt đầu bằng “{group}.”").format(code=spec.code, group=group_code),
        )
    scoring = _scoring(check, data, spec)
    composite = spec.scoring.form == Form.COMPOSITE
    for key in ("numerator", "denominator"):
        if not composite and getattr(spec, key) is None:
            check.error(data.line, _("thiếu khóa bắt buộc “{key}”").format(key=key))
    return Indicator(
        code=spec.code,
        group=group_code,
        name=_text(check, data, "name"),
        description=spec.description.strip(),
        source=spec.source,
        numerator=spec.numerator,
        denominator=spec.denominator,
        direction=spec.direction,
        scoring=scoring,
        max_points=spec.max_points,
        target=spec.target,
        na_policy=spec.na_policy,
        applies_to=Applicability(frozenset(spec.applies_to.kinds), frozenset(spec.applies_to.peer_groups)),
        unit_label=spec.unit_label,
        owner=_owner(spec.owner),
    )


def _scoring(check: _Checker, data: LineDict, spec: IndicatorSpec) -> Scoring:
    form, target = spec.scoring.form, spec.target
    raw = data.get("scoring")
    line = raw.line if isinstance(raw, LineDict) else data.line_of("scoring")
    if form in (Form.PROPORTIONAL, Form.CAPPED) and spec.direction == Direction.LOWER:
        check.error(line, _("dạng “{form}” chỉ dùng cho chỉ số càng cao càng tốt").format(form=form.value))
    if form == Form.LOWER_FLOOR and spec.direction != Direction.LOWER:
        check.error(line, _("dạng “lower_floor” cần “direction: lower”"))
    if form in (Form.CAPPED, Form.PASS_FAIL) and target is None:
        check.error(data.line, _("dạng tính điểm “{form}” cần “target”").format(form=form.value))
    if form == Form.CAPPED and target == ZERO:
        check.error(data.line_of("target"), _("“target” của dạng “capped” phải lớn hơn 0"))
    reader = _FORM_READERS.get(form, _plain_form)
    return reader(check, raw if isinstance(raw, LineDict) else LineDict(), spec, line)


def _plain_form(check: _Checker, raw: LineDict, spec: IndicatorSpec, line: int) -> Scoring:
    return Scoring(spec.scoring.form)


def _floor_form(check: _Checker, raw: LineDict, spec: IndicatorSpec, line: int) -> Scoring:
    floor = spec.scoring.floor
    if floor is None:
        check.error(line, _("dạng “lower_floor” cần “floor” (tỷ lệ mà từ đó được 0 điểm)"))
    elif floor <= (spec.target or ZERO):
        check.error(line, _("“floor” phải lớn hơn “target”"))
    return Scoring(Form.LOWER_FLOOR, floor=floor)


def _bands_form(check: _Checker, raw: LineDict, spec: IndicatorSpec, line: int) -> Scoring:
    bands = spec.scoring.bands
    if not bands:
        check.error(line, _("dạng “bands” cần danh sách “bands” (threshold, points)"))
        return Scoring(Form.BANDS)
    raw_bands = raw.get("bands") or LineList()
    for band, item in zip(bands, raw_bands, strict=False):
        if not ZERO <= band.points <= spec.max_points:
            check.error(item.line_of("points"), _("điểm của mức vượt quá điểm tối đa của chỉ số"))
    return Scoring(Form.BANDS, bands=tuple(Band(b.threshold, b.points) for b in bands))


def _composite_form(check: _Checker, raw: LineDict, spec: IndicatorSpec, line: int) -> Scoring:
    rates, points = spec.scoring.rates, spec.scoring.points
    if not rates:
        check.error(line, _("dạng “composite” cần “rates” (các tỷ lệ thành phần) và “points”"))
        return Scoring(Form.COMPOSITE)
    raw_rates = raw.get("rates")
    for name in rates:
        if not name.isidentifier() or name in ("min", "max"):
            line_of_name = raw_rates.line_of(name) if isinstance(raw_rates, LineDict) else line
            check.error(line_of_name, _("tên tỷ lệ thành phần không hợp lệ “{name}”").format(name=name))
    valid = {n: r for n, r in rates.items() if n.isidentifier() and n not in ("min", "max")}
    subs = tuple(SubRate(n, r.numerator, r.denominator) for n, r in valid.items())
    expression = None
    if points is None:
        check.error(line, _("thiếu khóa bắt buộc “{key}”").format(key="points"))
    else:
        names = {s.name for s in subs}
        try:
            expression = parse_expression(points, lambda n: n in names)
        except ExpressionError as exc:
            check.error(raw.line_of("points"), _("“{key}”: {reason}").format(key="points", reason=exc))
    return Scoring(Form.COMPOSITE, rates=subs, points=expression)


_FORM_READERS: dict[Form, Callable[[_Checker, LineDict, IndicatorSpec, int], Scoring]] = {
    Form.LOWER_FLOOR: _floor_form,
    Form.BANDS: _bands_form,
    Form.COMPOSITE: _composite_form,
}


def _text(check: _Checker, data: LineDict, key: str) -> Text:
    """A name: plain text, or {vi: ..., en: ...} with the Vietnamese one required."""
    value = data.get(key)
    if not isinstance(value, LineDict):
        return Text("" if value is None else str(value))
    if not value.get("vi"):
        check.error(value.line, _("“{key}” cần tên tiếng Việt (vi)").format(key=key))
    extra = sorted(str(k) for k in [*value, *value.empty] if k not in ("vi", "en"))
    if extra:
        # An unquoted comma inside {vi: a, b, en: c} silently makes "b" a key: refuse it.
        check.error(
            value.line,
            _("“{key}” chỉ có “vi” và “en”; thừa: {extra} (đặt tên có dấu phẩy trong ngoặc kép)").format(
                key=key, extra=", ".join(extra)
            ),
        )
    return Text(str(value.get("vi", "")), str(value.get("en", "") or ""))


def _classification(check: _Checker, top: LineDict, raw: list[Any] | None) -> tuple[ClassBand, ...]:
    if raw is None:
        return DEFAULT_BANDS
    bands = []
    for item, _line in _items(check, top, "classification", "classification"):
        spec = check.validate(ClassBandSpec, item)
        if spec is not None:
            bands.append(ClassBand(spec.code, spec.min, _text(check, item, "label")))
    _check_bands_order(check, top["classification"], bands)
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
