"""In-app notifications, e-mailed too where the user has an address (Django ``send_mail``).

``notify(users, kind, message_vi, link, message_en)`` is the one way to tell users something: the
message is stored in both languages and each user reads the one chosen (a notification stored
before it had an English text shows the Vietnamese one). Mail leaves
only after the surrounding transaction commits, so a rolled-back change never sends mail, and a
mail failure never undoes the change (it is logged). The helpers below pick the recipients of
the kinds other apps raise: result published, appeal decided, consequence proposed.
Notifications are a side effect of an audited action; they are not audited themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation

from kpixa.accounts.models import Notification, NotificationKind, Role, User

logger = logging.getLogger(__name__)


def _recipients(users: Iterable[Any]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.pk is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def notify(
    users: Iterable[Any], kind: str, message_vi: str, link: str = "", message_en: str = ""
) -> list[Notification]:
    """Create one notification per distinct active user and queue its e-mail; return the notifications.

    ``kind`` is a ``NotificationKind`` value; ``link`` a site path (e.g. ``/reporting/...``);
    ``message_en`` the same message in English, shown to users who chose English. The e-mail is
    written in the site's language (``LANGUAGE_CODE``): users choose a language per browser, not
    in their account, so the site's is the one a mail can know.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    recipients = _recipients(users)
    created = Notification.objects.bulk_create(
        Notification(
            user=u, kind=kind, message_vi=message_vi, message_en=message_en, link=link, emailed=bool(u.email)
        )
        for u in recipients
    )
    mailed = [u.email for u in recipients if u.email]
    if mailed:
        english = mail_language().startswith("en") and bool(message_en)
        message = message_en if english else message_vi
        transaction.on_commit(lambda: _send(kind, message, link, mailed))
    return created


def _absolute(link: str) -> str:
    base = str(getattr(settings, "KPIXA_SITE_URL", "")).rstrip("/")
    return f"{base}{link}" if link.startswith("/") and base else link


def mail_language() -> str:
    """The language notification e-mails are written in: the site's default language."""
    return str(settings.LANGUAGE_CODE or "vi")


def mail_subject(kind: str) -> str:
    """A notification e-mail's subject: the kind's label in the mail language."""
    with translation.override(mail_language()):
        return f"[kpixa] {NotificationKind(kind).label}"


def _send(kind: str, message: str, link: str, addresses: list[str]) -> None:
    subject = mail_subject(kind)
    body = message + (f"\n\n{_absolute(link)}" if link else "")
    for address in addresses:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
        except Exception:  # a mail outage must not break the action that notified
            logger.exception("sending a %s notification to %s failed", kind, address)


# --- reading ----------------------------------------------------------------------------------


def for_user(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    """Return how many notifications ``user`` has not read (0 for anonymous users; 1 query).

    Every page's header shows it, so it is one fixed SQL statement: building the ORM's count
    query cost several times more than running it (kpixa/web/navigation.py).
    """
    if not getattr(user, "is_authenticated", False):
        return 0
    with connections[Notification.objects.db].cursor() as cursor:
        cursor.execute(_unread_sql(), [user.pk])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


@cache
def _unread_sql() -> str:
    """``SELECT COUNT(*)`` of a user's unread notifications (the ``(user, read_at)`` index)."""
    meta, quote = Notification._meta, connections[Notification.objects.db].ops.quote_name
    user, read_at = str(Notification.user.field.column), str(Notification.read_at.field.column)
    return (
        f"SELECT COUNT(*) FROM {quote(meta.db_table)} "  # noqa: S608  # names from the model, no input
        f"WHERE {quote(user)} = %s AND {quote(read_at)} IS NULL"
    )


def mark_read(user: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or only ``ids``) read; return how many changed."""
    unread = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# --- recipients -------------------------------------------------------------------------------


def commune_users(commune_ids: Iterable[int], roles: Iterable[str] | None = None) -> QuerySet[User]:
    """Active users of the communes (officers and leaders unless ``roles`` says otherwise)."""
    wanted = list(roles) if roles is not None else [Role.COMMUNE_OFFICER, Role.COMMUNE_LEADER]
    return User.objects.filter(commune_id__in=list(commune_ids), role__in=wanted, is_active=True)


def province_admins(province_id: int) -> QuerySet[User]:
    """Active province admins of the province."""
    return User.objects.filter(province_id=province_id, role=Role.PROVINCE_ADMIN, is_active=True)


def province_users(province_id: int) -> QuerySet[User]:
    """Every active user of the province: province roles and the users of its communes."""
    return User.objects.filter(
        Q(province_id=province_id) | Q(commune__province_id=province_id), is_active=True
    ).exclude(role="")


def notify_result_published(
    province_id: int, message_vi: str, link: str, message_en: str = ""
) -> list[Notification]:
    """Tell every user of the province that a period's result was published."""
    return notify(
        province_users(province_id), NotificationKind.RESULT_PUBLISHED, message_vi, link, message_en
    )


def notify_appeal_decided(
    appellant: Any, commune_id: int, message_vi: str, link: str, message_en: str = ""
) -> list[Notification]:
    """Tell the appellant and the commune's leaders that an appeal was decided."""
    leaders = commune_users([commune_id], [Role.COMMUNE_LEADER])
    return notify([appellant, *leaders], NotificationKind.APPEAL_DECIDED, message_vi, link, message_en)


def notify_consequence_proposed(
    commune_id: int, province_id: int, message_vi: str, link: str, message_en: str = ""
) -> list[Notification]:
    """Tell the commune's leaders and the province admins that a consequence was proposed."""
    leaders = commune_users([commune_id], [Role.COMMUNE_LEADER])
    return notify(
        [*leaders, *province_admins(province_id)],
        NotificationKind.CONSEQUENCE_PROPOSED,
        message_vi,
        link,
        message_en,
    )
