"""Evaluation inputs the texts need (docs/rules.md, "Evaluation of communes and leaders"): entered
one by one or imported from a CSV/XLSX file, each validated for its kind, stored with its date,
note and evidence, and audited. ``leader_inputs`` turns them into the pure rules' inputs.

Import columns: unit_code, post (bi_thu | chu_tich | empty for the commune), person (the
leader's code, as ``person_id`` in ``import_leaders``), kind, value, date, note[, evidence,
evidence_file]. ``evidence`` is the text of the basis (number and date of a decision);
``evidence_file`` names the evidence file: a member of the ZIP given with the import
(``evidence_zip``), or ``id:<n>``, the file already uploaded with input n of the province. A
ZIP member goes through the same checks and storage as an uploaded file
(kpixa/reporting/evidence.py: type by content, macro-enabled Office refused, size limit, stored
privately under a generated name); a missing or refused file refuses its row.
Every valid row is saved in one transaction (an interrupted import saves nothing); refused rows
are listed with row, column and reason, kept in the audit entry and stored as ``InputRejection``
rows with the raw row (shown on the inputs page, downloadable as CSV); the same file imported
twice changes nothing, its refusals included.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import AuditEntry, User
from kpixa.evaluations.models import EvaluationInput, InputKind, InputRejection, Period
from kpixa.rules import leaders as rules
from kpixa.rules.consequences import BASIC_TARGETS
from kpixa.units.models import Commune, Person, PostKind, Tenure
from kpixa.units.services import ImportResult
from kpixa.units.tabular import FIRST_DATA_ROW, RowError, commune_code, nfc, parse_day, read_rows

IMPORT_COLUMNS = ("unit_code", "post", "person", "kind", "value", "date", "note", "evidence", "evidence_file")
EXISTING_FILE = "id:"  # evidence_file "id:<n>": the file already stored with input n
POSTS = {"bi_thu": PostKind.SECRETARY.value, "chu_tich": PostKind.CHAIRMAN.value, "": ""}
POST_CODES = {v: k for k, v in POSTS.items()}
COUNT_KINDS = frozenset(
    {
        InputKind.TASKS_ASSIGNED,
        InputKind.TASKS_COMPLETED,
        InputKind.TASKS_ON_TIME,
        InputKind.TASKS_EXCEEDED,
        InputKind.QUALITY_ERRORS,
        InputKind.SUBORDINATES_NOT_COMPLETED,
        InputKind.SUBORDINATES_DISCIPLINED,
    }
)
FLAG_KINDS = frozenset(
    {
        InputKind.DEGRADATION,
        InputKind.CORRUPTION_IN_UNIT,
        InputKind.SLOW_PETITIONS,
        InputKind.SECURITY_HOT_SPOT,
        InputKind.FORCE_MAJEURE,
    }
)
# kind: (lowest, highest) of a number
RANGES = {
    InputKind.GENERAL_POINTS: (Decimal(0), Decimal(30)),
    InputKind.ORGANISING: (Decimal(0), Decimal(100)),
    InputKind.UNITING: (Decimal(0), Decimal(100)),
    InputKind.LOW_CONFIDENCE_SHARE: (Decimal(0), Decimal(100)),
    InputKind.TARGETS_PERCENT: (Decimal(0), Decimal(100)),
}
# Facts about one person: a post and a person are required.
PERSON_KINDS = frozenset(
    {
        InputKind.DISCIPLINE,
        InputKind.DEGRADATION,
        InputKind.GENERAL_POINTS,
        InputKind.ORGANISING,
        InputKind.UNITING,
        InputKind.LOW_CONFIDENCE_SHARE,
        InputKind.SUBORDINATES_NOT_COMPLETED,
    }
)
# Facts about the commune only: no post.
COMMUNE_KINDS = frozenset(
    {
        InputKind.TARGETS_PERCENT,
        InputKind.BASIC_TARGET_MISSED,
        InputKind.SLOW_PETITIONS,
        InputKind.SECURITY_HOT_SPOT,
        InputKind.FORCE_MAJEURE,
    }
)
# Kinds that may hold several facts in one period (told apart by date and value).
MULTI_KINDS = frozenset({InputKind.DISCIPLINE, InputKind.BASIC_TARGET_MISSED})
FIELDS = ("value", "day", "note", "evidence")
FILE_FIELDS = ("evidence_file_name", "evidence_file_stored", "evidence_file_type", "evidence_file_sha256")


class InvalidInput(ValueError):
    """An input refused: ``field`` names the column, the message is in Vietnamese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def clean_value(kind: str, raw: Any, day: date | None) -> str:
    """The stored form of ``raw`` for ``kind``; raises InvalidInput."""
    text = nfc(raw).casefold()
    if kind not in InputKind.values:
        raise InvalidInput("kind", _("Loại dữ liệu không hợp lệ: “%(v)s”.") % {"v": nfc(raw)})
    if kind == InputKind.DISCIPLINE:
        if text not in rules.DISCIPLINE_FORMS:
            forms = ", ".join(rules.DISCIPLINE_FORMS)
            raise InvalidInput("value", _("Hình thức kỷ luật phải là một trong: %(f)s.") % {"f": forms})
        if day is None:
            raise InvalidInput("date", _("Kỷ luật cần ngày quyết định."))
        return text
    if kind == InputKind.BASIC_TARGET_MISSED:
        if text not in BASIC_TARGETS:
            names = ", ".join(BASIC_TARGETS)
            raise InvalidInput("value", _("Chỉ tiêu cơ bản phải là một trong: %(f)s.") % {"f": names})
        return text
    number = _number(text)
    if kind in FLAG_KINDS:
        if number not in (0, 1):
            raise InvalidInput("value", _("Giá trị phải là 1 (có kết luận) hoặc 0."))
        return str(int(number))
    if kind in COUNT_KINDS:
        if number != number.to_integral_value() or number < 0:
            raise InvalidInput("value", _("Giá trị phải là số nguyên không âm."))
        return str(int(number))
    low, high = RANGES[InputKind(kind)]
    if not low <= number <= high:
        raise InvalidInput("value", _("Giá trị phải từ %(lo)s đến %(hi)s.") % {"lo": low, "hi": high})
    return str(number.quantize(Decimal("0.01")))


