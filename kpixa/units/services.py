"""State changes of the units app: loading the reference list, aliases, leaders' tenures.

Every public function owns its transaction and writes one audit entry.
"""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kpixa.units.models import (
    SINGLE_HOLDER_POSTS,
    Commune,
    CommuneKind,
    Person,
    PostKind,
    Province,
    Tenure,
    UnitAlias,
    overlap_message,
)
from kpixa.units.signals import record_change
from kpixa.units.tabular import FIRST_DATA_ROW, RowError, commune_code, nfc, parse_day, read_rows

# --------------------------------------------------------------------------------------------
# The reference list of units


@dataclass(frozen=True)
class ProvinceRow:
    """A province as the reference list gives it (code: 2 digits)."""

    code: str
    name: str
    kind: str


@dataclass(frozen=True)
class CommuneRow:
    """A commune as the reference list gives it (code: 5 digits; kind: a CommuneKind value)."""

    code: str
    name: str
    kind: str
    province_code: str


@dataclass(frozen=True)
class Divisions:
    """One release of the reference list: its data version, provinces and communes."""

    version: str
    provinces: Sequence[ProvinceRow]
    communes: Sequence[CommuneRow]


@dataclass
class Changes:
    """What one load did to one level of units."""

    loaded: int = 0
    added: int = 0
    renamed: int = 0
    retired: int = 0
    restored: int = 0


@dataclass
class LoadSummary:
    """What ``load_units`` did: the data version and the changes per level."""

    data_version: str
    provinces: Changes
    communes: Changes

    @property
    def loaded(self) -> int:
        return self.communes.loaded

    @property
    def added(self) -> int:
        return self.communes.added

    @property
    def renamed(self) -> int:
        return self.communes.renamed

    @property
    def retired(self) -> int:
        return self.communes.retired

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_WARD_KINDS = {"XA": CommuneKind.XA, "PHUONG": CommuneKind.PHUONG, "DAC_KHU": CommuneKind.DAC_KHU}


def package_divisions() -> Divisions:
    """Return the units of the installed ``vietnam-provinces`` package, codes zero-padded, names NFC."""
    from vietnam_provinces import Province as PkgProvince
    from vietnam_provinces import Ward

    provinces = [
        ProvinceRow(f"{int(p.code):02d}", nfc(p.name), nfc(p.division_type.value))
        for p in PkgProvince.iter_all()
    ]
    communes = [
        CommuneRow(
            f"{int(w.code):05d}",
            nfc(w.name),
            str(_WARD_KINDS[w.division_type.name]),
            f"{int(w.province_code):02d}",
        )
        for w in Ward.iter_all()
    ]
    return Divisions(importlib.metadata.version("vietnam-provinces"), provinces, communes)


def load_units(divisions: Divisions | None = None, *, actor: AbstractBaseUser | None = None) -> LoadSummary:
    """Bring provinces and communes in line with ``divisions`` (default: the installed package).

    New codes are added, changed names and kinds updated, missing codes retired (never deleted)
    and returning codes restored. Idempotent; one audit entry per run.
    """
    divisions = divisions or package_divisions()
    now = timezone.now()
    with transaction.atomic():
        province_rows = {p.code: {"name": p.name, "kind": p.kind} for p in divisions.provinces}
        province_changes = _sync(Province, province_rows, divisions.version, now)
        province_ids = dict(Province.objects.values_list("code", "id"))
        commune_rows = {
            c.code: {"name": c.name, "kind": c.kind, "province_id": province_ids[c.province_code]}
            for c in divisions.communes
        }
        commune_changes = _sync(Commune, commune_rows, divisions.version, now)
        summary = LoadSummary(divisions.version, province_changes, commune_changes)
        record_change("units.load", actor=actor, object_type="units.Commune", after=summary.as_dict())
    return summary


