"""Named reads of the units app: resolving unit codes and aliases, the accountable leaders."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from kpixa.units.models import ACCOUNTABLE_POSTS, Commune, Tenure, UnitAlias
from kpixa.units.tabular import commune_code, nfc


def resolve_unit(code_or_alias: str, system: str = "") -> Commune | None:
    """Return the commune named by a commune code, an alias of ``system``, or a system-less alias.

    Tried in that order; retired communes are returned too (old dossiers still name them).
    None when nothing matches.
    """
    text = nfc(code_or_alias)
    if not text:
        return None
    commune = Commune.objects.filter(code=commune_code(text)).first()
    if commune is not None:
        return commune
    systems = [system, ""] if system else [""]
    aliases = UnitAlias.objects.filter(alias=text, system__in=systems).select_related("commune")
    best = sorted(aliases, key=lambda a: a.system != system)
    return best[0].commune if best else None


def alias_map(system: str) -> dict[str, int]:
    """Return every name a dossier of ``system`` may use for a commune → that commune's id.

    Commune codes, then system-less aliases, then the system's own aliases (later ones win).
    An alias never overrides a commune's official code (one stored before that rule was
    enforced would capture the commune's records: see ``services.alias_capture_error``).
    Two queries; meant to be built once per ingest batch.
    """
    names: dict[str, int] = dict(Commune.objects.order_by().values_list("code", "id"))
    codes = frozenset(names)
    systems = [system, ""] if system else [""]
    rows = UnitAlias.objects.filter(system__in=systems).values_list("system", "alias", "commune_id")
    for _system, alias, commune_id in sorted(rows, key=lambda r: r[0] == system and bool(system)):
        if alias not in codes:
            names[alias] = commune_id
    return names


def _tenures(commune_ids: Iterable[int]) -> Q:
    return Q(commune_id__in=list(commune_ids), post__in=ACCOUNTABLE_POSTS)


def accountable_leaders_on(commune_ids: Iterable[int], day: date) -> dict[int, dict[str, Tenure]]:
    """Return, per commune, the Secretary's and the Chairman's tenure on ``day`` (one query).

    A commune or post with no holder that day is simply absent. Tenures come with their person.
    """
    tenures = (
        Tenure.objects.filter(_tenures(commune_ids), start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .select_related("person")
        .order_by("commune_id", "post", "start")
    )
    result: dict[int, dict[str, Tenure]] = {}
    for tenure in tenures:
        result.setdefault(tenure.commune_id, {})[tenure.post] = tenure
    return result


def accountable_leaders_over(commune_ids: Iterable[int], start: date, end: date) -> dict[int, list[Tenure]]:
    """Return, per commune, every Secretary and Chairman tenure meeting [start, end] (one query).

    Ordered by post, then start. Each tenure is clipped to the period: ``served_from``,
    ``served_to`` and ``days_served`` tell which part of the period its holder served.
    """
    tenures = (
        Tenure.objects.filter(_tenures(commune_ids), start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .select_related("person")
        .order_by("commune_id", "post", "start")
    )
    result: dict[int, list[Tenure]] = {}
    for tenure in tenures:
        result.setdefault(tenure.commune_id, []).append(tenure.clip(start, end))
    return result