def value_rule(kind: str) -> str:
    """What a value of ``kind`` may be, in the words of ``clean_value``'s refusals (for a form)."""
    if kind == InputKind.DISCIPLINE:
        forms = ", ".join(rules.DISCIPLINE_FORMS)
        return _("Một trong: %(f)s; cần ngày quyết định.") % {"f": forms}
    if kind == InputKind.BASIC_TARGET_MISSED:
        return _("Một trong: %(f)s.") % {"f": ", ".join(BASIC_TARGETS)}
    if kind in FLAG_KINDS:
        return _("1 (có kết luận) hoặc 0.")
    if kind in COUNT_KINDS:
        return _("Số nguyên không âm.")
    if kind in RANGES:
        low, high = RANGES[InputKind(kind)]
        return _("Số từ %(lo)s đến %(hi)s (dấu phẩy thập phân được nhận).") % {"lo": low, "hi": high}
    return ""


def _number(text: str) -> Decimal:
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidInput("value", _("Giá trị phải là một số: “%(v)s”.") % {"v": text})
    return number


def check_subject(kind: str, post: str, person: Person | None) -> None:
    """Whether ``kind`` may be about the commune (no post) or a leader (post and person)."""
    if kind in COMMUNE_KINDS and post:
        raise InvalidInput("post", _("Loại dữ liệu này là của xã: để trống chức vụ."))
    if kind in PERSON_KINDS and not post:
        raise InvalidInput("post", _("Loại dữ liệu này là của một lãnh đạo: cần chức vụ và mã cán bộ."))
    if post and person is None:
        raise InvalidInput("person", _("Thiếu mã cán bộ."))
    if person is not None and not post:
        raise InvalidInput("post", _("Có mã cán bộ nhưng thiếu chức vụ."))


def key_of(post: str, person: Person | None, kind: str, value: str, day: date | None) -> str:
    """The fact's identity within its period and commune."""
    key = f"{post}|{person.pk if person else ''}|{kind}"
    if kind in MULTI_KINDS:
        key += f"|{value}|{day.isoformat() if day else ''}"
    return key


def _data(item: EvaluationInput) -> dict[str, Any]:
    return {
        "id": item.pk,
        "commune": item.commune.code if item.commune_id else "",
        "post": item.post,
        "person": item.person_id,
        "kind": item.kind,
        "value": item.value,
        "day": item.day.isoformat() if item.day else None,
        "note": item.note,
        "evidence": item.evidence,
        "evidence_file": item.evidence_file_name,
        "evidence_file_sha256": item.evidence_file_sha256,
    }


@dataclass(frozen=True)
class Entry:
    """One input as entered (a form) or read (a file row), before it is stored."""

    commune: Commune
    post: str
    person: Person | None
    kind: str
    value: str
    day: date | None
    note: str = ""
    evidence: str = ""
    # The evidence file of an imported row: a checked ZIP member (reporting.evidence.CheckedFile)
    # or the input whose stored file it reuses; None without one.
    evidence_file: Any = None


