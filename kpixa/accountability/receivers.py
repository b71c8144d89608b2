"""Runs the accountability pass after a dossier batch commits (connected in apps.py).

The dossiers app sends ``kpixa.dossiers.signals.batch_committed`` after a batch that created or
updated records has committed; the pass then runs over the dossiers that batch wrote. The
accountability app is installed before scoring, so its receiver runs first and a score that
uses the accountability measures is refreshed from fresh flags. It never fails the import nor
stops the other receivers: an error is logged and the ``detect_flags`` command repairs the flags
later. ``KPIXA_DETECT_AFTER_BATCH = False`` turns it off (then the command runs it, e.g. nightly).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

logger = logging.getLogger(__name__)


def batch_committed(sender: Any, batch_id: int, **kwargs: Any) -> None:
    if not getattr(settings, "KPIXA_DETECT_AFTER_BATCH", True):
        return
    run_after_batch(batch_id)


def run_after_batch(batch_id: int) -> None:
    from kpixa.accountability.services import detect_for_batch
    from kpixa.dossiers.models import ImportBatch

    try:
        if ImportBatch.objects.filter(pk=batch_id, kind="dossier").exists():
            detect_for_batch(batch_id)
    except Exception:
        logger.exception("accountability pass failed for batch %s (run detect_flags to repair)", batch_id)
