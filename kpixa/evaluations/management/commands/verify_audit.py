"""``manage.py verify_audit [--against FILE]``: check the audit log; exit non-zero naming each problem.

Checks the hash chain, that every published snapshot is recorded by a publication entry (and
every such entry's snapshot is there, unaltered), and, with ``--against``, that the heads
published earlier (a JSON file downloaded from the public pages) are still in the log unchanged.
The command lives in evaluations, above accounts, because it checks evaluations' snapshots too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kpixa.accounts.audit import ChainBreak, verify_against, verify_chain
from kpixa.accounts.models import AuditEntry
from kpixa.evaluations.queries import snapshot_problems


def _load_heads(path: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read published heads from {path}: {exc}") from exc
    heads = data.get("heads") if isinstance(data, dict) else data
    valid = isinstance(heads, list) and all(
        isinstance(h, dict) and isinstance(h.get("id"), int) and isinstance(h.get("hash"), str) for h in heads
    )
    if not valid:
        raise CommandError(f"{path}: expected a JSON list of published heads, each with an id and a hash")
    return heads  # type: ignore[return-value]


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit log, the published snapshots it records, and (with "
        "--against) the heads published earlier; fail and name every problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--against",
            metavar="FILE",
            action="append",
            default=[],
            help="a JSON list of published heads ({id, hash, signature, published_at}) kept outside "
            "the database, e.g. downloaded from /ky-danh-gia/moc-nhat-ky.json; may be repeated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        heads = [head for path in options["against"] for head in _load_heads(path)]
        breaks: list[ChainBreak] = verify_chain()
        against = verify_against(heads)
        problems = [(f"audit entry #{b.entry_id}", b.reason) for b in breaks]
        problems += [(f"published head #{b.entry_id}", b.reason) for b in against]
        problems += snapshot_problems()
        if problems:
            for what, why in problems:
                self.stderr.write(f"{what}: {why}")
            first = breaks[0].entry_id if breaks else None
            where = f"chain broken at entry #{first}" if first is not None else "audit log inconsistent"
            raise CommandError(f"{where} ({len(problems)} inconsistencies; first: {problems[0][0]})")
        count = AuditEntry.objects.count()
        checked = f"; {len(heads)} published heads match" if heads else ""
        self.stdout.write(self.style.SUCCESS(f"audit log intact: {count} entries verified{checked}"))