def _sync(
    model: type[Province] | type[Commune],
    rows: dict[str, dict[str, Any]],
    version: str,
    now: datetime,
) -> Changes:
    """Create, update, retire and restore ``model`` rows by code, in bulk."""
    changes = Changes(loaded=len(rows))
    existing: dict[str, Province | Commune] = {obj.code: obj for obj in model.objects.all()}
    new = [model(code=code, data_version=version, **rows[code]) for code in rows if code not in existing]
    changed = [obj for code, obj in existing.items() if _refresh(obj, rows.get(code), version, now, changes)]
    changes.added = len(new)
    model.objects.bulk_create(new, batch_size=500)  # type: ignore[arg-type]
    fields = [*next(iter(rows.values()), {"name": ""}).keys(), "data_version", "retired_at"]
    model.objects.bulk_update(changed, fields, batch_size=500)  # type: ignore[arg-type]
    return changes


def _refresh(
    obj: Province | Commune, row: dict[str, Any] | None, version: str, now: datetime, changes: Changes
) -> bool:
    """Apply ``row`` (None: gone from the list) to ``obj``; count and return whether it changed."""
    if row is None:
        if obj.retired_at is not None:
            return False
        obj.retired_at = now
        changes.retired += 1
        return True
    dirty = obj.data_version != version or obj.retired_at is not None
    if obj.retired_at is not None:
        obj.retired_at = None
        changes.restored += 1
    if obj.name != row["name"]:
        changes.renamed += 1
    for name, value in row.items():
        dirty = dirty or getattr(obj, name) != value
        setattr(obj, name, value)
    obj.data_version = version
    return dirty


# --------------------------------------------------------------------------------------------
# Imports: shared result


