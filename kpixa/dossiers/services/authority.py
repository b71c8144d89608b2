"""Who may write which source system, and which changes of a stored dossier are refused
(docs/dossier-format.md, "Source systems and authority"; docs/security.md).

Every source system is registered (``SourceSystem``) as *official* (a provincial one-stop
system) or *local* (one commune's own records). A batch's writer decides what it may write:

- an API token writes the official system it was issued for, within its province;
- the server operator's command-line import writes the system it names (registered as official
  on first use);
- a province administrator (or a superuser) uploads into official systems of the province;
- a commune's users upload only into the commune's local source, ``xa-<commune code>``, and a
  local record can never replace or change an official record (a key an official system holds
  is refused).

An official record of a key a commune's local source holds supersedes the local record: the
local row leaves the counted records (its rollups taken back) and is kept in full, with its
versions, as a ``SupersededRecord`` naming the official batch (``supersede_local``), so one
dossier never counts twice, whichever arrived first.

Whatever the writer, a stored dossier of a commune outside the batch's scope is never replaced,
and a dossier counted late in a closed period never turns on time, unless the change comes
through an appeal (``services.appeal_corrections.correct_through_appeal``). Refused records go
to quarantine with their reason, like every other rejection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from kpixa.dossiers.facts import Facts, outcome_as_of
from kpixa.dossiers.models import (
    LOCAL_NAME_PREFIX,
    Dossier,
    DossierVersion,
    ImportBatch,
    RecordVersion,
    SourceKind,
    SourceSystem,
    SupersededRecord,
)
from kpixa.dossiers.records import DossierRecord, Reject
from kpixa.dossiers.services import copyload, history, rollups
from kpixa.dossiers.signals import AppealScope, appeal_scope
from kpixa.units.signals import frozen_periods

LOCAL_PREFIX = "xa-"
LATE = ("late", "open_overdue")
ON_TIME = ("on_time", "open_within")


class AuthorityError(Exception):
    """A source system cannot be registered as asked (the message is Vietnamese)."""


@dataclass(frozen=True)
class Authority:
    """What a batch may write: the kind of its source, or why it may write nothing."""

    kind: str
    refusal: str | None = None
    # Whether communes of the batch's province hold local records an official record may
    # supersede (``supersede_local``, on the per-record path only).
    local_records: bool = False

    @property
    def fast_path_ok(self) -> bool:
        """The column-wise CSV path writes new rows straight in: official sources only, and only
        where no local record of the province could be superseded (the per-record path does it)."""
        return self.refusal is None and self.kind == SourceKind.OFFICIAL and not self.local_records


# --- registration -------------------------------------------------------------------------------


def local_code(commune: Any) -> str:
    """The code of a commune's local source."""
    return f"{LOCAL_PREFIX}{commune.code}"


def _local_fields(commune: Any) -> dict[str, Any]:
    return {
        "kind": SourceKind.LOCAL,
        "commune_id": commune.pk,
        "province_id": commune.province_id,
        "name": f"{LOCAL_NAME_PREFIX}{commune.name}",
    }


def local_source(commune: Any) -> SourceSystem:
    """The commune's local source, registered on first use."""
    source, _created = SourceSystem.objects.get_or_create(
        code=local_code(commune), defaults=_local_fields(commune)
    )
    return source


def register_official(code: str, name: str = "", province: Any = None) -> SourceSystem:
    """Register ``code`` as an official system (kept as it is when already official)."""
    source = SourceSystem.objects.filter(code=code).first()
    if source is None:
        source, _created = SourceSystem.objects.get_or_create(
            code=code,
            defaults={
                "kind": SourceKind.OFFICIAL,
                "name": name or code,
                "province_id": getattr(province, "pk", province),
            },
        )
    if source.kind != SourceKind.OFFICIAL or code.startswith(LOCAL_PREFIX):
        raise AuthorityError(
            gettext_noop("'%(code)s' là nguồn số liệu riêng của một xã, không thể là hệ thống chính thức.")
            % {"code": code}
        )
    return source


