"""Early warning state changes: the daily digest (in the app and by e-mail) and its subscriptions.

``send_warnings`` sends each person at most one digest a day: the row ``DigestSent(user, day)`` is
inserted before the notification, in the same transaction, and its unique key refuses a second
one — so a second run the same day, or two runs at once, send nothing twice. The mail leaves
after the commit (``kpixa.accounts.notifications.notify``). Each run writes one audit entry per
province; a change of subscription writes its own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from kpixa.accounts import audit
from kpixa.accounts.models import COMMUNE_ROLES, PROVINCE_ROLES, NotificationKind, User
from kpixa.accounts.notifications import notify
from kpixa.units.models import Province
from kpixa.warnings.models import DigestKind, DigestSent, OptOut
from kpixa.warnings.projection import BEST, EXPECTED, WORST
from kpixa.warnings.queries import CURRENT, Projection, at_risk, warnings_for_province

LISTED = 5  # dossiers named in a digest line; the page lists them all
LANGUAGES = ("vi", "en")  # a digest is written in both; each person reads the one chosen


@dataclass
class SendResult:
    """What a run of ``send_warnings`` did."""

    sent: int = 0
    already: int = 0  # people who had today's digest already
    nothing: int = 0  # people with nothing to be told (or unsubscribed from all of it)
    provinces: list[str] = field(default_factory=list)


# --- subscriptions ------------------------------------------------------------------------------


def opted_out(user: User) -> set[str]:
    """The digest kinds ``user`` has unsubscribed from (1 query)."""
    return set(OptOut.objects.filter(user=user).values_list("kind", flat=True))


@transaction.atomic
def set_subscriptions(actor: User, wanted: Iterable[str]) -> set[str]:
    """Keep the digest kinds in ``wanted`` for ``actor`` and unsubscribe from the others; audited.
    Return the kinds unsubscribed from."""
    keep = {k for k in wanted if k in DigestKind.values}
    before = opted_out(actor)
    after = set(DigestKind.values) - keep
    if before == after:
        return after
    OptOut.objects.filter(user=actor, kind__in=before - after).delete()
    OptOut.objects.bulk_create([OptOut(user=actor, kind=k) for k in sorted(after - before)])
    audit.record(
        "warnings.subscriptions",
        actor=actor,
        object_type="accounts.User",
        object_id=actor.pk,
        province_code=_province_code(actor),
        before={"unsubscribed": sorted(before)},
        after={"unsubscribed": sorted(after)},
    )
    return after


def _province_code(user: User) -> str:
    if user.province is not None:
        return str(user.province.code)
    return str(user.commune.province.code) if user.commune is not None else ""


# --- the digest -----------------------------------------------------------------------------------


def send_warnings(
    as_of: date | None = None,
    *,
    province_codes: Sequence[str] | None = None,
    now: datetime | None = None,
) -> SendResult:
    """Send today's digest to every active province and commune user (of ``province_codes``, or of
    every province with such users) who has something to be told and has not had it today."""
    now = now or timezone.now()
    as_of = as_of or timezone.localdate(now)
    result = SendResult()
    provinces = Province.objects.filter(code__in=province_codes) if province_codes else _with_users()
    for province in provinces.order_by("code"):
        _send_province(province, as_of, now, result)
        result.provinces.append(province.code)
    return result


def _with_users() -> QuerySet[Province]:
    has_users = Q(users__is_active=True, users__role__in=PROVINCE_ROLES) | Q(
        communes__users__is_active=True, communes__users__role__in=COMMUNE_ROLES
    )
    return Province.objects.filter(has_users).distinct()


def _recipients(province: Province) -> list[User]:
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(role__in=PROVINCE_ROLES, province=province)
            | Q(role__in=COMMUNE_ROLES, commune__province=province)
        )
        .select_related("commune")
        .order_by("pk")
    )


def _send_province(province: Province, as_of: date, now: datetime, result: SendResult) -> None:
    people = _recipients(province)
    done = set(DigestSent.objects.filter(day=as_of, user__in=people).values_list("user_id", flat=True))
    waiting = [u for u in people if u.pk not in done]
    result.already += len(people) - len(waiting)
    if not waiting:
        return
    projections = warnings_for_province(province, as_of, now=now)
    by_commune: dict[int, list[Projection]] = defaultdict(list)
    for p in projections:
        by_commune[p.commune.id].append(p)
    unsubscribed: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in OptOut.objects.filter(user__in=waiting).values_list("user_id", "kind"):
        unsubscribed[user_id].add(kind)
    sent = 0
    for user in waiting:
        if user.role in COMMUNE_ROLES:
            mine = by_commune.get(user.commune_id or 0, [])
            link = reverse("warnings:commune", kwargs={"code": user.commune.code}) if user.commune else ""
        else:
            mine = projections
            link = reverse("warnings:province", kwargs={"province_code": province.code})
        bodies = {}
        for language in LANGUAGES:  # stored in both: each person reads it in the language chosen
            with translation.override(language):
                if user.role in COMMUNE_ROLES:
                    parts = commune_digest(user, mine, as_of)
                else:
                    parts = province_digest(province, mine)
                parts = [(kind, text) for kind, text in parts if kind not in unsubscribed[user.pk]]
                bodies[language] = digest_body(as_of, parts) if parts else ""
        kinds = list(dict.fromkeys(kind for kind, _text in parts))
        if not kinds:
            result.nothing += 1
            continue
        if _send_one(user, as_of, kinds, bodies, link):
            sent += 1
        else:
            result.already += 1
    result.sent += sent
    audit.record(
        "warnings.send",
        actor_label="send_warnings",
        object_type="units.Province",
        object_id=province.code,
        province_code=province.code,
        after={"day": as_of.isoformat(), "sent": sent, "people": len(people)},
    )


def digest_body(day: date, parts: list[tuple[str, str]]) -> str:
    """The text of one person's digest of ``day`` in the active language: a heading, one line a
    part, and where to unsubscribe from each kind it holds."""
    heading = _("Cảnh báo sớm ngày %(day)s") % {"day": day.strftime("%d/%m/%Y")}
    body = "\n".join([heading, *(f"• {text}" for _kind, text in parts)])
    site = str(getattr(settings, "KPIXA_SITE_URL", "")).rstrip("/")
    unsubscribe = site + reverse("warnings:subscriptions")
    body += "\n\n" + _("Không muốn nhận loại cảnh báo nào, bỏ chọn tại:")
    for kind in dict.fromkeys(kind for kind, _text in parts):
        body += f"\n  {DigestKind(kind).label}: {unsubscribe}?bo={kind}"
    return body


def _send_one(user: User, day: date, kinds: list[str], bodies: dict[str, str], link: str) -> bool:
    """Record and send one person's digest of ``day``; False when it was already sent."""
    try:
        with transaction.atomic():
            DigestSent.objects.create(user=user, day=day, kinds=kinds)
            notify([user], NotificationKind.EARLY_WARNING, bodies["vi"], link, bodies["en"])
    except IntegrityError:  # another run sent it meanwhile
        return False
    return True


