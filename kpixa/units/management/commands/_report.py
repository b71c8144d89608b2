"""Printing an import's result the same way for every import command."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kpixa.units.services import ImportResult


def report(command: BaseCommand, result: ImportResult) -> None:
    """Print the counts and every refused row; fail (exit status 1) when some row was refused."""
    for error in result.errors:
        command.stderr.write(str(error))
    command.stdout.write(
        _("Thêm %(created)s, cập nhật %(updated)s, không đổi %(unchanged)s, lỗi %(errors)s dòng.")
        % {
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "errors": len(result.errors),
        }
    )
    if result.errors:
        raise CommandError(
            _("%(n)s dòng bị từ chối; các dòng hợp lệ đã được lưu.") % {"n": len(result.errors)}
        )
