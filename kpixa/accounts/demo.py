"""The demo's province admin, who acts in the demo steps of every app (kpixa.web.demo seeds the logins)."""

from __future__ import annotations

from kpixa.accounts.models import Role, User
from kpixa.units.models import Province

DEMO_ADMIN = "province_admin"  # the demo login of the same name (kpixa.web.demo)


def demo_admin(province: Province) -> User:
    """The demo province admin who publishes (created here if the demo logins do not exist yet;
    ``seed_demo_users`` later sets its name and password)."""
    user, created = User.objects.get_or_create(
        username=DEMO_ADMIN, defaults={"role": Role.PROVINCE_ADMIN, "province": province}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