def check_evidence_file(upload: Any) -> Any:
    """The checked evidence file (kpixa/reporting/evidence.py: type by content, macro-enabled
    Office refused, size limit), None without one; raises InvalidInput."""
    if upload is None:
        return None
    from kpixa.reporting.evidence import check_upload
    from kpixa.reporting.models import ReportingError

    try:
        return check_upload(upload)
    except ReportingError as exc:
        raise InvalidInput("evidence_file", str(exc)) from exc


def _attach_file(item: EvaluationInput, checked: Any, stored: list[str]) -> None:
    """Store the checked file under a generated name and point the input at it (an input's file
    given by ``id:<n>`` is reused as stored: same name, type and digest)."""
    if checked is None:
        return
    if isinstance(checked, EvaluationInput):
        item.evidence_file_stored, item.evidence_file_name = (
            checked.evidence_file_stored,
            checked.evidence_file_name,
        )
        item.evidence_file_type, item.evidence_file_sha256 = (
            checked.evidence_file_type,
            checked.evidence_file_sha256,
        )
        return
    from kpixa.reporting.evidence import store

    item.evidence_file_stored = store(checked)
    stored.append(item.evidence_file_stored)
    item.evidence_file_name, item.evidence_file_type = checked.original_name, checked.content_type
    item.evidence_file_sha256 = checked.sha256


def check_open(period: Period) -> None:
    """Refuse any change to the inputs of a closed period (its scores are frozen): after the close
    an input changes only through an appeal of its commune (``revise_input``)."""
    if period.is_closed:
        raise InvalidInput(
            "period",
            _(
                "Kỳ %(p)s đã khóa số liệu: dữ liệu đánh giá không được nhập, sửa hay xóa nữa, "
                "trừ khi qua khiếu nại đang được xem xét của xã/phường."
            )
            % {"p": period.code},
        )


def _check_appeal(period: Period, commune: Commune, appeal: Any) -> None:
    """An input of a closed period is revised only through a pending appeal of its commune
    against a published result of that period."""
    from kpixa.evaluations.models import AppealStatus

    if (
        appeal.status != AppealStatus.PENDING
        or appeal.commune_id != commune.pk
        or appeal.snapshot.period_id != period.pk
    ):
        raise InvalidInput(
            "appeal",
            _("Khiếu nại này không phải khiếu nại đang xem xét của xã/phường đó trong kỳ %(p)s.")
            % {"p": period.code},
        )


def set_input(
    period: Period, entry: Entry, *, actor: User | None = None, upload: Any = None
) -> EvaluationInput:
    """Store one input (created, or the same fact updated) with its evidence file when one is
    uploaded, audited; raises InvalidInput (a file that fails its checks included, and any change
    once the period is closed: see ``revise_input``)."""
    check_open(period)
    return _checked_set(period, entry, actor, upload, None)


def revise_input(
    period: Period,
    entry: Entry,
    appeal: Any,
    *,
    actor: User | None = None,
    upload: Any = None,
    reason: str = "",
    item: EvaluationInput | None = None,
) -> EvaluationInput:
    """The revision path of a closed period: store one input as ``set_input`` does, allowed only
    through a pending appeal of the input's commune against the period's published result, and
    audited as a revision naming the appeal and ``reason`` (an upheld appeal then re-runs the
    evaluation under the texts with it, ``services.legal_revisions``). With ``item`` that input
    itself is revised, also when the new value or date makes it another fact (a discipline's form
    or date); its old version stays in the audit entry."""
    if not period.is_closed:
        return set_input(period, entry, actor=actor, upload=upload)
    _check_appeal(period, entry.commune, appeal)
    if item is not None and (item.period_id, item.commune_id) != (period.pk, entry.commune.pk):
        raise InvalidInput("appeal", _("Dữ liệu này không thuộc xã/phường và kỳ của khiếu nại."))
    return _checked_set(period, entry, actor, upload, appeal, reason=reason, item=item)


def _checked_set(
    period: Period,
    entry: Entry,
    actor: User | None,
    upload: Any,
    appeal: Any,
    *,
    reason: str = "",
    item: EvaluationInput | None = None,
) -> EvaluationInput:
    check_subject(entry.kind, entry.post, entry.person)
    value = clean_value(entry.kind, entry.value, entry.day)
    if entry.post and entry.person is not None:
        _check_holder(period, entry.commune, entry.post, entry.person)
    checked = check_evidence_file(upload)
    stored: list[str] = []
    try:
        return _set_input(period, entry, value, actor, checked, stored, appeal, reason=reason, revised=item)
    except BaseException:
        from kpixa.reporting.evidence import remove_quietly

        remove_quietly(stored)
        raise


