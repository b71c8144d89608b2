"""``manage.py import_dossiers PATH... [--format F] [--source-system NAME] [--kind K]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from kpixa.dossiers.models import ImportBatch
from kpixa.dossiers.parsing import FORMATS, FormatError
from kpixa.dossiers.services import importing


class Command(BaseCommand):
    help = "Import dossiers (or petitions, ratings) from JSON, JSON Lines, CSV or XLSX; one batch per file."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--format", choices=FORMATS, default=None)
        parser.add_argument("--source-system", default=importing.DEFAULT_SYSTEM)
        parser.add_argument("--kind", choices=["dossier", "petition", "rating"], default="dossier")

    def handle(self, *args: Any, **opts: Any) -> None:
        for path in opts["paths"]:
            batch = self._import(path, opts)
            self.stdout.write(summary(path, batch))

    def _import(self, path: str, opts: dict[str, Any]) -> ImportBatch:
        bar = tqdm(desc=path, unit=" bản ghi", disable=opts["verbosity"] < 1)
        done = {"n": 0}

        def progress(batch: ImportBatch) -> None:
            if batch.total and bar.total is None:
                bar.reset(total=batch.total)
            bar.update(batch.read - done["n"])
            done["n"] = batch.read

        try:
            return importing.import_file(
                path,
                kind=opts["kind"],
                fmt=opts["format"],
                source_system=opts["source_system"],
                progress=progress,
            )
        except (FormatError, OSError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        finally:
            bar.close()


def summary(path: str, batch: ImportBatch) -> str:
    """The closing line: read, created, updated, unchanged, ignored, rejected, flagged."""
    c = batch.counts()
    return (
        f"{path}: đọc {c['read']}, thêm mới {c['created']}, cập nhật {c['updated']}, "
        f"không đổi {c['unchanged']}, bỏ qua (cũ hơn) {c['ignored']}, bị từ chối {c['rejected']}, "
        f"cần lưu ý {c['flagged']} (lô #{batch.pk})"
    )
