"""Forms of the evaluating authority: a leader's general points, đ, e and optionally a, b, c; appeals
and their decisions; evaluation inputs entered, imported with their evidence ZIP, or revised
through an appeal."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kpixa.evaluations.models import EvaluationInput, InputKind, LeaderEvaluation
from kpixa.evaluations.services import inputs
from kpixa.reporting.forms import LocalDecimalField
from kpixa.units.models import Commune, Person, PostKind, Province

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


# --- evaluation inputs (kpixa/evaluations/input_views.py) ---------------------------------------

POST_CHOICES = [
    ("", gettext_lazy("Xã (không theo chức vụ)")),
    (PostKind.SECRETARY.value, PostKind.SECRETARY.label),
    (PostKind.CHAIRMAN.value, PostKind.CHAIRMAN.label),
]


class _InputDetails(forms.Form):
    """The fields an evaluation input is given with, whether entered or revised: its value, date,
    note, basis and evidence file (each declared here once)."""

    value = forms.CharField(max_length=40, label=gettext_lazy("Giá trị"))
    day = forms.DateField(required=False, label=gettext_lazy("Ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Ghi chú")
    )
    evidence = forms.CharField(
        max_length=300, required=False, label=gettext_lazy("Căn cứ (số, ngày văn bản, quyết định)")
    )
    evidence_file = forms.FileField(
        required=False,
        label=gettext_lazy("Tệp minh chứng (PDF, PNG, JPEG, XLSX, DOCX; không nhận tệp có macro)"),
    )

    def _entry(self, commune: Commune, post: str, person: Person | None, kind: str) -> inputs.Entry:
        data = self.cleaned_data
        return inputs.Entry(
            commune,
            post,
            person,
            kind,
            data["value"].strip(),
            data["day"],
            data["note"].strip(),
            data["evidence"].strip(),
        )


class InputForm(_InputDetails):
    """One evaluation input as the province admin enters it."""

    commune = forms.ModelChoiceField(queryset=Commune.objects.none(), label=gettext_lazy("Xã/phường"))
    post = forms.ChoiceField(choices=POST_CHOICES, required=False, label=gettext_lazy("Chức vụ"))
    person = forms.CharField(max_length=60, required=False, label=gettext_lazy("Mã cán bộ"))
    kind = forms.ChoiceField(choices=InputKind.choices, label=gettext_lazy("Loại dữ liệu"))
    field_order = ["commune", "post", "person", "kind", "value", "day", "note", "evidence", "evidence_file"]

    def __init__(self, province: Province, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(province=province).order_by("name")  # type: ignore[attr-defined]

    def entry(self) -> inputs.Entry:
        """The validated input; raises InvalidInput for an unknown person code."""
        data = self.cleaned_data
        code = data["person"].strip()
        person = Person.objects.filter(external_id=code).first() if code else None
        if code and person is None:
            raise inputs.InvalidInput("person", _("Không có cán bộ mã “%(v)s”.") % {"v": code})
        return self._entry(data["commune"], data["post"], person, data["kind"])


def _size(upload: Any, limit: int, name: str) -> Any:
    if upload is not None and upload.size > limit:
        raise ValidationError(
            _("Tệp %(name)s quá lớn (tối đa %(mb)s MB).") % {"name": name, "mb": limit // (1024 * 1024)}
        )
    return upload


class InputImportForm(forms.Form):
    """A CSV/XLSX file of evaluation inputs and, optionally, the ZIP of the evidence files its
    rows name in ``evidence_file`` (imported through ``inputs.import_inputs_upload``)."""

    file = forms.FileField(
        label=gettext_lazy("Tệp dữ liệu (CSV hoặc XLSX)"),
        help_text=gettext_lazy(
            "Cột: unit_code, post, person, kind, value, date, note, evidence, evidence_file. "
            "Dòng 1 là dòng tiêu đề; dòng dữ liệu đầu tiên là dòng 2, như bảng tính đánh số."
        ),
    )
    evidence_zip = forms.FileField(
        required=False,
        label=gettext_lazy("Tệp ZIP minh chứng (không bắt buộc)"),
        help_text=gettext_lazy(
            "Cột evidence_file của mỗi dòng ghi tên một tệp trong ZIP (ví dụ ke-hoach/QD1.pdf), hoặc "
            "id:<số> để dùng lại tệp đã tải lên với dữ liệu số đó. Mỗi tệp được kiểm tra như mọi "
            "tệp minh chứng: PDF, PNG, JPEG, XLSX, DOCX theo nội dung, không nhận tệp có macro, "
            "lưu dưới tên do hệ thống đặt."
        ),
    )

    def clean_file(self) -> Any:
        from kpixa.dossiers.forms import MAX_UPLOAD_BYTES

        upload = self.cleaned_data["file"]
        if Path(str(upload.name)).suffix.lower() not in inputs.UPLOAD_SUFFIXES:
            raise ValidationError(_("Chỉ nhận tệp .csv hoặc .xlsx."))
        return _size(upload, MAX_UPLOAD_BYTES, upload.name)

    def clean_evidence_zip(self) -> Any:
        import zipfile

        from kpixa.dossiers.forms import MAX_UPLOAD_BYTES

        upload = _size(self.cleaned_data.get("evidence_zip"), MAX_UPLOAD_BYTES, "ZIP")
        if upload is not None and not zipfile.is_zipfile(upload):
            raise ValidationError(_("Tệp minh chứng phải là một tệp ZIP."))
        return upload


class InputRevisionForm(_InputDetails):
    """A closed period's input revised through a pending appeal: the new value, its date, note and
    basis, an optional evidence file, and the reason (kept in the input's history)."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Lý do sửa (ghi vào lịch sử của dữ liệu)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].label = gettext_lazy("Giá trị mới")
        self.fields["evidence_file"].label = gettext_lazy(
            "Tệp minh chứng mới (không bắt buộc; PDF, PNG, JPEG, XLSX, DOCX; không nhận tệp có macro)"
        )

    def entry(self, item: EvaluationInput) -> inputs.Entry:
        """The revised input: ``item``'s commune, post, person and kind with the new value."""
        return self._entry(item.commune, item.post, item.person, item.kind)
