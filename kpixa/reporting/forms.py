"""Forms of the reporting pages: a value with its evidence files, a rejection, a deadline."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_FILES_PER_SUBMISSION = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files; cleans to a list (empty when none was sent)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if len(items) > MAX_FILES_PER_SUBMISSION:
            raise forms.ValidationError(_("Tối đa %(n)s tệp mỗi lần nộp.") % {"n": MAX_FILES_PER_SUBMISSION})
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ValueForm(forms.Form):
    value = forms.DecimalField(label=_("Giá trị"), max_digits=20, decimal_places=4)
    comment = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = MultipleFileField(label=_("Tệp minh chứng (PDF, PNG, JPEG, XLSX, DOCX)"))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do trả lại"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeadlineForm(forms.Form):
    due_on = forms.DateField(label=_("Hạn nộp (hết ngày)"), widget=forms.DateInput(attrs={"type": "date"}))
