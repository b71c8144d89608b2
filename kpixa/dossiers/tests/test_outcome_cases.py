"""The shared table of dossier outcome cases (kpixa/rules/cases/outcome_cases.yaml) against
every implementation of the rule: the Python rule (kpixa.rules.outcome), the column-wise numpy
fast path, the rollups (incremental, and rebuilt in SQL) and the drill-down filters. The
numpy run needs no database; the others run on SQLite and PostgreSQL (on PostgreSQL the
import goes through the fast path's CSV import, elsewhere through the per-record path)."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from django.db import connection

import kpixa.rules
from kpixa.dossiers.facts import ProcedureInfo
from kpixa.dossiers.models import Dossier, Flag, Procedure
from kpixa.dossiers.parsing import source_from_document
from kpixa.dossiers.queries import period_measures
from kpixa.dossiers.records import validate_dossier
from kpixa.dossiers.services import fastpath, importing, rollup_rebuild
from kpixa.rules import outcome as rule
from kpixa.web.pages.dossiers import outcome_filter
from kpixa.workdays.calendar import WorkCalendar, invalidate_calendar

CASES_FILE = Path(kpixa.rules.__file__).parent / "cases" / "outcome_cases.yaml"
TABLE = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = TABLE["cases"]
IDS = [case["id"] for case in CASES]
NOW = datetime(2027, 1, 15, 12, 0)
FIRST_COMMUNE = 80000  # one commune per case: its counts are the case's alone


def portal(value: str) -> str:
    """ "2026-03-03 09:00[:ss]" → "20260303090000"."""
    stamp = datetime.fromisoformat(value)
    return stamp.strftime("%Y%m%d%H%M%S")


def stamp(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and value[10] == " ":
        return portal(value)
    return value


def procedure_code(case: dict[str, Any]) -> str:
    proc = case["procedure"]
    return proc["code"] if isinstance(proc, dict) else TABLE["procedures"][proc]["code"]


def raw_record(index: int, case: dict[str, Any]) -> dict[str, Any]:
    rec = {**TABLE["defaults"], **_dates(case["record"])}
    rec.update(MaHoSo=case["id"], MaTTHC=procedure_code(case), DonViXuLy=str(FIRST_COMMUNE + index))
    return rec


def period(case: dict[str, Any]) -> tuple[date, date]:
    text = str(case["period"])
    if ".." in text:
        a, b = text.split("..")
        return date.fromisoformat(a), date.fromisoformat(b)
    first = date.fromisoformat(f"{text}-01")
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def catalogue() -> dict[str, ProcedureInfo]:
    """The table's procedures, and each unknown code as the ingest adds it: unverified, with
    the limit of the first record naming it."""
    out = {
        p["code"]: ProcedureInfo(i + 1, p["limit"], p["unit"], p["cutoff"], False, False)
        for i, p in enumerate(TABLE["procedures"].values())
    }
    for index, case in enumerate(CASES):
        code = procedure_code(case)
        if code not in out:
            rec = validate_dossier(raw_record(index, case), {str(FIRST_COMMUNE + index): 1})
            out[code] = ProcedureInfo(
                100 + index, rec.record_limit, rec.record_limit_unit, None, False, False
            )
    return out


def expected(case: dict[str, Any]) -> dict[str, Any]:
    e = case["expect"]
    return {
        "due": stamp(e["due"]),
        "on_time": e["on_time"],
        "outcome": e["outcome"],
        "counted": e.get("counted", True),
        "carried": e.get("carried", False),
        "late_receipt": e.get("late_receipt", False),
        "no_due": e["due"] is None,
    }


def expected_measures(case: dict[str, Any]) -> dict[str, int]:
    e = expected(case)
    start, end = period(case)
    received = start <= stamp(case_received(case)).date() <= end  # type: ignore[union-attr]
    counted, outcome = e["counted"], e["outcome"]
    return {
        "dossiers.total": int(counted),
        "dossiers.carried_over": int(e["carried"]),
        "dossiers.on_time": int(counted and outcome in ("on_time", "open_within")),
        "dossiers.late": int(counted and outcome in ("late", "open_overdue")),
        "dossiers.open_overdue": int(counted and outcome == "open_overdue"),
        "dossiers.open_within_deadline": int(counted and outcome == "open_within"),
        "dossiers.finished_on_time": int(counted and outcome == "on_time"),
        "dossiers.finished_late": int(counted and outcome == "late"),
        "dossiers.received": int(received),
        "dossiers.late_receipt": int(received and e["late_receipt"]),
    }


def case_received(case: dict[str, Any]) -> str:
    return str(case["record"]["NgayTiepNhan"])


def judged(facts: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """What an implementation's facts say about the expected fields."""
    start, end = period(case)
    return {
        "due": facts["effective_due_at"],
        "on_time": facts["on_time"],
        "outcome": rule.outcome_as_of(facts, end),
        "counted": rule.counted_in_period(facts, start, end),
        "carried": rule.carried_over(facts, start),
        "late_receipt": facts["late_receipt"],
        "no_due": facts["effective_due_at"] is None,
    }


