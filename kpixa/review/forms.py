"""Forms of the review pages: preparing a meeting, recording and checking a commitment, and
assigning an indicator's owner (each irreversible step with its confirmation)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from kpixa.review.models import CommitmentStatus, MeetingBody
from kpixa.units.models import PostKind

DATE = forms.DateInput(attrs={"type": "date"})


class MeetingForm(forms.Form):
    body = forms.ChoiceField(label=gettext_lazy("Cơ quan họp"), choices=MeetingBody.choices)
    held_on = forms.DateField(label=gettext_lazy("Ngày họp"), widget=DATE)
    period_code = forms.ChoiceField(label=gettext_lazy("Kỳ xem xét"))
    title = forms.CharField(label=gettext_lazy("Tiêu đề (không bắt buộc)"), max_length=300, required=False)

    def __init__(self, *args: Any, periods: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_code"].choices = [(p, p) for p in periods]  # type: ignore[attr-defined]


class CommitmentForm(forms.Form):
    commune = forms.ChoiceField(label=gettext_lazy("Xã/phường"))
    post = forms.ChoiceField(label=gettext_lazy("Người chịu trách nhiệm (chức vụ)"), choices=PostKind.choices)
    indicator_code = forms.ChoiceField(label=gettext_lazy("Chỉ số cần chuyển biến"))
    what = forms.CharField(
        label=gettext_lazy("Nội dung cam kết"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    due_on = forms.DateField(label=gettext_lazy("Hạn thực hiện"), widget=DATE)

    def __init__(
        self, *args: Any, communes: list[tuple[str, str]], indicators: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = communes  # type: ignore[attr-defined]
        self.fields["indicator_code"].choices = indicators  # type: ignore[attr-defined]


class CheckForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Kết quả"),
        choices=[
            (CommitmentStatus.KEPT, CommitmentStatus.KEPT.label),
            (CommitmentStatus.MISSED, CommitmentStatus.MISSED.label),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=500, required=False)
    confirm = forms.BooleanField(
        label=gettext_lazy("Tôi xác nhận kết quả này; cam kết chỉ được đánh giá một lần, không sửa được."),
        required=True,
    )


class OwnerForm(forms.Form):
    code = forms.ChoiceField(label=gettext_lazy("Chỉ số hoặc nhóm"))
    commune = forms.ChoiceField(label=gettext_lazy("Áp dụng cho"), required=False)
    post = forms.ChoiceField(label=gettext_lazy("Chức vụ chịu trách nhiệm"), choices=PostKind.choices)
    field = forms.CharField(
        label=gettext_lazy("Lĩnh vực phụ trách (với Phó Chủ tịch)"), max_length=120, required=False
    )
    start = forms.DateField(label=gettext_lazy("Từ ngày"), widget=DATE)
    note = forms.CharField(
        label=gettext_lazy("Căn cứ (số, ngày văn bản phân công)"), max_length=300, required=False
    )
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "Tôi xác nhận: người đang chịu trách nhiệm kết thúc vào ngày trước ngày bắt đầu mới; "
            "lịch sử được giữ lại."
        ),
        required=True,
    )

    def __init__(
        self, *args: Any, codes: list[tuple[str, str]], communes: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = codes  # type: ignore[attr-defined]
        self.fields["commune"].choices = [("", gettext_lazy("Mọi xã/phường của tỉnh")), *communes]  # type: ignore[attr-defined]
