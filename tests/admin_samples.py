"""Sample rows of every model registered in the admin, for the admin part of the permission matrix.

Each builder returns the rows the matrix calls the admin's change and delete pages with:
``own`` (of Gia Lai, 52, the province of the matrix's province roles), ``foreign`` (of Đắk Lắk,
66) and ``national`` (a row of no province: the calendar, the procedure catalogue, a national
peer group). A model that has only a ``national`` row is national: a province admin may never
add, change or delete it. A newly registered model without a builder here fails the matrix.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

Samples = dict[str, Any]
_serial = itertools.count(1)


def _n() -> int:
    return next(_serial)


def _by_province(world: Any, build: Callable[[Any, Any], Any]) -> Samples:
    """``build(province, commune)`` for Gia Lai (own) and Đắk Lắk (foreign)."""
    return {
        "own": build(world.province, world.commune),
        "foreign": build(world.other_province, world.foreign),
    }


def _root(world: Any) -> Any:
    from kpixa.accounts.models import User

    user, _created = User.objects.get_or_create(username="samples_root", defaults={"is_superuser": True})
    return user


def _users(world: Any) -> Samples:
    from kpixa.accounts.models import Role, User

    return _by_province(
        world,
        lambda p, c: User.objects.create(
            username=f"sample_officer_{p.code}", role=Role.COMMUNE_OFFICER, province=p, commune=c
        ),
    )


def _tokens(world: Any) -> Samples:
    from kpixa.accounts.models import ApiToken

    return _by_province(
        world,
        lambda p, c: ApiToken.objects.create(
            name="sample", system=f"sample-{p.code}", province=p, prefix=f"smp{_n()}", key_hash="-"
        ),
    )


def _audit(world: Any) -> Samples:
    from kpixa.accounts import audit

    return {
        "own": audit.record("sample.own", province_code=world.province.code),
        "foreign": audit.record("sample.foreign", province_code=world.other_province.code),
        "national": audit.record("sample.national"),
    }


def _group(world: Any) -> Samples:
    from django.contrib.auth.models import Group

    return {"national": Group.objects.create(name="sample group")}


def _axes(model_name: str) -> Callable[[Any], Samples]:
    def build(world: Any) -> Samples:
        from django.apps import apps

        model = apps.get_model("axes", model_name)
        fields: dict[str, Any] = {"user_agent": "x", "ip_address": "10.0.0.1", "username": "x"}
        fields |= {"http_accept": "x", "path_info": "/"}
        if model_name == "AccessAttempt":
            fields |= {"get_data": "", "post_data": "", "failures_since_start": 1}
        return {"national": model.objects.create(**fields)}

    return build


def _task_results(world: Any) -> Samples:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="kpixa.dossiers.services.uploads.run_upload",
        backend_name="default",
        run_after=timezone.now(),
    )
    return {"national": row}


def _provinces(world: Any) -> Samples:
    return {"own": world.province, "foreign": world.other_province}


def _communes(world: Any) -> Samples:
    return {"own": world.commune, "foreign": world.foreign}


def _peer_groups(world: Any) -> Samples:
    from kpixa.units.models import PeerGroup

    return {
        **_by_province(
            world,
            lambda p, c: PeerGroup.objects.create(code=f"{p.code}-sample", name=f"Nhóm {p.code}", province=p),
        ),
        "national": PeerGroup.objects.create(code="sample-national", name="Nhóm toàn quốc"),
    }


def _aliases(world: Any) -> Samples:
    from kpixa.accounts.models import ApiToken
    from kpixa.units.models import UnitAlias

    def build(province: Any, commune: Any) -> Any:
        system = f"alias-{province.code}"  # a system of this province alone
        ApiToken.objects.create(
            name=system, system=system, province=province, prefix=f"als{_n()}", key_hash="-"
        )
        return UnitAlias.objects.create(system=system, alias=f"A.{province.code}", commune=commune)

    return _by_province(world, build)


def _person(province: Any) -> Any:
    from kpixa.units.models import Person

    return Person.objects.create(full_name=f"Cán bộ {province.code} {_n()}", province=province)


def _people(world: Any) -> Samples:
    return _by_province(world, lambda p, c: _person(p))


def _tenure(commune: Any, person: Any = None) -> Any:
    from kpixa.units.models import PostKind, Tenure

    person = person or _person(commune.province)
    return Tenure.objects.create(
        commune=commune, post=PostKind.CHAIRMAN, person=person, start=date(2025, 7, 1)
    )


def _tenures(world: Any) -> Samples:
    return _by_province(world, lambda p, c: _tenure(c))


def _document_settings(world: Any) -> Samples:
    from kpixa.units.models import DocumentSettings

    return _by_province(world, lambda p, c: DocumentSettings.objects.create(province=p))


def _calendar(world: Any) -> Samples:
    from kpixa.workdays.models import CalendarException, ExceptionKind

    return {"national": CalendarException.objects.create(day=date(2026, 3, 17), kind=ExceptionKind.DAY_OFF)}


def _procedures(world: Any) -> Samples:
    from kpixa.dossiers.models import Procedure

    return {"national": Procedure.objects.create(code="sample.1", name="Thủ tục mẫu")}


def _batch(province: Any) -> Any:
    from kpixa.dossiers.models import ImportBatch

    return ImportBatch.objects.create(
        kind="dossier", source_system=f"sample-{province.code}", province=province
    )


def _batches(world: Any) -> Samples:
    return _by_province(world, lambda p, c: _batch(p))


def _sources(world: Any) -> Samples:
    from kpixa.dossiers.models import SourceKind, SourceSystem

    rows = _by_province(
        world,
        lambda p, c: SourceSystem.objects.create(
            code=f"sample-mot-cua-{p.code}", kind=SourceKind.OFFICIAL, province=p
        ),
    )
    rows["national"] = SourceSystem.objects.create(code="sample-quoc-gia", kind=SourceKind.OFFICIAL)
    return rows


def _flags(world: Any) -> Samples:
    from kpixa.dossiers.models import Flag

    return _by_province(
        world, lambda p, c: Flag.objects.create(batch=_batch(p), code="sample", message_vi="Mẫu")
    )


def _framework(world: Any) -> Any:
    from kpixa.frameworks.models import FrameworkVersion

    found = FrameworkVersion.objects.filter(code="sample").first()
    return found or FrameworkVersion.objects.create(
        code="sample", version="1", name="Mẫu", valid_from=date(2026, 1, 1), source_text="", sha256="0" * 64
    )


def _frameworks(world: Any) -> Samples:
    return {"national": _framework(world)}


def _period(province: Any) -> Any:
    from kpixa.evaluations.models import Period

    found = Period.objects.filter(province=province, code="2026-Q1").first()
    return found or Period.objects.create(
        province=province, code="2026-Q1", kind="quarter", start=date(2026, 1, 1), end=date(2026, 3, 31)
    )


def _periods(world: Any) -> Samples:
    return _by_province(world, lambda p, c: _period(p))


def _commune_evaluations(world: Any) -> Samples:
    from kpixa.evaluations.models import CommuneEvaluation

    return _by_province(
        world,
        lambda p, c: CommuneEvaluation.objects.create(
            period=_period(p), commune=c, framework_version=_framework(world), evaluated_at=timezone.now()
        ),
    )


def _leader_evaluations(world: Any) -> Samples:
    from kpixa.evaluations.models import LeaderEvaluation

    def build(province: Any, commune: Any) -> Any:
        tenure = _tenure(commune)
        return LeaderEvaluation.objects.create(
            period=_period(province), commune=commune, tenure=tenure, person=tenure.person, post=tenure.post
        )

    return _by_province(world, build)


def _consequences(world: Any) -> Samples:
    from kpixa.evaluations.models import Consequence

    return _by_province(
        world,
        lambda p, c: Consequence.objects.create(
            period=_period(p),
            commune=c,
            kind="dismissal",
            rule_code="S",
            reason_vi="Mẫu",
            proposed_at=timezone.now(),
        ),
    )


def _policies(world: Any) -> Samples:
    from kpixa.evaluations.models import ProvincePolicy

    return _by_province(world, lambda p, c: ProvincePolicy.objects.create(province=p))


def _quota_exceptions(world: Any) -> Samples:
    from kpixa.evaluations.models import QuotaException

    return _by_province(
        world,
        lambda p, c: QuotaException.objects.create(
            period=_period(p), group=f"loai:xa{_n()}", decision="QĐ mẫu", recorded_at=timezone.now()
        ),
    )


def _value(commune: Any, world: Any) -> Any:
    from kpixa.reporting.models import ReportedValue

    now = timezone.now()
    return ReportedValue.objects.create(
        commune=commune,
        period_code="2026-Q1",
        measure=f"sample{_n()}",
        value=Decimal(1),
        first_submitted_at=now,
        submitted_at=now,
        submitted_by=_root(world),
    )


def _values(world: Any) -> Samples:
    return _by_province(world, lambda p, c: _value(c, world))


def _evidence(world: Any) -> Samples:
    from kpixa.reporting.models import Evidence

    return _by_province(
        world,
        lambda p, c: Evidence.objects.create(
            value=_value(c, world),
            original_name="mau.pdf",
            stored_name=f"sample-{_n()}.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            uploaded_by=_root(world),
        ),
    )


def _deadlines(world: Any) -> Samples:
    from kpixa.reporting.models import SubmissionDeadline

    return _by_province(
        world,
        lambda p, c: SubmissionDeadline.objects.create(
            province=p, period_code="2026-Q1", due_on=date(2026, 4, 5)
        ),
    )


# model label → builder of its sample rows
SAMPLES: dict[str, Callable[[Any], Samples]] = {
    "auth.Group": _group,
    "axes.AccessAttempt": _axes("AccessAttempt"),
    "axes.AccessLog": _axes("AccessLog"),
    "axes.AccessFailureLog": _axes("AccessFailureLog"),
    "django_tasks_database.DBTaskResult": _task_results,
    "accounts.User": _users,
    "accounts.ApiToken": _tokens,
    "accounts.AuditEntry": _audit,
    "units.Province": _provinces,
    "units.PeerGroup": _peer_groups,
    "units.Commune": _communes,
    "units.UnitAlias": _aliases,
    "units.Person": _people,
    "units.Tenure": _tenures,
    "units.DocumentSettings": _document_settings,
    "workdays.CalendarException": _calendar,
    "dossiers.Procedure": _procedures,
    "dossiers.ImportBatch": _batches,
    "dossiers.Flag": _flags,
    "dossiers.SourceSystem": _sources,
    "frameworks.FrameworkVersion": _frameworks,
    "evaluations.Period": _periods,
    "evaluations.CommuneEvaluation": _commune_evaluations,
    "evaluations.LeaderEvaluation": _leader_evaluations,
    "evaluations.Consequence": _consequences,
    "evaluations.ProvincePolicy": _policies,
    "evaluations.QuotaException": _quota_exceptions,
    "reporting.ReportedValue": _values,
    "reporting.Evidence": _evidence,
    "reporting.SubmissionDeadline": _deadlines,
}