def test_it_has_at_least_60_cases_with_unique_ids() -> None:
    assert len(CASES) >= 60
    assert len(set(IDS)) == len(IDS)


def test_it_knows_the_swapped_days_of_2026() -> None:
    calendar = WorkCalendar()
    assert calendar.is_working_day(date(2026, 8, 22))  # a Saturday worked
    assert not calendar.is_working_day(date(2026, 8, 31))  # the Monday given for it
    assert not any(calendar.is_working_day(date(2026, 2, d)) for d in range(16, 21))  # Tết


# --- the Python rule ----------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_it_judges_the_case_by_the_python_rule(case: dict[str, Any]) -> None:
    """kpixa.rules.outcome alone, with the built-in calendar (no database)."""
    index = IDS.index(case["id"])
    rec = validate_dossier(raw_record(index, case), {str(FIRST_COMMUNE + index): 1})
    proc = catalogue()[rec.procedure_code]
    due, source = rule.given_due(rec, "truoc")
    calendar = WorkCalendar()
    if due is None:
        limit = rule.limit_for(rec, proc.limit_value, proc.limit_unit, proc.cutoff_hour)
        if limit is not None:
            due, source = rule.statutory_dues(calendar, [rec.received_at], [limit])[0], limit.source
    j = rule.judge(rec, due, source)
    submitted = rec.submitted_at
    late = submitted is not None and rule.receipt_timed(rec.channel, submitted)
    late = late and rule.late_receipts(calendar, [submitted], [rec.received_at])[0]  # type: ignore[list-item]
    facts = {
        "effective_due_at": j.effective_due_at,
        "on_time": j.on_time,
        "end_day": j.end_at.date() if j.end_at else None,
        "overdue_day": j.overdue_day,
        "received_day": rec.received_at.date(),
        "late_receipt": late,
    }
    assert judged(facts, case) == expected(case)
    assert j.no_due == (case["expect"]["due"] is None)
    if "source" in case["expect"]:
        assert j.due_source == case["expect"]["source"]
    if "end_source" in case["expect"]:
        assert j.end_source == case["expect"]["end_source"]


# --- the numpy fast path ------------------------------------------------------------------


def write_csv(path: Path) -> None:
    records = [raw_record(i, case) for i, case in enumerate(CASES)]
    names = sorted({name for rec in records for name in rec})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        for rec in records:
            writer.writerow(
                {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in rec.items()}
            )


def numpy_facts(tmp_path: Path) -> tuple[list[dict[str, Any]], list[bool]]:
    """The fast path's column-wise facts of every case (and whether it would keep the row)."""
    path = tmp_path / "cases.csv"
    write_csv(path)
    names = fastpath.read_header(path)
    units = {str(FIRST_COMMUNE + i): i + 1 for i in range(len(CASES))}
    ctx = SimpleNamespace(units=units, allowed=None, procedures=catalogue(), now=NOW)
    (block,) = list(fastpath._blocks(path, names))
    prepared = fastpath._prepare(ctx, names, block, 1)  # type: ignore[arg-type]
    assert list(prepared.candidates) == list(range(len(CASES))), "every case is plainly clean"
    lists = fastpath._list_columns(names, block, prepared.candidates)
    assert lists.read_ok.all()
    f = fastpath._facts(
        ctx,  # type: ignore[arg-type]
        prepared.candidates, lists, prepared.status, prepared.channel, prepared.dates,
        prepared.proc_index, prepared.procedures, WorkCalendar(),
    )  # fmt: skip
    out = []
    for row in range(len(CASES)):
        out.append(
            {
                "effective_due_at": _when(f.cols["effective_due_at"], row),
                "due_source": str(f.cols["due_source"][row]),
                "end_source": f.cols["end_source"][row],
                "on_time": bool(f.cols["on_time"][0][row]) if f.cols["on_time"][1][row] else None,
                "end_day": _day(f.cols["end_day"], row),
                "overdue_day": _day(f.cols["overdue_day"], row),
                "received_day": date(1970, 1, 1) + timedelta(days=int(f.cols["received_day"][row])),
                "late_receipt": bool(f.cols["late_receipt"][row]),
            }
        )
    return out, [bool(c) for c in f.clean]


def _when(pair: tuple[Any, Any], row: int) -> datetime | None:
    secs, present = pair
    return datetime(1970, 1, 1) + timedelta(seconds=int(secs[row])) if present[row] else None


def _day(pair: tuple[Any, Any], row: int) -> date | None:
    days, present = pair
    return date(1970, 1, 1) + timedelta(days=int(days[row])) if present[row] else None