def _fmt(value: Decimal | None) -> str:
    return "—" if value is None else formats.number_format(value, 2)


def _names(items: Sequence[object]) -> str:
    shown = ", ".join(str(getattr(d, "ma_ho_so", d)) for d in items[:LISTED])
    more = len(items) - LISTED
    return shown + (_(" và %(n)s hồ sơ khác") % {"n": more} if more > 0 else "")


def commune_digest(user: User, projections: Sequence[Projection], as_of: date) -> list[tuple[str, str]]:
    """The parts of a commune user's digest: (kind, text), each only when there is something to say."""
    if not projections:
        return []
    first = projections[0]  # the dossier lists are the commune's, the same under every framework
    parts: list[tuple[str, str]] = []
    today, week = first.due_within(1), first.due_within(5)
    if today or first.overdue:
        parts.append(
            (
                DigestKind.DUE_TODAY,
                _(
                    "%(commune)s: %(today)s hồ sơ đến hạn trong ngày làm việc tới, "
                    "%(overdue)s hồ sơ đã quá hạn. %(names)s"
                )
                % {
                    "commune": first.commune.name,
                    "today": len(today),
                    "overdue": len(first.overdue),
                    "names": _names([*first.overdue, *today]),
                },
            )
        )
    if len(week) > len(today):
        parts.append(
            (
                DigestKind.DUE_WEEK,
                _("%(n)s hồ sơ đến hạn trong 5 ngày làm việc tới: %(names)s")
                % {"n": len(week), "names": _names(week)},
            )
        )
    for p in projections:
        if p.falls_class:
            parts.append((DigestKind.CLASS_AT_RISK, _risk_line(p)))
    owed = {r.measure: r for p in projections for r in p.reported_due}
    if owed:
        deadline = min(r.deadline for r in owed.values())
        parts.append(
            (
                DigestKind.REPORTED_DUE,
                _("%(n)s số liệu báo cáo kỳ %(period)s chưa nộp; hạn nộp %(due)s.")
                % {"n": len(owed), "period": first.period.code, "due": deadline.strftime("%d/%m/%Y")},
            )
        )
    return parts


def _risk_line(p: Projection) -> str:
    return _(
        "%(commune)s, %(framework)s: nếu các hồ sơ đang mở không xong đúng hạn, cuối kỳ %(period)s "
        "còn %(worst)s điểm (%(worst_class)s), thay vì %(current)s (%(current_class)s); "
        "dự kiến %(expected)s; tốt nhất %(best)s."
    ) % {
        "commune": p.commune.name,
        "framework": p.framework_label,
        "period": p.period.code,
        "worst": _fmt(p.totals.get(WORST)),
        "worst_class": p.class_labels.get(p.classes.get(WORST) or "", "—"),
        "current": _fmt(p.totals.get(CURRENT)),
        "current_class": p.class_labels.get(p.classes.get(CURRENT) or "", "—"),
        "expected": _fmt(p.totals.get(EXPECTED)),
        "best": _fmt(p.totals.get(BEST)),
    }


def province_digest(province: Province, projections: Sequence[Projection]) -> list[tuple[str, str]]:
    """A province user's digest: the communes whose worst case falls a class, most points at stake first."""
    risky = at_risk(projections)
    if not risky:
        return []
    names = "; ".join(
        f"{p.commune.name} ({p.framework_label}, {_fmt(p.points_at_stake)})" for p in risky[:LISTED]
    )
    more = len(risky) - LISTED
    text = _("%(n)s xã có nguy cơ tụt xếp loại cuối kỳ (điểm còn phụ thuộc vào hồ sơ đang mở): %(names)s") % {
        "n": len(risky),
        "names": names,
    }
    if more > 0:
        text += _(" và %(n)s xã khác") % {"n": more}
    return [(DigestKind.CLASS_AT_RISK, text)]