def _set_input(
    period: Period,
    entry: Entry,
    value: str,
    actor: User | None,
    checked: Any,
    stored: list[str],
    appeal: Any = None,
    *,
    reason: str = "",
    revised: EvaluationInput | None = None,
) -> EvaluationInput:
    with transaction.atomic():
        key = key_of(entry.post, entry.person, entry.kind, value, entry.day)
        same = EvaluationInput.objects.filter(period=period, commune=entry.commune, key=key)
        if revised is not None:
            if same.exclude(pk=revised.pk).exists():
                raise InvalidInput("value", _("Xã/phường đã có dữ liệu này với cùng giá trị và ngày."))
            item: EvaluationInput | None = EvaluationInput.objects.select_for_update().get(pk=revised.pk)
        else:
            item = same.first()
        before = _data(item) if item else None
        item = item or EvaluationInput(
            period=period,
            commune=entry.commune,
            post=entry.post,
            person=entry.person,
            kind=entry.kind,
            key=key,
        )
        item.key = key
        item.value, item.day, item.note, item.evidence = value, entry.day, entry.note, entry.evidence
        item.entered_by, item.entered_at = actor, timezone.now()
        _attach_file(item, checked, stored)
        item.save()
        why = f"khiếu nại #{appeal.pk}" if appeal is not None else ""
        audit.record(
            "evaluations.revise_input" if appeal is not None else "evaluations.set_input",
            actor=actor,
            object_type="evaluations.EvaluationInput",
            object_id=item.pk,
            province_code=period.province.code,
            before=before,
            after={
                **_data(item),
                **({"appeal": appeal.pk, "period": period.code, "reason": reason} if appeal else {}),
            },
            reason=f"{why}: {reason}" if why and reason else why or reason,
        )
    return item


def delete_input(item: EvaluationInput, *, actor: User | None = None) -> None:
    """Remove one input, audited; refused once the period is closed."""
    check_open(item.period)
    with transaction.atomic():
        audit.record(
            "evaluations.delete_input",
            actor=actor,
            object_type="evaluations.EvaluationInput",
            object_id=item.pk,
            province_code=item.period.province.code,
            before=_data(item),
        )
        item.delete()


def _check_holder(period: Period, commune: Commune, post: str, person: Person) -> None:
    held = Tenure.objects.filter(commune=commune, post=post, person=person, start__lte=period.end).filter(
        Q(end__isnull=True) | Q(end__gte=period.start)
    )
    if not held.exists():
        raise InvalidInput("person", _("Cán bộ này không giữ chức vụ đó ở xã trong kỳ."))


# --- import ----------------------------------------------------------------------------------


def import_inputs_file(
    path: str | Path,
    *,
    province_code: str,
    period_code: str,
    actor: User | None = None,
    evidence_zip: str | Path | None = None,
) -> ImportResult:
    """Import inputs from a CSV/XLSX file, their evidence files from ``evidence_zip`` (see
    ``import_inputs``)."""
    rows = read_rows(path)
    return import_inputs(
        rows, province_code=province_code, period_code=period_code, actor=actor, evidence_zip=evidence_zip
    )


UPLOAD_SUFFIXES = (".csv", ".xlsx")


def import_inputs_upload(
    upload: Any,
    *,
    province_code: str,
    period_code: str,
    actor: User | None = None,
    evidence_zip: Any = None,
) -> ImportResult:
    """Import an uploaded CSV/XLSX file (``upload``: a Django UploadedFile) with its optional
    evidence ZIP (an UploadedFile too), as ``import_inputs_file`` does: the file is copied to a
    private temporary folder under a generated name, an XLSX is refused before it is read when it
    would expand beyond the import limits (kpixa/dossiers/limits.py), and so is a file with more
    rows than a batch may hold. Raises InvalidInput (column ``file``) for any of these and
    UnreadableFile for a file that cannot be read."""
    import tempfile

    from kpixa.dossiers.limits import LimitExceeded, check_counts, check_file

    suffix = Path(str(upload.name)).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise InvalidInput("file", _("Chỉ nhận tệp .csv hoặc .xlsx."))
    with tempfile.TemporaryDirectory(prefix="kpixa-inputs-") as folder:
        path = Path(folder) / f"du-lieu{suffix}"
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            check_file(path, suffix.removeprefix("."))
            rows = read_rows(path)
            check_counts(len(rows), 0)
        except LimitExceeded as exc:
            raise InvalidInput("file", str(exc)) from exc
        return import_inputs(
            rows,
            province_code=province_code,
            period_code=period_code,
            actor=actor,
            evidence_zip=evidence_zip,
            source={"file": nfc(upload.name), "evidence_zip": nfc(getattr(evidence_zip, "name", ""))},
        )


