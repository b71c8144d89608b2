"""Forms of the dossiers pages: the upload of a file, the fix of a quarantined record."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kpixa.dossiers.models import RecordKind, SourceSystem
from kpixa.dossiers.parsing import MAX_DEPTH, FormatError, TooDeep, guess_format, loads, nfc

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    """A file of dossiers, petitions or ratings to import as a background job."""

    kind = forms.ChoiceField(label=_("Loại dữ liệu"), choices=RecordKind.choices, initial=RecordKind.DOSSIER)
    source_system = forms.ChoiceField(
        label=_("Hệ thống nguồn"),
        help_text=_(
            "Mã hệ thống nguồn là mã của phần mềm đã tạo ra hồ sơ (ví dụ phần mềm một cửa của tỉnh). "
            "Một hồ sơ được nhận diện bằng mã hệ thống nguồn cùng mã hồ sơ: gửi lại hồ sơ với cùng mã "
            "hệ thống thì cập nhật hồ sơ đã có, với mã khác thì thành một hồ sơ khác. Chỉ chọn được các "
            "hệ thống bạn được phép gửi."
        ),
    )
    file = forms.FileField(label=_("Tệp (JSON, JSON Lines, CSV, XLSX)"))

    def __init__(self, *args: Any, sources: list[SourceSystem] | None = None, **kwargs: Any) -> None:
        """``sources``: the systems the user may write (authority.writable_sources), the only choices."""
        super().__init__(*args, **kwargs)
        choices = [(s.code, f"{s.code} — {s.shown_name}" if s.name else s.code) for s in sources or []]
        field = self.fields["source_system"]
        field.choices = choices  # type: ignore[attr-defined]
        field.error_messages["invalid_choice"] = _(
            "Bạn không được gửi số liệu vào hệ thống nguồn '%(value)s'. Xã/phường chỉ gửi vào nguồn số "
            "liệu riêng của xã; hồ sơ của hệ thống một cửa chính thức chỉ do hệ thống đó gửi."
        )
        if len(choices) == 1:
            field.initial = choices[0][0]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            guess_format(upload.name)
        except FormatError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa 200 MB)."))
        return upload


class FixForm(forms.Form):
    """The raw record of a rejection, edited as JSON before it is re-submitted."""

    raw = forms.CharField(label=_("Bản ghi (JSON)"), widget=forms.Textarea(attrs={"rows": 20, "cols": 100}))

    def clean_raw(self) -> Any:
        """The record, read as the importers read JSON (``parsing.loads``, ``nfc``): NaN or a
        huge number stays text (then the record's own check rejects it), too deep is refused."""
        try:
            value = loads(self.cleaned_data["raw"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(_("JSON không hợp lệ: %(msg)s") % {"msg": exc.msg}) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Bản ghi phải là một đối tượng JSON."))
        try:
            return nfc(value)
        except TooDeep as exc:
            raise forms.ValidationError(
                _("Bản ghi lồng nhau quá %(max)s cấp (giới hạn độ sâu).") % {"max": MAX_DEPTH}
            ) from exc
