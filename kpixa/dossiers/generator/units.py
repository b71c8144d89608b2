"""Where the communes of a run come from: the database, or the reference package without one."""

from __future__ import annotations

KINDS = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}


def communes_from_db(province: str | None = None) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Active communes (code, kind) of a province (all when None) and their first alias each."""
    from kpixa.units.models import Commune, UnitAlias

    qs = Commune.objects.filter(retired_at__isnull=True)
    if province:
        qs = qs.filter(province__code=province)
    communes = list(qs.order_by("code").values_list("code", "kind"))
    aliases: dict[str, str] = {}
    rows = UnitAlias.objects.filter(commune__code__in=[c for c, _ in communes]).order_by("id")
    for code, alias in rows.values_list("commune__code", "alias"):
        aliases.setdefault(code, alias)
    return communes, aliases


def communes_from_reference(province: str | None = None) -> list[tuple[str, str]]:
    """Communes (code, kind) from the ``vietnam-provinces`` package (3,321 nationally)."""
    from vietnam_provinces import Ward

    out = []
    for ward in Ward.iter_all():
        if province and int(ward.province_code) != int(province):
            continue
        out.append((f"{int(ward.code):05d}", KINDS.get(str(ward.division_type), "xa")))
    return sorted(out)