def find_period(province_code: str, period_code: str) -> Period:
    """The province's period ``period_code``; raises InvalidInput."""
    period = (
        Period.objects.filter(province__code=province_code, code=period_code)
        .select_related("province")
        .first()
    )
    if period is None:
        raise InvalidInput(
            "period", _("Không có kỳ %(p)s của tỉnh %(t)s.") % {"p": period_code, "t": province_code}
        )
    return period


def import_inputs(
    rows: Sequence[dict[str, Any]],
    *,
    province_code: str,
    period_code: str,
    actor: User | None = None,
    evidence_zip: Any = None,
    source: Mapping[str, str] | None = None,
) -> ImportResult:
    """Save every valid row together, list the refused ones (row, column, reason); idempotent.
    ``evidence_zip``: a path or a binary file object; ``source``: the uploaded files' names, kept
    in the audit entry."""
    period = find_period(province_code, period_code)
    check_open(period)
    with EvidenceFiles(period, evidence_zip) as files:
        return _import(period, rows, province_code, actor, files, dict(source or {}))


def _import(
    period: Period,
    rows: Sequence[dict[str, Any]],
    province_code: str,
    actor: User | None,
    files: EvidenceFiles,
    source: dict[str, str],
) -> ImportResult:
    context = _ImportContext.build(period, rows, files)
    result = ImportResult()
    entries: dict[str, tuple[int, Entry, str]] = {}
    refused: list[tuple[RowError, dict[str, Any]]] = []
    for number, raw in enumerate(rows, start=FIRST_DATA_ROW):
        if not any(nfc(v) for v in raw.values()):
            continue
        try:
            entry, value = context.parse(raw)
        except InvalidInput as exc:
            refused.append((RowError(number, exc.field, str(exc)), raw))
            continue
        key = f"{entry.commune.pk}:{key_of(entry.post, entry.person, entry.kind, value, entry.day)}"
        if key in entries:
            message = _("Trùng với dòng %(n)s.") % {"n": entries[key][0]}
            refused.append((RowError(number, "kind", message), raw))
            continue
        entries[key] = (number, entry, value)
    result.errors.extend(error for error, _raw in refused)
    stored: list[str] = []
    try:
        return _write_import(period, entries, refused, province_code, actor, result, stored, source)
    except BaseException:
        from kpixa.reporting.evidence import remove_quietly

        remove_quietly(stored)  # the files of an import that saved nothing
        raise


def _write_import(
    period: Period,
    entries: dict[str, tuple[int, Entry, str]],
    refused: list[tuple[RowError, dict[str, Any]]],
    province_code: str,
    actor: User | None,
    result: ImportResult,
    stored: list[str],
    source: dict[str, str],
) -> ImportResult:
    with transaction.atomic():
        created, updated, replaced = _save(
            period, [(e, v) for _n, e, v in entries.values()], actor, result, stored
        )
        _keep_rejections(period, refused, actor)
        audit.record(
            "evaluations.import_inputs",
            actor=actor,
            object_type="evaluations.EvaluationInput",
            province_code=province_code,
            after={
                "period": period.code,
                **{k: v for k, v in source.items() if v},
                "created": [_data(i) for i in created],
                "updated": [_data(i) for i in updated],
                "replaced": replaced,  # the updated inputs as they were, in the same order
                "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in result.errors],
            },
        )
    return result


def raw_row(raw: Mapping[str, Any]) -> dict[str, str]:
    """A file row as text (dates and numbers as read), to keep with its rejection."""
    return {
        str(k): "" if v is None else (v.isoformat() if isinstance(v, date) else str(v))
        for k, v in raw.items()
    }


