"""Forms of the reporting pages: a value with its evidence files, a rejection, a deadline.

Values are typed the way the user's language writes numbers (docs/reporting.md, "Numbers"):
Vietnamese "1.234,5" (dot thousands, comma decimals), English "1,234.5"; a number written
with only one separator that cannot be thousands grouping ("1234.5" in Vietnamese) is read
as a decimal. The separators come from Django's format files (kpixa/formats/), and the form
is pre-filled in the same style without trailing zeros (``local_number``).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.formats import get_format, number_format
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


SPACES = re.compile(r"[\s\u00a0\u202f]+")


def parse_local_number(text: str) -> Decimal | None:
    """The Decimal that ``text`` writes in the active language's style (see the module's
    docstring); None when it is not a number."""
    raw = SPACES.sub("", text or "")
    decimal, thousand = str(get_format("DECIMAL_SEPARATOR")), str(get_format("THOUSAND_SEPARATOR"))
    sign = ""
    if raw[:1] in "+-" and raw:
        sign, raw = raw[0].replace("+", ""), raw[1:]
    if not raw or not set(raw) <= set("0123456789" + decimal + thousand):
        return None
    whole, _sep, fraction = raw.rpartition(decimal) if decimal in raw else (raw, "", "")
    if thousand in fraction or raw.count(decimal) > 1:
        return None
    if thousand in whole:
        grouped = re.fullmatch(rf"[0-9]{{1,3}}(?:{re.escape(thousand)}[0-9]{{3}})+", whole)
        if grouped is None:
            if decimal in raw or whole.count(thousand) != 1:
                return None
            whole, fraction = whole.split(thousand)  # the other language's decimal point
        else:
            whole = whole.replace(thousand, "")
    if not whole.isdigit() or (fraction and not fraction.isdigit()):
        return None
    try:
        return Decimal(f"{sign}{whole}.{fraction or 0}")
    except InvalidOperation:
        return None


def local_number(value: Any) -> str:
    """``value`` written the active language's way, grouped, without trailing zeros ("1.234,5");
    "" for nothing (a template's missing value)."""
    if value is None or value == "":
        return ""
    try:
        exact = Decimal(str(value)).normalize()
    except InvalidOperation:
        return str(value)
    if exact == exact.to_integral_value():
        exact = exact.quantize(Decimal(1))
    return number_format(exact, force_grouping=True)


class LocalDecimalField(forms.DecimalField):
    """A DecimalField that reads numbers as the user's language writes them and shows its value
    the same way without trailing zeros, in a text box with the decimal keypad on phones (a
    number box would refuse the decimal comma)."""

    widget = forms.TextInput

    def widget_attrs(self, widget: Any) -> dict[str, Any]:
        return {"inputmode": "decimal", "autocomplete": "off"}

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return local_number(value)
        return value

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs say int
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        parsed = parse_local_number(str(value))
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class ValueForm(forms.Form):
    value = LocalDecimalField(
        label=_("Giá trị"),
        max_digits=20,
        decimal_places=4,
        error_messages={"invalid": _("Hãy nhập một số, ví dụ 1.234,5 (dấu phẩy thập phân).")},
    )
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