@dataclass
class ImportResult:
    """What an import did: rows created, updated, unchanged, and the rows refused with why."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def _communes_by_code(codes: Iterable[str], province_code: str | None) -> dict[str, Commune]:
    qs = Commune.objects.filter(code__in=set(codes)).select_related("province")
    if province_code:
        qs = qs.filter(province__code=province_code)
    return {c.code: c for c in qs}


def _unknown_commune(code: str, province_code: str | None) -> str:
    if not code:
        return _("Thiếu mã xã/phường.")
    if province_code:
        message = _("Tỉnh %(province)s không có xã/phường mã %(code)s.")
        return message % {"province": province_code, "code": code}
    return _("Không có xã/phường mã %(code)s.") % {"code": code}


# --------------------------------------------------------------------------------------------
# Unit aliases


@dataclass(frozen=True)
class _AliasRow:
    row: int
    system: str
    alias: str
    commune: Commune


def alias_codes(alias: object) -> set[str]:
    """The commune codes an alias text could be read as (as given, and zero-padded)."""
    text = nfc(alias)
    return {text, commune_code(text)}


def alias_capture_error(alias: str, commune: Commune, known: dict[str, Commune] | None = None) -> str | None:
    """Why ``alias`` may not name ``commune``, or None when it may.

    An alias that is (once zero-padded) the official code of another commune would capture
    that commune's records: always refused when the other commune is of another province, and
    within the province unless the other commune is retired (its successor may take its code).
    ``known`` (code → commune, with provinces) saves the query when checking many rows.
    """
    codes = alias_codes(alias)
    if known is None:
        known = {c.code: c for c in Commune.objects.filter(code__in=codes).select_related("province")}
    for code in sorted(codes):
        other = known.get(code)
        if other is None or other.pk == commune.pk:
            continue
        if other.province_id != commune.province_id or other.retired_at is None:
            message = _(
                "Mã %(alias)s là mã chính thức của %(commune)s (%(province)s), không dùng làm mã liên thông."
            )
            return message % {"alias": nfc(alias), "commune": other.name, "province": other.province.name}
    return None


def import_aliases_file(
    path: str | Path,
    *,
    system: str = "",
    province_code: str | None = None,
    actor: AbstractBaseUser | None = None,
) -> ImportResult:
    """Import aliases from a CSV/XLSX file with columns alias, commune_code[, system]."""
    return import_aliases(read_rows(path), system=system, province_code=province_code, actor=actor)


def import_aliases(
    rows: Sequence[dict[str, Any]],
    *,
    system: str = "",
    province_code: str | None = None,
    actor: AbstractBaseUser | None = None,
) -> ImportResult:
    """Save every valid alias row (new or remapped), report the others; idempotent.

    A row's own ``system`` column wins over the ``system`` argument. With ``province_code``,
    only communes of that province may be named.
    """
    communes = _communes_by_code((commune_code(r.get("commune_code")) for r in rows), province_code)
    result = ImportResult()
    parsed = _parse_alias_rows(rows, system, communes, result.errors, province_code)
    with transaction.atomic():
        created, updated = _save_aliases(parsed, result)
        record_change(
            "units.import_aliases",
            actor=actor,
            object_type="units.UnitAlias",
            province_code=province_code or "",
            after={"created": created, "updated": updated, "errors": [str(e) for e in result.errors]},
        )
    return result


def _parse_alias_rows(
    rows: Sequence[dict[str, Any]],
    system: str,
    communes: dict[str, Commune],
    errors: list[RowError],
    province_code: str | None,
) -> list[_AliasRow]:
    seen: dict[tuple[str, str], _AliasRow] = {}
    texts = set().union(*(alias_codes(r.get("alias")) for r in rows if r)) if rows else set()
    known = {c.code: c for c in Commune.objects.filter(code__in=texts).select_related("province")}
    for number, raw in enumerate(rows, start=FIRST_DATA_ROW):
        if not raw:
            continue
        alias, code = nfc(raw.get("alias")), commune_code(raw.get("commune_code"))
        key = (nfc(raw.get("system")) or system, alias)
        if not alias:
            errors.append(RowError(number, "alias", _("Thiếu mã đơn vị của hệ thống.")))
        elif code not in communes:
            errors.append(RowError(number, "commune_code", _unknown_commune(code, province_code)))
        elif (captured := alias_capture_error(alias, communes[code], known)) is not None:
            errors.append(RowError(number, "alias", captured))
        elif key in seen and seen[key].commune != communes[code]:
            message = _("Mã đơn vị này đã được gán cho xã/phường khác ở dòng %(row)s.")
            errors.append(RowError(number, "alias", message % {"row": seen[key].row}))
        else:
            seen.setdefault(key, _AliasRow(number, key[0], alias, communes[code]))
    return list(seen.values())


def _save_aliases(parsed: list[_AliasRow], result: ImportResult) -> tuple[list[str], list[str]]:
    existing = {
        (a.system, a.alias): a
        for a in UnitAlias.objects.filter(alias__in={p.alias for p in parsed}).select_related("commune")
    }
    new, moved = [], []
    for p in parsed:
        current = existing.get((p.system, p.alias))
        if current is None:
            new.append(UnitAlias(system=p.system, alias=p.alias, commune=p.commune))
        elif current.commune_id != p.commune.pk:
            current.commune = p.commune
            moved.append(current)
    UnitAlias.objects.bulk_create(new)
    UnitAlias.objects.bulk_update(moved, ["commune"])
    result.created, result.updated = len(new), len(moved)
    result.unchanged = len(parsed) - len(new) - len(moved)
    label = "{0.system}:{0.alias} → {0.commune.code}".format
    return [label(a) for a in new], [label(a) for a in moved]


# --------------------------------------------------------------------------------------------
# Leaders: tenures


def _tenure_data(tenure: Tenure) -> dict[str, Any]:
    return {
        "commune": tenure.commune.code,
        "post": tenure.post,
        "person": tenure.person.full_name,
        "person_id": tenure.person_id,
        "start": tenure.start,
        "end": tenure.end,
    }


def add_tenure(
    *,
    commune: Commune,
    post: str,
    person: Person,
    start: date,
    end: date | None = None,
    actor: AbstractBaseUser | None = None,
) -> Tenure:
    """Create a tenure after validating it (ValidationError, in Vietnamese, on an overlap)."""
    tenure = Tenure(commune=commune, post=post, person=person, start=start, end=end)
    with transaction.atomic():
        tenure.full_clean()
        tenure.save()
        record_change(
            "units.add_tenure",
            actor=actor,
            object_type="units.Tenure",
            object_id=tenure.pk,
            province_code=commune.province.code,
            after=_tenure_data(tenure),
        )
    return tenure


def end_tenure(tenure: Tenure, end: date, *, actor: AbstractBaseUser | None = None) -> Tenure:
    """Close ``tenure`` on ``end`` (inclusive) after validating it; return it."""
    before = _tenure_data(tenure)
    tenure.end = end
    with transaction.atomic():
        tenure.full_clean()
        tenure.save(update_fields=["end"])
        record_change(
            "units.end_tenure",
            actor=actor,
            object_type="units.Tenure",
            object_id=tenure.pk,
            province_code=tenure.commune.province.code,
            before=before,
            after=_tenure_data(tenure),
        )
    return tenure


def replace_holder(
    *, commune: Commune, post: str, person: Person, start: date, actor: AbstractBaseUser | None = None
) -> Tenure:
    """End the open tenure of ``post`` the day before ``start`` (if any) and start ``person``'s."""
    with transaction.atomic():
        current = (
            Tenure.objects.filter(commune=commune, post=post, start__lt=start)
            .filter(models.Q(end__isnull=True) | models.Q(end__gte=start))
            .select_related("commune__province", "person")
            .first()
        )
        if current is not None:
            end_tenure(current, start - timedelta(days=1), actor=actor)
        return add_tenure(commune=commune, post=post, person=person, start=start, actor=actor)