def _keep_rejections(
    period: Period, refused: list[tuple[RowError, dict[str, Any]]], actor: User | None
) -> None:
    """Store the refused rows (inside the import's transaction); a refusal already kept, the same
    row of the same file refused for the same reason, is not stored twice."""
    now = timezone.now()
    rejections = {}
    for error, raw in refused:
        text = raw_row(raw)
        identity = json.dumps(
            [error.row, error.field, error.message, text], sort_keys=True, ensure_ascii=False
        )
        digest = hashlib.sha256(identity.encode()).hexdigest()
        rejections[digest] = InputRejection(
            period=period,
            row=error.row,
            field=error.field[:40],
            reason_vi=error.message[:500],
            raw=text,
            digest=digest,
            imported_by=actor,
            imported_at=now,
        )
    kept = set(
        InputRejection.objects.filter(period=period, digest__in=list(rejections)).values_list(
            "digest", flat=True
        )
    )
    InputRejection.objects.bulk_create([r for d, r in rejections.items() if d not in kept])


def _file_digest(entry: Entry) -> str | None:
    """The digest of a row's evidence file (None without one)."""
    file = entry.evidence_file
    if file is None:
        return None
    return file.evidence_file_sha256 if isinstance(file, EvaluationInput) else file.sha256


def _save(
    period: Period,
    parsed: list[tuple[Entry, str]],
    actor: User | None,
    result: ImportResult,
    stored: list[str],
) -> tuple[list[EvaluationInput], list[EvaluationInput], list[dict[str, Any]]]:
    existing = {
        (i.commune_id, i.key): i
        for i in EvaluationInput.objects.filter(period=period).select_related("commune")
    }
    now = timezone.now()
    created: list[EvaluationInput] = []
    updated: list[EvaluationInput] = []
    replaced: list[dict[str, Any]] = []
    for entry, value in parsed:
        key = key_of(entry.post, entry.person, entry.kind, value, entry.day)
        item = existing.get((entry.commune.pk, key))
        wanted = (value, entry.day, entry.note, entry.evidence)
        digest = _file_digest(entry)
        same_file = digest is None or (item is not None and item.evidence_file_sha256 == digest)
        if item is not None and (item.value, item.day, item.note, item.evidence) == wanted and same_file:
            result.unchanged += 1
            continue
        if item is None:
            item = EvaluationInput(
                period=period,
                commune=entry.commune,
                post=entry.post,
                person=entry.person,
                kind=entry.kind,
                key=key,
            )
            created.append(item)
        else:
            updated.append(item)
            replaced.append(_data(item))
        item.value, item.day, item.note, item.evidence = wanted
        item.entered_by, item.entered_at = actor, now
        if not same_file:
            _attach_file(item, entry.evidence_file, stored)
    EvaluationInput.objects.bulk_create(created)
    EvaluationInput.objects.bulk_update(updated, [*FIELDS, *FILE_FIELDS, "entered_by", "entered_at"])
    result.created, result.updated = len(created), len(updated)
    return created, updated, replaced


@dataclass
class _ImportContext:
    """The communes, leaders and tenures an import's rows name (a fixed number of queries)."""

    period: Period
    communes: dict[str, Commune]
    people: dict[str, Person]
    holders: set[tuple[int, str, int]]
    files: EvidenceFiles

    @classmethod
    def build(cls, period: Period, rows: Sequence[dict[str, Any]], files: EvidenceFiles) -> _ImportContext:
        codes = {commune_code(r.get("unit_code")) for r in rows}
        communes = {c.code: c for c in Commune.objects.filter(code__in=codes, province=period.province)}
        person_codes = {nfc(r.get("person")) for r in rows} - {""}
        people = {p.external_id: p for p in Person.objects.filter(external_id__in=person_codes)}
        tenures = Tenure.objects.filter(
            commune__in=list(communes.values()), person__in=list(people.values()), start__lte=period.end
        ).filter(Q(end__isnull=True) | Q(end__gte=period.start))
        holders = set(tenures.values_list("commune_id", "post", "person_id"))
        return cls(period, communes, people, holders, files)

    def parse(self, raw: dict[str, Any]) -> tuple[Entry, str]:
        code = commune_code(raw.get("unit_code"))
        commune = self.communes.get(code)
        if commune is None:
            message = _("Không có xã/phường mã “%(c)s” trong tỉnh %(p)s.")
            raise InvalidInput("unit_code", message % {"c": code, "p": self.period.province.code})
        post_text = nfc(raw.get("post")).casefold()
        if post_text not in POSTS:
            raise InvalidInput(
                "post", _("Chức vụ phải là bi_thu, chu_tich hoặc để trống: “%(v)s”.") % {"v": post_text}
            )
        post = POSTS[post_text]
        person_code = nfc(raw.get("person"))
        person = self.people.get(person_code) if person_code else None
        if person_code and person is None:
            raise InvalidInput("person", _("Không có cán bộ mã “%(v)s”.") % {"v": person_code})
        kind = nfc(raw.get("kind")).casefold()
        try:
            day = parse_day(raw.get("date"))
        except ValueError:
            raise InvalidInput("date", _("Ngày không hợp lệ (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")) from None
        value = clean_value(kind, raw.get("value"), day)
        check_subject(kind, post, person)
        if person is not None and (commune.pk, post, person.pk) not in self.holders:
            raise InvalidInput("person", _("Cán bộ này không giữ chức vụ đó ở xã trong kỳ."))
        file = self.files.get(nfc(raw.get("evidence_file")))
        entry = Entry(
            commune, post, person, kind, value, day, nfc(raw.get("note")), nfc(raw.get("evidence")), file
        )
        return entry, value