def test_it_judges_every_case_alike_in_the_numpy_fast_path(tmp_path: Path) -> None:
    facts, clean = numpy_facts(tmp_path)
    wrong = {}
    for case, f in zip(CASES, facts, strict=True):
        got, want = judged(f, case), expected(case)
        if "source" in case["expect"] and f["due_source"] != case["expect"]["source"]:
            got["source"], want["source"] = f["due_source"], case["expect"]["source"]
        if "end_source" in case["expect"] and f["end_source"] != case["expect"]["end_source"]:
            got["end_source"], want["end_source"] = f["end_source"], case["expect"]["end_source"]
        if got != want:
            wrong[case["id"]] = (got, want)
    assert wrong == {}
    # Rows without a due time or with a finished status but no end go to the per-record path.
    left = {case["id"] for case, ok in zip(CASES, clean, strict=True) if not ok}
    assert left == {c["id"] for c in CASES if c["expect"]["due"] is None} | {
        "finished-status-without-an-end-stays-open"
    }


# --- stored facts, rollups (incremental and rebuilt) and the drill-down, on both databases -----


@pytest.fixture
def imported(world, settings, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """Every case imported into its own commune, in table order (an unknown code is added to
    the catalogue from the first record naming it); on PostgreSQL through the fast path, which
    must write most rows itself."""
    from kpixa.units.models import Commune, CommuneKind

    invalidate_calendar()  # another test's calendar exceptions may still be cached
    province = world.commune.province
    Commune.objects.bulk_create(
        [
            Commune(
                code=str(FIRST_COMMUNE + i), name=f"Xã {case['id']}", kind=CommuneKind.XA, province=province
            )
            for i, case in enumerate(CASES)
        ]
    )
    for p in TABLE["procedures"].values():
        Procedure.objects.create(
            code=p["code"],
            name=p["code"],
            limit_value=p["limit"],
            limit_unit=p["unit"],
            cutoff_hour=p["cutoff"],
        )
    if connection.vendor == "postgresql":
        settings.KPIXA_FAST_CSV_IMPORT = True
        fast_rows = []
        original = fastpath.ingest_file

        def spy(ctx: Any, path: Any, progress: Any = None) -> None:
            original(ctx, path, progress)
            fast_rows.append(ctx.fast_rows)

        monkeypatch.setattr(fastpath, "ingest_file", spy)
        path = tmp_path / "cases.csv"
        write_csv(path)
        batch = importing.import_file(path, source_system="motcua")
        assert fast_rows and fast_rows[0] >= len(CASES) - 10, fast_rows
    else:
        batch = importing.new_batch("dossier", "motcua")
        importing.run_batch(batch, source_from_document([raw_record(i, c) for i, c in enumerate(CASES)]))
        batch.refresh_from_db()
    assert batch.counts()["created"] == len(CASES), batch.counts()
    return {d.ma_ho_so: d for d in Dossier.objects.select_related("commune")}


def _stored(dossier: Dossier) -> dict[str, Any]:
    from django.utils import timezone

    due = dossier.effective_due_at
    return {
        "effective_due_at": timezone.localtime(due).replace(tzinfo=None) if due else None,
        "on_time": dossier.on_time,
        "end_day": dossier.end_day,
        "overdue_day": dossier.overdue_day,
        "received_day": dossier.received_day,
        "late_receipt": dossier.late_receipt,
    }


def test_it_stores_counts_and_lists_every_case_alike(imported) -> None:  # type: ignore[no-untyped-def]
    wrong: dict[str, Any] = {}
    for case in CASES:
        dossier = imported[case["id"]]
        got, want = judged(_stored(dossier), case), expected(case)
        if got != want:
            wrong[f"stored {case['id']}"] = (got, want)
        if "source" in case["expect"] and dossier.due_source != case["expect"]["source"]:
            wrong[f"source {case['id']}"] = (dossier.due_source, case["expect"]["source"])
        flagged = Flag.objects.filter(dossier=dossier, code="khong_xac_dinh_han").exists()
        if flagged != want["no_due"]:
            wrong[f"no_due flag {case['id']}"] = (flagged, want["no_due"])
    _compare_counts(imported, wrong, "incremental")
    rollup_rebuild.rebuild_rollups()
    _compare_counts(imported, wrong, "rebuilt")
    assert wrong == {}


def _compare_counts(imported: dict[str, Dossier], wrong: dict[str, Any], how: str) -> None:
    for case in CASES:
        dossier = imported[case["id"]]
        start, end = period(case)
        want = expected_measures(case)
        measures = period_measures([dossier.commune_id], start, end)[dossier.commune_id]
        got = {name: measures[name] for name in want}
        if got != want:
            wrong[f"{how} rollups {case['id']}"] = (got, want)
        listed = {
            outcome: Dossier.objects.filter(outcome_filter(outcome, start, end), pk=dossier.pk).exists()  # type: ignore[arg-type]
            for outcome in ("total", "on_time", "late", "no_due")
        }
        drill = {k: bool(want[f"dossiers.{k}"]) for k in ("total", "on_time", "late")}
        drill["no_due"] = bool(want["dossiers.total"]) and case["expect"]["due"] is None
        if listed != drill:
            wrong[f"drill-down {case['id']}"] = (listed, drill)
