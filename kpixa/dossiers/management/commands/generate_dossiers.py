"""Generate realistic synthetic dossiers, petitions and ratings (docs/generator.md)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

SOURCE_SYSTEM = "kpixa-generator"


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(_("Ngày không hợp lệ: '%(value)s' (dạng YYYY-MM-DD).") % {"value": value}) from exc


class Command(BaseCommand):
    help = "Sinh dữ liệu hồ sơ, phản ánh kiến nghị và đánh giá mô phỏng; ghi ra tệp hoặc nhập thẳng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--province", help="Mã tỉnh (bỏ trống = cả nước).")
        parser.add_argument("--from", dest="start", required=True, help="Ngày đầu (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", required=True, help="Ngày cuối (YYYY-MM-DD).")
        parser.add_argument(
            "--scale", type=float, default=1.0, help="1.0 ≈ khối lượng thực (Gia Lai ~140.000/tháng)."
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", help="Tệp hồ sơ; PAKN và đánh giá ghi cạnh (.pakn, .danhgia).")
        parser.add_argument("--format", choices=("csv", "jsonl", "json"), default=None)
        parser.add_argument(
            "--reference",
            action="store_true",
            help="Lấy danh sách xã từ gói vietnam-provinces thay vì cơ sở dữ liệu.",
        )
        parser.add_argument("--source-system", default=SOURCE_SYSTEM)

    def handle(self, *args: Any, **opts: Any) -> None:
        from kpixa.dossiers.generator import GeneratorConfig

        start, end = _date(opts["start"]), _date(opts["end"])
        if end < start:
            raise CommandError(_("Ngày cuối phải sau hoặc bằng ngày đầu."))
        communes, aliases = self._communes(opts["province"], opts["reference"])
        config = GeneratorConfig(
            communes,
            start,
            end,
            scale=opts["scale"],
            seed=opts["seed"],
            aliases=aliases,
            use_database=not opts["reference"],
        )
        if opts["output"]:
            fmt = opts["format"] or Path(opts["output"]).suffix.lstrip(".") or "csv"
            self._write(config, Path(opts["output"]), fmt)
        else:
            self._import(config, opts["source_system"])

    def _communes(
        self, province: str | None, reference: bool
    ) -> tuple[list[tuple[str, str]], dict[str, str]]:
        from kpixa.dossiers.generator.units import communes_from_db, communes_from_reference

        aliases: dict[str, str] = {}
        if reference:
            communes = communes_from_reference(province)
        else:
            communes, aliases = communes_from_db(province)
        if not communes:
            raise CommandError(_("Không có xã/phường nào để sinh dữ liệu (hãy chạy load_units trước)."))
        return communes, aliases

    def _write(self, config: Any, path: Path, fmt: str) -> None:
        from kpixa.dossiers.generator import FORMATS, output_paths, write_run

        if fmt not in FORMATS:
            raise CommandError(_("Định dạng không hỗ trợ: %(fmt)s.") % {"fmt": fmt})
        summary = write_run(config, path, fmt)
        paths = output_paths(path, fmt)
        for key, label in (("dossiers", _("Hồ sơ")), ("petitions", _("PAKN")), ("ratings", _("Đánh giá"))):
            self.stdout.write(f"{label}: {getattr(summary, key)} → {paths[key]}")
        self.stdout.write(
            _("Xong trong %(s).1f giây (%(rate).0f hồ sơ/giây).")
            % {"s": summary.seconds, "rate": summary.rate}
        )

    def _import(self, config: Any, source_system: str) -> None:
        from kpixa.dossiers.generator import output_paths, write_run
        from kpixa.dossiers.services.importing import import_file

        with tempfile.TemporaryDirectory(prefix="kpixa-gen-") as tmp:
            path = Path(tmp) / "hoso.jsonl"
            write_run(config, path, "jsonl")
            paths = output_paths(path, "jsonl")
            for kind, key in (("dossier", "dossiers"), ("petition", "petitions"), ("rating", "ratings")):
                batch = import_file(paths[key], kind=kind, fmt="jsonl", source_system=source_system)
                counts = ", ".join(f"{k} {v}" for k, v in batch.counts().items())
                self.stdout.write(f"{kind}: {counts}")