def _is_commune_user(user: Any) -> bool:
    from kpixa.accounts.models import COMMUNE_ROLES

    return getattr(user, "role", "") in COMMUNE_ROLES and getattr(user, "commune_id", None) is not None


def writable_sources(user: Any) -> list[SourceSystem]:
    """The source systems ``user`` may upload into (the upload form's choices)."""
    if _is_commune_user(user):  # registered by its first batch (for_batch), not by showing the form
        code = local_code(user.commune)
        return [
            SourceSystem.objects.filter(code=code).first()
            or SourceSystem(code=code, **_local_fields(user.commune))
        ]
    official = SourceSystem.objects.filter(kind=SourceKind.OFFICIAL)
    if not getattr(user, "is_superuser", False):
        from django.db.models import Q

        official = official.filter(Q(province=None) | Q(province_id=getattr(user, "province_id", None)))
    return list(official)


# --- the batch's writer -------------------------------------------------------------------------

_COMMUNE_ONLY_LOCAL = gettext_noop(
    "Xã/phường chỉ được gửi hồ sơ vào nguồn số liệu riêng của xã (%(local)s); '%(system)s' không phải "
    "nguồn đó, nên bản ghi không được ghi, và hồ sơ chính thức không bị thay đổi."
)
_LOCAL_BY_OTHERS = gettext_noop(
    "'%(system)s' là nguồn số liệu riêng của một xã/phường: chỉ xã/phường đó được gửi vào."
)
_UNREGISTERED = gettext_noop("Hệ thống nguồn '%(system)s' chưa được đăng ký.")
_OTHER_PROVINCE = gettext_noop("Hệ thống nguồn '%(system)s' thuộc tỉnh khác.")


def for_batch(batch: ImportBatch) -> Authority:
    """What ``batch`` may write, from its channel, its writer and its source system."""
    found = _for_batch(batch)
    if found.kind == SourceKind.OFFICIAL and found.refusal is None and _has_local_records(batch):
        return Authority(found.kind, None, local_records=True)
    return found


def _has_local_records(batch: ImportBatch) -> bool:
    """Whether local records exist in the batch's province (any province's for a batch of none):
    one probe of the dossiers' identity index per local source."""
    local = SourceSystem.objects.filter(kind=SourceKind.LOCAL)
    if batch.province_id is not None:
        local = local.filter(province_id=batch.province_id)
    return Dossier.objects.filter(source_system__in=local.values("code")).exists()


def _for_batch(batch: ImportBatch) -> Authority:
    source = SourceSystem.objects.filter(code=batch.source_system).first()
    writer = batch.created_by if batch.created_by_id else None
    params = {"system": batch.source_system}
    if batch.channel == "api" or writer is None:  # a token (issued by an administrator) or the operator
        if source is None and batch.source_system.startswith(LOCAL_PREFIX):
            return Authority(SourceKind.LOCAL, _UNREGISTERED % params)
        if source is None:
            source = register_official(batch.source_system, province=batch.province_id)
        if batch.channel == "api" and source.kind != SourceKind.OFFICIAL:
            return Authority(source.kind, _LOCAL_BY_OTHERS % params)
        return Authority(source.kind)
    if _is_commune_user(writer):
        expected = local_code(writer.commune)
        if batch.source_system == expected:
            source = local_source(writer.commune)
        if source is None or source.kind != SourceKind.LOCAL or source.commune_id != writer.commune_id:
            return Authority(SourceKind.LOCAL, _COMMUNE_ONLY_LOCAL % {**params, "local": expected})
        return Authority(SourceKind.LOCAL)
    if source is None:
        return Authority(SourceKind.OFFICIAL, _UNREGISTERED % params)
    if source.kind != SourceKind.OFFICIAL:
        return Authority(source.kind, _LOCAL_BY_OTHERS % params)
    if not writer.is_superuser and source.province_id not in (None, writer.province_id):
        return Authority(source.kind, _OTHER_PROVINCE % params)
    return Authority(SourceKind.OFFICIAL)


