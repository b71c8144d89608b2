"""Runs the accountability pass after a dossier batch commits (connected in apps.py).

The dossiers app declares no batch signal of its own yet, so the pass listens to the batch's
``post_save``: when a dossier batch is saved as done with records written, the pass over its
dossiers is queued for after the commit. It never fails the import: an error is logged and the
``detect_flags`` command repairs the flags later. ``KPIXA_DETECT_AFTER_BATCH = False`` turns it
off (then the command runs it, e.g. nightly).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)


def batch_saved(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    from kpixa.dossiers.models import JobStatus

    if not getattr(settings, "KPIXA_DETECT_AFTER_BATCH", True):
        return
    if instance.kind != "dossier" or instance.status != JobStatus.DONE:
        return
    if not (instance.created or instance.updated):
        return
    batch_id = instance.pk
    transaction.on_commit(lambda: run_after_batch(batch_id))


def run_after_batch(batch_id: int) -> None:
    from kpixa.accountability.services import detect_for_batch

    try:
        detect_for_batch(batch_id)
    except Exception:
        logger.exception("accountability pass failed for batch %s (run detect_flags to repair)", batch_id)
