"""Corrections through an appeal: the only way a dossier counted late in a closed period may
turn on time (kpixa/dossiers/services/authority.py).

Each function owns its transaction and writes one audit entry (per batch, never per record).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kpixa.accounts.models import User
from kpixa.dossiers.models import ImportBatch
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.services import authority
from kpixa.dossiers.services.importing import new_batch, run_batch
from kpixa.dossiers.signals import appeal_scope


def correct_through_appeal(actor: User, appeal: Any, source_system: str, records: list[Any]) -> ImportBatch:
    """Import corrected dossiers of an appeal's commune as one batch tied to the appeal.

    The only way a dossier counted late in a closed period may turn on time
    (kpixa/dossiers/services/authority.py): the province's administrator sends the corrected records of
    the appellant commune while the appeal is pending or once it is upheld.
    """
    from kpixa.accounts.access import can_manage_province

    commune = appeal.commune
    if not can_manage_province(actor, commune.province):
        raise authority.AuthorityError(_("Chỉ quản trị cấp tỉnh của tỉnh này được sửa hồ sơ qua khiếu nại."))
    if appeal_scope(appeal.pk) is None:  # rejected (evaluations answers)
        raise authority.AuthorityError(_("Khiếu nại đã bị bác: không sửa được hồ sơ qua khiếu nại này."))
    batch = new_batch(
        "dossier",
        source_system,
        channel="appeal",
        province_id=commune.province_id,
        commune=commune,
        created_by=actor,
        appeal=appeal,
        file_name=f"appeal:{appeal.pk}",
    )
    run_batch(batch, source_from_document(records), actor=actor)
    return batch