# --- per record ---------------------------------------------------------------------------------

_SHADOWS_OFFICIAL = gettext_noop(
    "Hồ sơ %(key)s đã có trong hệ thống chính thức '%(system)s': số liệu riêng của xã không thể "
    "thay thế hay sửa hồ sơ chính thức."
)
_OUTSIDE_SCOPE = gettext_noop(
    "Hồ sơ %(key)s đã lưu thuộc xã/phường ngoài phạm vi của bên gửi: không được thay thế."
)
_LATE_AFTER_CLOSE = gettext_noop(
    "Hồ sơ %(key)s đã được tính là trễ hạn trong kỳ %(period)s đã khóa số liệu: không được chuyển "
    "thành đúng hạn sau khi khóa kỳ, trừ khi qua khiếu nại."
)

Written = tuple[str, DossierRecord, Facts]  # (key, record, facts) of a chunk's winning record


def refused_writes(
    batch: ImportBatch,
    authority: Authority,
    allowed: set[int] | None,
    written: Sequence[Written],
    previous: dict[str, dict[str, Any]],
) -> dict[str, Reject]:
    """The winning records of a chunk that may not be written, by key, with the reason.

    ``previous``: the stored rows they would replace (``history.previous_rows``), by key.
    """
    refused: dict[str, Reject] = {}
    if authority.kind == SourceKind.LOCAL:
        refused.update(_shadowing(batch, [key for key, _rec, _f in written]))
    if allowed is not None:
        for key, old in previous.items():
            if old["commune_id"] not in allowed:
                refused.setdefault(key, Reject("DonViXuLy", old["commune_id"], _OUTSIDE_SCOPE % {"key": key}))
    changed = [
        (key, rec, f, previous[key])
        for key, rec, f in written
        if key in previous and key not in refused and _outcome_changed(previous[key], f)
    ]
    if changed:
        refused.update(_late_to_on_time(batch, changed))
    if authority.kind == SourceKind.OFFICIAL:
        supersede_local(batch, [key for key, _rec, _f in written if key not in refused])
    return refused


def supersede_local(batch: ImportBatch, keys: Sequence[str]) -> int:
    """Remove the local records of ``keys`` that an official batch is writing: their rollup
    contributions are taken back and each is kept in full (values and versions) as a
    ``SupersededRecord``; return how many (three queries when none, in the batch's transaction)."""
    if not keys:
        return 0
    local = SourceSystem.objects.filter(kind=SourceKind.LOCAL).values("code")
    found = Dossier.objects.filter(ma_ho_so__in=copyload.key_set(list(keys)), source_system__in=local)
    rows: list[dict[str, Any]] = [dict(row) for row in found.values()]
    if not rows:
        return 0
    ids = [row["id"] for row in rows]
    versions: dict[int, list[dict[str, Any]]] = {}
    for version in DossierVersion.objects.filter(dossier_id__in=ids).order_by("id").values():
        versions.setdefault(version["dossier_id"], []).append(
            {k: history.jsonable(v) for k, v in version.items() if k != "dossier_id"}
        )
    keep_superseded(batch, rows, versions, "ma_ho_so")
    deltas: Counter[rollups.Key] = Counter()
    per_procedure: Counter[Any] = Counter()
    facts = [{name: row[name] for name in rollups.DOSSIER_FACT_FIELDS} for row in rows]
    rollups.contributions(facts, rollups.DOSSIER_SPECS, -1, deltas)
    rollups.procedure_contributions(facts, -1, per_procedure)
    DossierVersion.objects.filter(dossier_id__in=ids).delete()
    Dossier.objects.filter(pk__in=ids).delete()
    rollups.apply_deltas(deltas)
    rollups.apply_procedure_deltas(per_procedure)
    return len(rows)


