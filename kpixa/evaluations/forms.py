"""Forms of the evaluating authority: a leader's general points, đ, e and optionally a, b, c."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpixa.evaluations.models import LeaderEvaluation
from kpixa.reporting.forms import LocalDecimalField

GENERAL_MAX = Decimal(30)
PERCENT_MAX = Decimal(100)


def check_assessment(
    general: Decimal,
    organising: Decimal,
    uniting: Decimal,
    abc: tuple[Decimal | None, Decimal | None, Decimal | None],
) -> None:
    """Raise ValidationError naming each value outside its range (general 0–30, criteria 0–100 %)."""
    errors = {}
    if not Decimal(0) <= general <= GENERAL_MAX:
        errors["general_points"] = _("Điểm tiêu chí chung phải từ 0 đến 30.")
    named: dict[str, Decimal | None] = {"dd_organising": organising, "e_uniting": uniting}
    named.update(dict(zip(["a_quantity", "b_quality", "c_timeliness"], abc, strict=True)))
    for field, value in named.items():
        if value is not None and not Decimal(0) <= value <= PERCENT_MAX:
            errors[field] = _("Giá trị phải từ 0 đến 100 (%).")
    if errors:
        raise ValidationError(errors)


def _percent(label: Any, required: bool = True) -> forms.DecimalField:
    return LocalDecimalField(
        label=label, required=required, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )


class LeaderAssessmentForm(forms.ModelForm):  # type: ignore[type-arg]
    """What the province admin enters for one leader; saved through ``enter_leader_assessment``."""

    general_points = LocalDecimalField(
        label=gettext_lazy("Điểm tiêu chí chung (0–30)"),
        min_value=0,
        max_value=30,
        max_digits=5,
        decimal_places=2,
    )
    dd_organising = _percent(gettext_lazy("đ — năng lực tổ chức thực hiện (%)"))
    e_uniting = _percent(gettext_lazy("e — năng lực đoàn kết, tập hợp (%)"))
    a_quantity = _percent(gettext_lazy("a — số lượng (%), để trống để lấy mặc định"), required=False)
    b_quality = _percent(gettext_lazy("b — chất lượng (%), để trống để lấy mặc định"), required=False)
    c_timeliness = _percent(gettext_lazy("c — tiến độ (%), để trống để lấy mặc định"), required=False)

    class Meta:
        model = LeaderEvaluation
        fields = ["general_points", "dd_organising", "e_uniting", "a_quantity", "b_quality", "c_timeliness"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        abc = [data.get(f) for f in ("a_quantity", "b_quality", "c_timeliness")]
        if any(v is not None for v in abc) and any(v is None for v in abc):
            raise ValidationError(_("Nhập đủ cả a, b, c hoặc để trống cả ba."))
        return data


class AppealForm(forms.Form):
    """A commune leader's appeal against one indicator: a reason and an optional evidence file."""

    framework = forms.CharField(widget=forms.HiddenInput, max_length=60)
    indicator = forms.CharField(widget=forms.HiddenInput, max_length=40)
    reason = forms.CharField(
        label=gettext_lazy("Lý do khiếu nại"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    evidence = forms.FileField(label=gettext_lazy("Tệp minh chứng (không bắt buộc)"), required=False)


class DecisionForm(forms.Form):
    """The province's reason for a decision on an appeal."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do giải quyết"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class UpholdForm(DecisionForm):
    """Upholding an appeal: the indicator's corrected points and the reason."""

    corrected_points = LocalDecimalField(
        label=gettext_lazy("Điểm sau điều chỉnh"), min_value=0, max_digits=7, decimal_places=2
    )

    def __init__(self, *args: Any, max_points: Decimal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if max_points is not None:
            field = self.fields["corrected_points"]
            field.validators.append(MaxValueValidator(max_points))
            field.widget.attrs["max"] = str(max_points)