# --------------------------------------------------------------------------------------------
# Leaders: import


def _post_names() -> dict[str, str]:
    """Every accepted spelling of a post (code, Vietnamese label, short forms), casefolded."""
    names = {}
    for post in PostKind:
        names[post.value] = post.value
        names[nfc(post.label).casefold()] = post.value
    names.update(
        {
            "bí thư": PostKind.SECRETARY.value,
            "bí thư đảng ủy xã": PostKind.SECRETARY.value,
            "chủ tịch": PostKind.CHAIRMAN.value,
            "chủ tịch ubnd xã": PostKind.CHAIRMAN.value,
            "phó bí thư": PostKind.DEPUTY_SECRETARY.value,
            "phó chủ tịch": PostKind.VICE_CHAIRMAN.value,
        }
    )
    return names


def parse_post(value: object) -> str | None:
    """Return the PostKind value named by ``value`` (code or Vietnamese label), or None."""
    text = " ".join(nfc(value).casefold().replace("đảng uỷ", "đảng ủy").split())
    return _post_names().get(text)


@dataclass
class _LeaderRow:
    row: int
    commune: Commune
    post: str
    full_name: str
    external_id: str
    start: date
    end: date | None

    def overlaps(self, start: date, end: date | None) -> bool:
        far = date.max
        return self.start <= (end or far) and start <= (self.end or far)


def import_leaders_file(
    path: str | Path, *, province_code: str | None = None, actor: AbstractBaseUser | None = None
) -> ImportResult:
    """Import tenures from a CSV/XLSX file (see ``import_leaders``)."""
    return import_leaders(read_rows(path), province_code=province_code, actor=actor)


def import_leaders(
    rows: Sequence[dict[str, Any]], *, province_code: str | None = None, actor: AbstractBaseUser | None = None
) -> ImportResult:
    """Save every valid tenure row together, list the refused ones; idempotent.

    Columns: commune_code, post, full_name, start, end (optional), person_id (optional).
    A row matching an existing tenure (commune, post, start, name) only updates its end.
    A row whose dates meet another holder's of the same post is refused.
    """
    communes = _communes_by_code((commune_code(r.get("commune_code")) for r in rows), province_code)
    result = ImportResult()
    parsed = [
        p
        for n, r in _numbered(rows)
        if (p := _parse_leader_row(n, r, communes, result.errors, province_code)) is not None
    ]
    with transaction.atomic():
        plan = _LeaderPlan.build(communes.values(), {p.external_id for p in parsed})
        for p in parsed:
            plan.add(p, result.errors)
        created, updated = plan.save()
        result.created, result.updated, result.unchanged = len(created), len(updated), plan.unchanged
        result.errors.sort(key=lambda e: e.row)
        record_change(
            "units.import_leaders",
            actor=actor,
            object_type="units.Tenure",
            province_code=province_code or "",
            after={
                "created": [_tenure_data(t) for t in created],
                "updated": [_tenure_data(t) for t in updated],
                "errors": [str(e) for e in result.errors],
            },
        )
    return result


def _numbered(rows: Sequence[dict[str, Any]]) -> Iterable[tuple[int, dict[str, Any]]]:
    return ((n, r) for n, r in enumerate(rows, start=FIRST_DATA_ROW) if r)