def _shadowing(batch: ImportBatch, keys: list[str]) -> dict[str, Reject]:
    """Keys a local batch sends that an official system (any other non-local one) holds."""
    if not keys:
        return {}
    local = SourceSystem.objects.filter(kind=SourceKind.LOCAL).values("code")
    found = (
        Dossier.objects.filter(ma_ho_so__in=copyload.key_set(keys))
        .exclude(source_system__in=local)
        .values_list("ma_ho_so", "source_system")
    )
    return {
        key: Reject("MaHoSo", key, _SHADOWS_OFFICIAL % {"key": key, "system": system})
        for key, system in found
    }


def _outcome_changed(old: dict[str, Any], f: Facts) -> bool:
    return (old["on_time"], old["end_day"], old["overdue_day"]) != (f.on_time, f.end_day, f.overdue_day)


def _late_to_on_time(
    batch: ImportBatch, changed: list[tuple[str, DossierRecord, Facts, dict[str, Any]]]
) -> dict[str, Reject]:
    """Records whose outcome in a closed period of their province would turn from late to on time."""
    from kpixa.units.models import Commune

    communes = {old["commune_id"] for _k, _r, _f, old in changed} | {
        rec.commune_id for _k, rec, _f, _o in changed
    }
    province_of = dict(Commune.objects.filter(pk__in=communes).values_list("pk", "province_id"))
    periods = frozen_periods(set(province_of.values()))
    if not periods:
        return {}
    appeal = _appeal_scope(batch)
    refused = {}
    for key, rec, f, old in changed:
        province = province_of.get(old["commune_id"])
        for province_id, code, start, end in periods:
            if province_id != province or old["received_day"] > end:
                continue
            if outcome_as_of(old, end) in LATE and outcome_as_of(f, end) in ON_TIME:
                if appeal is not None and _covered(appeal, old["commune_id"], rec.commune_id, start, end):
                    continue
                refused[key] = Reject(
                    "NgayHenTra", rec.due_at or "", _LATE_AFTER_CLOSE % {"key": key, "period": code}
                )
                break
    return refused


def _appeal_scope(batch: ImportBatch) -> AppealScope | None:
    """(commune, period start, period end) of the appeal a batch corrects, or None."""
    if batch.appeal_id is None:
        return None
    return appeal_scope(batch.appeal_id)


def _covered(appeal: tuple[int, Any, Any], old_commune: int, new_commune: int, start: Any, end: Any) -> bool:
    commune, first, last = appeal
    return old_commune == commune == new_commune and first <= end and start <= last


# --- petitions and ratings ---------------------------------------------------------------------

_SIMPLE_SHADOWS_OFFICIAL = gettext_noop(
    "Bản ghi %(key)s đã có trong hệ thống chính thức '%(system)s': số liệu riêng của xã không thể "
    "thay thế hay sửa bản ghi chính thức."
)
_SIMPLE_OUTSIDE_SCOPE = gettext_noop(
    "Bản ghi %(key)s đã lưu thuộc xã/phường ngoài phạm vi của bên gửi: không được thay thế."
)
_KEY_FIELD = {"petition": "MaPAKN", "rating": "MaDanhGia"}