class EvidenceFiles:
    """The evidence files an import's rows name: members of its ZIP, checked once each, or files
    already stored with an input of the province (``id:<n>``). A context manager (closes the ZIP)."""

    def __init__(self, period: Period, zip_path: Any) -> None:
        self.period = period
        self.archive = None if zip_path is None else _open_zip(zip_path)
        self.checked: dict[str, Any] = {}

    def __enter__(self) -> EvidenceFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.archive is not None:
            self.archive.close()

    def get(self, name: str) -> Any:
        """The checked file ``name`` names, None for an empty name; raises InvalidInput."""
        if not name:
            return None
        if name.casefold().startswith(EXISTING_FILE):
            return self._existing(name[len(EXISTING_FILE) :].strip())
        if name not in self.checked:
            self.checked[name] = self._member(name)
        return self.checked[name]

    def _existing(self, number: str) -> EvaluationInput:
        item = (
            EvaluationInput.objects.filter(
                pk=int(number) if number.isascii() and number.isdigit() else 0,
                period__province_id=self.period.province_id,
            )
            .exclude(evidence_file_stored="")
            .first()
        )
        if item is None:
            raise InvalidInput(
                "evidence_file",
                _("Không có tệp minh chứng đã tải lên của dữ liệu số %(n)s trong tỉnh.") % {"n": number},
            )
        return item

    def _member(self, name: str) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        from kpixa.reporting.evidence import max_bytes

        if self.archive is None:
            raise InvalidInput(
                "evidence_file",
                _("Dòng này ghi tệp minh chứng “%(f)s” nhưng không kèm tệp ZIP minh chứng.") % {"f": name},
            )
        try:
            info = self.archive.getinfo(name)
        except KeyError:
            raise InvalidInput(
                "evidence_file", _("Không có tệp “%(f)s” trong tệp ZIP minh chứng.") % {"f": name}
            ) from None
        limit = max_bytes()
        if info.is_dir() or info.file_size > limit:
            raise InvalidInput(
                "evidence_file",
                _("Tệp “%(f)s” vượt quá dung lượng cho phép (%(mb)s MB).")
                % {"f": name, "mb": limit // (1024 * 1024)},
            )
        with self.archive.open(info) as member:
            data = member.read(limit + 1)  # never more than the limit, whatever the header says
        if len(data) > limit:
            raise InvalidInput(
                "evidence_file",
                _("Tệp “%(f)s” vượt quá dung lượng cho phép (%(mb)s MB).")
                % {"f": name, "mb": limit // (1024 * 1024)},
            )
        return check_evidence_file(SimpleUploadedFile(name, data))


def _open_zip(path: Any) -> Any:
    import zipfile

    try:
        return zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise InvalidInput(
            "evidence_zip", _("Không đọc được tệp ZIP minh chứng: %(e)s") % {"e": exc}
        ) from None


# --- history ---------------------------------------------------------------------------------

SET, REVISE, IMPORT = "evaluations.set_input", "evaluations.revise_input", "evaluations.import_inputs"
OBJECT_TYPE = "evaluations.EvaluationInput"


@dataclass(frozen=True)
class Change:
    """One earlier version of an input: what it was, what it became, who changed it, when and why
    (``appeal``: the appeal a revision went through)."""

    at: datetime
    who: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]
    reason: str
    appeal: int | None

    @property
    def revision(self) -> bool:
        return self.action == REVISE

    @property
    def imported(self) -> bool:
        return self.action == IMPORT


def history_for(period: Period, ids: Iterable[int]) -> dict[int, list[Change]]:
    """The changes of the period's inputs ``ids`` read from the audit log, oldest first: each
    entry or revision that replaced a version, and each import that updated one (1 query)."""
    wanted = {str(i) for i in ids}
    if not wanted:
        return {}
    entries = (
        AuditEntry.objects.filter(
            province_code=period.province.code, object_type="evaluations.EvaluationInput"
        )
        .filter(
            Q(action__in=(SET, REVISE), object_id__in=wanted) | Q(action=IMPORT, after__period=period.code)
        )
        .select_related("actor")
        .order_by("id")
    )
    out: dict[int, list[Change]] = defaultdict(list)
    for entry in entries:
        who = (entry.actor.get_full_name() if entry.actor else "") or entry.actor_label
        after = entry.after if isinstance(entry.after, dict) else {}
        if entry.action == IMPORT:
            pairs = zip(after.get("replaced", []), after.get("updated", []), strict=False)
            for before, new in pairs:
                if str(new.get("id")) in wanted:
                    out[int(new["id"])].append(Change(entry.at, who, IMPORT, before, new, "", None))
        elif isinstance(entry.before, dict):
            appeal = after.get("appeal") if entry.action == REVISE else None
            reason = str(after.get("reason", "")) if entry.action == REVISE else entry.reason
            change = Change(entry.at, who, entry.action, entry.before, after, reason, appeal)
            out[int(entry.object_id)].append(change)
    return dict(out)


# --- the pure rules' inputs --------------------------------------------------------------------


@dataclass
class Facts:
    """The inputs of one commune, and of each of its leaders, as the pure rules read them."""

    commune: dict[str, list[EvaluationInput]]
    leaders: dict[tuple[str, int], dict[str, list[EvaluationInput]]]


def facts_for(period: Period, commune_ids: Iterable[int] | None = None) -> dict[int, Facts]:
    """Every input of the period grouped by commune, then by (post, person) (1 query)."""
    qs = EvaluationInput.objects.filter(period=period)
    if commune_ids is not None:
        qs = qs.filter(commune_id__in=list(commune_ids))
    out: dict[int, Facts] = defaultdict(
        lambda: Facts(defaultdict(list), defaultdict(lambda: defaultdict(list)))
    )
    for item in qs.order_by("day", "id"):
        facts = out[item.commune_id]
        if item.post and item.person_id:
            facts.leaders[(item.post, item.person_id)][item.kind].append(item)
        else:
            facts.commune[item.kind].append(item)
    return dict(out)


def _one(items: Mapping[str, list[EvaluationInput]], kind: str) -> str | None:
    found = items.get(kind)
    return found[-1].value if found else None


def tasks_of(items: Mapping[str, list[EvaluationInput]]) -> rules.Tasks | None:
    """The tasks from the counts; None without tasks_assigned."""
    assigned = _one(items, InputKind.TASKS_ASSIGNED)
    if assigned is None:
        return None

    def count(kind: str) -> int:
        return int(_one(items, kind) or 0)

    return rules.Tasks(
        int(assigned),
        count(InputKind.TASKS_COMPLETED),
        count(InputKind.TASKS_ON_TIME),
        count(InputKind.TASKS_EXCEEDED),
        count(InputKind.QUALITY_ERRORS),
    )


def leader_inputs(facts: Facts, post: str, person_id: int) -> rules.LeaderInputs:
    """A leader's inputs: his or her own facts, the commune's tasks when none are his or hers, and
    corruption in the commune (a unit under his or her direct charge)."""
    mine = facts.leaders.get((post, person_id), {})

    def number(kind: str) -> Decimal | None:
        value = _one(mine, kind)
        return None if value is None else Decimal(value)

    not_completed = _one(mine, InputKind.SUBORDINATES_NOT_COMPLETED)
    disciplined = _one(mine, InputKind.SUBORDINATES_DISCIPLINED) or _one(
        facts.commune, InputKind.SUBORDINATES_DISCIPLINED
    )
    corruption = _one(mine, InputKind.CORRUPTION_IN_UNIT) or _one(facts.commune, InputKind.CORRUPTION_IN_UNIT)
    return rules.LeaderInputs(
        general=number(InputKind.GENERAL_POINTS),
        tasks=tasks_of(mine) or tasks_of(facts.commune),
        subordinates_not_completed=None if not_completed is None else int(not_completed),
        organising=number(InputKind.ORGANISING),
        uniting=number(InputKind.UNITING),
        disciplines=tuple(
            rules.Discipline(i.value, i.day) for i in mine.get(InputKind.DISCIPLINE, []) if i.day is not None
        ),
        degradation=_one(mine, InputKind.DEGRADATION) == "1",
        corruption_in_unit=corruption == "1",
        subordinates_disciplined=int(disciplined or 0),
    )


def post_code(post: str) -> str:
    """The import's post code (bi_thu, chu_tich) of a PostKind value."""
    return POST_CODES.get(post, post)