def _parse_leader_row(
    number: int,
    raw: dict[str, Any],
    communes: dict[str, Commune],
    errors: list[RowError],
    province_code: str | None,
) -> _LeaderRow | None:
    """Return the row as typed values, or None after appending its errors."""
    found: list[RowError] = []
    code = commune_code(raw.get("commune_code"))
    if code not in communes:
        found.append(RowError(number, "commune_code", _unknown_commune(code, province_code)))
    post = parse_post(raw.get("post"))
    if post is None:
        found.append(
            RowError(number, "post", _("Chức vụ không hợp lệ: “%(v)s”.") % {"v": nfc(raw.get("post"))})
        )
    full_name = " ".join(nfc(raw.get("full_name")).split())
    if not full_name:
        found.append(RowError(number, "full_name", _("Thiếu họ và tên.")))
    start, end = _row_day(number, raw, "start", found), _row_day(number, raw, "end", found)
    if start is None and not any(e.field == "start" for e in found):
        found.append(RowError(number, "start", _("Thiếu ngày bắt đầu.")))
    if start and end and end < start:
        found.append(RowError(number, "end", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")))
    if found or post is None or start is None:
        errors.extend(found)
        return None
    external_id = nfc(raw.get("person_id"))
    return _LeaderRow(number, communes[code], post, full_name, external_id, start, end)


def _row_day(number: int, raw: dict[str, Any], name: str, found: list[RowError]) -> date | None:
    try:
        return parse_day(raw.get(name))
    except ValueError:
        message = _("Ngày không hợp lệ: “%(v)s” (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")
        found.append(RowError(number, name, message % {"v": nfc(raw.get(name))}))
        return None


class _LeaderPlan:
    """The tenures of the communes an import touches, and what the import will change in them."""

    def __init__(self, tenures: list[Tenure]) -> None:
        self.slots: dict[tuple[int, str], list[Tenure]] = {}
        self.people: dict[tuple[int, str], Person] = {}
        for t in tenures:
            self.slots.setdefault((t.commune_id, t.post), []).append(t)
            self.people[(t.commune_id, t.person.full_name)] = t.person
        self.by_external_id: dict[str, Person] = {}
        self.new: list[Tenure] = []
        self.updated: list[Tenure] = []
        self.unchanged = 0

    @classmethod
    def build(cls, communes: Iterable[Commune], external_ids: set[str]) -> _LeaderPlan:
        ids = [c.pk for c in communes]
        tenures = Tenure.objects.filter(commune_id__in=ids).select_related("person", "commune")
        plan = cls(list(tenures))
        external_ids.discard("")
        if external_ids:
            people = Person.objects.filter(external_id__in=external_ids)
            plan.by_external_id = {p.external_id: p for p in people}
        return plan

    def add(self, row: _LeaderRow, errors: list[RowError]) -> None:
        slot = self.slots.setdefault((row.commune.pk, row.post), [])
        same = next((t for t in slot if t.start == row.start and t.person.full_name == row.full_name), None)
        clash = None
        if row.post in SINGLE_HOLDER_POSTS:
            clash = next((t for t in slot if t is not same and row.overlaps(t.start, t.end)), None)
        if clash is not None:
            errors.append(RowError(row.row, "start", overlap_message(clash)))
        elif same is None:
            self._create(row, slot)
        elif same.end != row.end:
            same.end = row.end
            self.updated.append(same)
        else:
            self.unchanged += 1

    def _create(self, row: _LeaderRow, slot: list[Tenure]) -> None:
        person = self._person(row)
        tenure = Tenure(commune=row.commune, post=row.post, person=person, start=row.start, end=row.end)
        slot.append(tenure)
        self.new.append(tenure)

    def _person(self, row: _LeaderRow) -> Person:
        person = self.by_external_id.get(row.external_id) if row.external_id else None
        person = person or self.people.get((row.commune.pk, row.full_name))
        if person is None:
            person = Person(
                full_name=row.full_name, external_id=row.external_id, province=row.commune.province
            )
        self.people[(row.commune.pk, row.full_name)] = person
        if row.external_id:
            self.by_external_id[row.external_id] = person
        return person

    def save(self) -> tuple[list[Tenure], list[Tenure]]:
        Person.objects.bulk_create({id(t.person): t.person for t in self.new if t.person.pk is None}.values())
        Tenure.objects.bulk_create(self.new)
        Tenure.objects.bulk_update(self.updated, ["end"])
        return self.new, self.updated