def refused_simple_writes(
    batch: ImportBatch,
    authority: Authority | None,
    allowed: set[int] | None,
    written: Sequence[Any],
    stored: dict[str, Any],
) -> dict[str, Reject]:
    """The winning petitions or ratings of a chunk (unsaved ``Petition``/``Rating`` objects) that
    may not be written, by key, with the reason; on an official batch, the local records of the
    keys it writes are superseded first (``supersede_local_records``), as for dossiers.

    ``stored``: the stored versions of the batch's own source, by key (``ingest.Stored`` or None).
    """
    if authority is None or not written:
        return {}
    model, field = type(written[0]), _KEY_FIELD[batch.kind]
    keys = [obj.code for obj in written]
    refused: dict[str, Reject] = {}
    if authority.kind == SourceKind.LOCAL:
        local = SourceSystem.objects.filter(kind=SourceKind.LOCAL).values("code")
        found = (
            model._default_manager.filter(code__in=copyload.key_set(keys))
            .exclude(source_system__in=local)
            .values_list("code", "source_system")
        )
        for key, system in found:
            refused[key] = Reject(field, key, _SIMPLE_SHADOWS_OFFICIAL % {"key": key, "system": system})
    if allowed is not None:
        for key in keys:
            old = stored.get(key)
            if old is not None and old.row["commune_id"] not in allowed:
                refused.setdefault(key, Reject(field, key, _SIMPLE_OUTSIDE_SCOPE % {"key": key}))
    if authority.kind == SourceKind.OFFICIAL:
        supersede_local_records(batch, model, [key for key in keys if key not in refused])
    return refused


def supersede_local_records(batch: ImportBatch, model: Any, keys: Sequence[str]) -> int:
    """``supersede_local`` for petitions and ratings (``model``): the local records of ``keys``
    in the official batch's province (any province's for a batch of none) leave the counted
    records, their rollups taken back, each kept in full with its versions (``RecordVersion``)
    as a ``SupersededRecord``; return how many (two queries when none)."""
    if not keys:
        return 0
    local = SourceSystem.objects.filter(kind=SourceKind.LOCAL)
    if batch.province_id is not None:
        local = local.filter(province_id=batch.province_id)
    found = model._default_manager.filter(
        code__in=copyload.key_set(list(keys)), source_system__in=local.values("code")
    )
    rows: list[dict[str, Any]] = [dict(row) for row in found.values()]
    if not rows:
        return 0
    kind, ids = batch.kind, [row["id"] for row in rows]
    kept_versions = RecordVersion.objects.filter(kind=kind, record_id__in=ids)
    versions: dict[int, list[dict[str, Any]]] = {}
    for version in kept_versions.order_by("id").values():
        versions.setdefault(version["record_id"], []).append(
            {k: history.jsonable(v) for k, v in version.items() if k != "record_id"}
        )
    keep_superseded(batch, rows, versions, "code", kind)
    deltas: Counter[rollups.Key] = Counter()
    rollups.contributions(rows, rollups.SPECS_BY_MODEL[model], -1, deltas)
    kept_versions.delete()
    model._default_manager.filter(pk__in=ids).delete()
    rollups.apply_deltas(deltas)
    return len(rows)


def refuse_all(ctx: Any, chunk: list[tuple[int, Any]], reason: str) -> None:
    """Send every record of a chunk to quarantine with the batch's refusal (``ctx.reject`` reads
    each record's key)."""
    for row, raw in chunk:
        ctx.reject(row, raw, Reject("HeThongNguon", ctx.batch.source_system, reason))
    ctx.flush_rejections()


def keep_superseded(
    batch: Any,
    rows: list[dict[str, Any]],
    versions: dict[int, list[dict[str, Any]]],
    key: str,
    kind: str = "",
) -> None:
    """Keep each superseded local row in full, with its earlier versions, as a SupersededRecord
    (``key``: the row's field holding the record's key; ``kind``: the model's kind, empty for the
    model's default, dossiers)."""
    now, label = timezone.now(), history.actor_label(batch)[:200]
    extra = {"kind": kind} if kind else {}
    SupersededRecord.objects.bulk_create(
        SupersededRecord(
            **extra,
            source_system=row["source_system"],
            key=row[key],
            commune_id=row["commune_id"],
            values={k: history.jsonable(v) for k, v in row.items()},
            versions=versions.get(row["id"], []),
            previous_batch_id=row["batch_id"],
            batch=batch,
            superseded_at=now,
            actor_id=batch.created_by_id,
            actor_label=label,
        )
        for row in rows
    )
