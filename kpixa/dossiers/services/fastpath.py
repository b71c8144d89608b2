"""Column-wise fast path of a CSV dossier import on PostgreSQL (docs/ingest-performance.md).

The file is cut into blocks of about 8 MiB at line breaks outside quotes and each block is
parsed by pyarrow, every column as text. Per block:

1. Column-wise checks find the rows that are *plainly clean*: text that ``parsing.nfc`` and
   ``str.strip`` would leave as it is, a key not twice in the block, a known unit and
   procedure, status and channel codes, dates in the portal's ``yyyyMMddHHmmss`` form within
   2000–2100, field lengths within the columns.
2. For those rows a lean loop reads the list columns with the per-record path's own functions
   (``parsing._json_list``, ``records.parse_steps``/``parse_supplements``/``parse_fees``/
   ``_any_item``, ``records.record_hash``): what is needed per row in Python anyway.
3. Their facts are computed with numpy from the same constants and helpers as ``facts.py``
   (statutory and late-receipt limits by ``WorkCalendar.due_at_many``). A row whose facts
   would be rejected (end before receipt) or flagged goes to the fallback.
4. The writer looks up which of their keys are stored already (those go to the fallback);
   the others are new and COPYed straight into ``dossiers_dossier`` (no staging, no ON
   CONFLICT); their rollups are added by the same set-based statements as the upsert path.

Every other row goes through the existing per-record path (``ingest.ingest_dossiers``) in the
same transaction, in row order, so quarantine reasons, flags, classification and counts are
those of that path. Steps 1–3 of the next block run in a worker thread while the batch's
connection writes the current one. A file whose *shape* the fast reader would not read
exactly like ``parsing.read_csv`` (odd header, a ragged line, bad UTF-8, a field beyond the
csv module's limit) raises ``Unsupported`` and the caller re-runs the batch on the
per-record path from the start.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import queue
import sys
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings
from django.db import connection
from django.utils import timezone

from kpixa.dossiers.facts import (
    LATE_RECEIPT_HOURS,
    LONG_OPEN_DAYS,
    SYNC_HOURS,
    due_base_setting,
    step_end,
    supplement_waiting,
)
from kpixa.dossiers.models import Dossier
from kpixa.dossiers.parsing import LIST_COLUMNS, _json_list, flat_record, nfc, parse_dt
from kpixa.dossiers.records import (
    FLOAT_LITERAL,
    FUTURE_MARGIN,
    LIMIT_UNITS,
    MAX_LIMITS,
    STATUS_NAMES,
    TEXT_LIMITS,
    TRUE_VALUES,
    Note,
    Reject,
    _any_item,
    parse_fees,
    parse_limit,
    parse_steps,
    parse_supplements,
    record_hash,
    record_hash_float_free,
    resident_data_used,
    reused_from_dmqg,
)
from kpixa.dossiers.services import copyload, ingest, rollups
from kpixa.dossiers.services.ingest import Context
from kpixa.rules import outcome as rule
from kpixa.rules.codes import FINISHED_STATUSES, Channel, DossierStatus

BLOCK_BYTES = 8 << 20  # about 4,000 generator rows per block
ROLLUP_ROWS = 50_000  # rows COPYed before their rollups are added (sooner when a row falls back)
DAY = 86_400
VN_OFFSET_S = 7 * 3600
DATE_FORMAT = "%Y%m%d%H%M%S"
EPOCH = datetime(1970, 1, 1)
SECOND = timedelta(seconds=1)
FIRST_S = int(np.datetime64("2000-01-01T00:00:00", "s").astype(np.int64))
LAST_S = int(np.datetime64("2100-12-31T23:59:59", "s").astype(np.int64))
DATE_COLUMNS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
# Stored lengths (validate_dossier rejects a longer key and cuts and flags longer text; such a
# value is left to the per-record path).
MAX_LENGTHS = {
    "MaHoSo": 100,
    "MaTTHC": 40,
    "DonViXuLy": 80,
    "SoGiayToChuHoSo": 30,
    **TEXT_LIMITS,
}
# Codes with anything but printable ASCII are left to the per-record path (records.key_text
# rejects invisible characters; the rest is accepted there as well).
KEY_COLUMNS = ("MaHoSo", "MaTTHC", "DonViXuLy")
EVENT_COLUMNS = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
Progress = Callable[[], None]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@functools.cache
def suspect_text() -> str:
    """An RE2 pattern matching any text that per-record reading could change (``parsing.nfc``
    and ``str.strip``): NUL, a character that is not NFC-stable on its own or may combine
    with the one before it (its quick check is not "yes", it has a combining class, it ends a
    canonical decomposition, or it is a Hangul vowel or final jamo), or whitespace as
    ``str.isspace`` defines it at either end. Built once (about 0.3 s)."""
    suspect = {0}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if unicodedata.combining(char) or not unicodedata.is_normalized("NFC", char):
            suspect.add(code)
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<"):
            suspect.update(int(part, 16) for part in decomposition.split()[1:])
    suspect.update(range(0x1161, 0x1176))  # Hangul vowel jamo (composed algorithmically)
    suspect.update(range(0x11A8, 0x11C3))  # Hangul final jamo
    spaces = _char_class(code for code in range(sys.maxunicode + 1) if chr(code).isspace())
    return f"{_char_class(suspect)}|^{spaces}|{spaces}$"


def _char_class(codes: Iterable[int]) -> str:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return (
        "["
        + "".join(f"\\x{{{low:x}}}" + (f"-\\x{{{high:x}}}" if high > low else "") for low, high in ranges)
        + "]"
    )


class Unsupported(Exception):  # noqa: N818 — a signal to the caller, not an error
    """The file's shape is not one the fast reader reads exactly like ``parsing.read_csv``."""


def enabled() -> bool:
    """The fast path is on (setting ``KPIXA_FAST_CSV_IMPORT``, default on) and the database is PostgreSQL."""
    return bool(getattr(settings, "KPIXA_FAST_CSV_IMPORT", True)) and copyload.available()


def applicable(kind: str, extra: dict[str, Any], with_results: bool) -> bool:
    """True for a dossier CSV file on PostgreSQL imported without per-record results."""
    return (
        enabled()
        and kind == "dossier"
        and extra.get("format") == "csv"
        and "path" in extra
        and not with_results
    )


def read_header(path: Path) -> list[str]:
    """The header's column names; Unsupported unless they are plain, unique and non-empty and
    the line ends with a line feed (``_blocks`` skips the file's first line as bytes)."""
    with path.open("rb") as handle:
        raw = handle.readline()
    try:
        line = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unsupported("header is not UTF-8") from exc
    body = line.removesuffix("\n").removesuffix("\r")
    if '"' in body or "\r" in body or "\n" in body or not body.strip():
        raise Unsupported("quoted, empty or not one line")
    names = nfc(body).split(",")  # without quotes, the csv module splits at every comma
    if any(not name or name != name.strip() for name in names) or len(set(names)) != len(names):
        raise Unsupported("header names need the per-record reader")
    return names


def ingest_file(ctx: Context, path: str | Path, progress: Progress | None = None) -> None:
    """Import a dossier CSV into ``ctx.batch`` (inside the caller's transaction).

    A worker thread reads and prepares block k+1 (no database access) while this thread
    writes block k; at most one prepared block waits, so memory stays bounded.
    """
    from kpixa.workdays.calendar import get_calendar

    if not connection.in_atomic_block:
        raise RuntimeError("fastpath.ingest_file must run inside the batch's transaction")
    path = Path(path)
    names = read_header(path)
    state = _State(calendar=get_calendar())
    for prepared in _pipeline(_prepared_blocks(ctx, names, path, state)):
        _write(ctx, names, prepared, state)
        if progress is not None:
            progress()
    _add_rollups(ctx, state)


@dataclass
class _State:
    """Shared by the two threads: the calendar, and whether recent blocks were mostly stored
    keys (a re-sent file), in which case the worker leaves the per-row reading to the writer,
    after the look-up, instead of reading rows that will go the per-record way anyway. The
    writer's own: the id ranges COPYed since their rollups were last added."""

    calendar: Any
    mostly_stored: bool = False
    pending: list[tuple[int, int]] = field(default_factory=list)  # COPYed id ranges, rollups not added
    pending_rows: int = 0


_DONE = object()


def _prepared_blocks(ctx: Context, names: list[str], path: Path, state: _State) -> Iterator[Prepared]:
    row = 1
    for block in _blocks(path, names):
        prepared = _prepare(ctx, names, block, row)
        if not state.mostly_stored:
            prepared.done = _read_rows(ctx, names, prepared, prepared.candidates, state.calendar)
        yield prepared
        row += block.num_rows


def _blocks(path: Path, names: list[str]) -> Iterator[Any]:
    """The file's rows after the header as Arrow record batches of about BLOCK_BYTES each.

    The file is cut into blocks here, each ending at a line break outside quotes (an even
    number of quote characters before it, as in RFC 4180), and each block is parsed on its
    own. pyarrow's streaming reader would read far ahead of the parser in a thread of its
    own (about 250 MB buffered for a 383 MB file): memory would grow with the file.
    """
    import pyarrow as pa

    with path.open("rb") as handle:
        handle.readline()  # the header (read_header checked it; no quotes in it)
        rest = b""
        while True:
            data = handle.read(BLOCK_BYTES)
            text, rest = _cut(rest + data, at_end=not data)
            if text:
                try:
                    table = _parse(text, names)
                except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                    raise Unsupported(str(exc)[:200]) from exc
                yield from table.combine_chunks().to_batches()
            if not data:
                return
            if len(rest) > 8 * BLOCK_BYTES:
                raise Unsupported("no line break outside quotes for too long")


def _cut(data: bytes, *, at_end: bool) -> tuple[bytes, bytes]:
    """Split ``data`` after its last line break outside quotes: (complete rows, the rest)."""
    if at_end:
        return data, b""
    end = len(data)
    quotes = data.count(b'"')
    while (cut := data.rfind(b"\n", 0, end)) >= 0:
        quotes -= data.count(b'"', cut, end)
        if quotes % 2 == 0:
            return data[: cut + 1], data[cut + 1 :]
        end = cut
    return b"", data


def _parse(text: bytes, names: list[str]) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    return pacsv.read_csv(
        pa.py_buffer(text),
        read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=len(text) + 1),
        parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _pipeline(items: Iterator[Any]) -> Iterator[Any]:
    """Run the iterator ``items`` in a worker thread, one item ahead of the consumer."""
    handoff: queue.Queue[Any] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            put(exc)

    worker = threading.Thread(target=work, name="kpixa-fast-import", daemon=True)
    worker.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join()


# --- one block ----------------------------------------------------------------------------


@dataclass
class Dates:
    """A date column: local naive seconds (0 where absent), presence and 'not plainly valid'."""

    secs: IntArray
    present: BoolArray
    bad: BoolArray


def _to_numpy(array: Any) -> Any:
    return array.to_numpy(zero_copy_only=False)


@dataclass
class Prepared:
    """A block after the column-wise checks; ``done``: the candidates read (or None)."""

    block: Any
    first_row: int
    unclean: BoolArray  # not plainly clean by the column-wise checks
    blank: BoolArray  # every field empty: skipped, as read_csv skips it
    candidates: IntArray  # the others (their keys may still turn out to be stored)
    commune: IntArray
    status: IntArray
    channel: IntArray
    dates: dict[str, Dates]
    proc_index: IntArray
    procedures: list[Any]
    unknown_only: BoolArray  # plainly clean but for a procedure code not in the catalogue's snapshot
    done: Read | None = None
    handled: BoolArray | None = None  # rows already through the per-record path (_name_procedures)


@dataclass
class Read:
    """Rows read per row and column-wise: the clean ones (with their COPY table) and the rest."""

    clean: IntArray
    unclean: IntArray
    keys: list[str]
    table: Any
    notes: list[list[Note]]  # what was noted about each clean row (its flags), aligned with ``keys``

    def only(self, keep: BoolArray) -> Read:
        """The clean rows where ``keep`` (aligned with them) is true."""
        import pyarrow as pa

        return Read(
            self.clean[keep],
            self.unclean,
            [key for key, wanted in zip(self.keys, keep, strict=True) if wanted],
            self.table.filter(pa.array(keep)),
            [notes for notes, wanted in zip(self.notes, keep, strict=True) if wanted],
        )


def _prepare(ctx: Context, names: list[str], block: Any, first_row: int) -> Prepared:
    """The column-wise checks of a block (no database access: runs in the worker thread)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    row_count = block.num_rows
    empty = pa.array([""] * row_count, pa.string())
    cols = {name: block.column(position) for position, name in enumerate(names)}

    def col(name: str) -> Any:
        return cols.get(name, empty)

    unclean = np.zeros(row_count, dtype=bool)
    blank = np.ones(row_count, dtype=bool)
    limit = csv.field_size_limit()
    suspect = suspect_text()
    for name, values in cols.items():
        lengths = _to_numpy(pc.utf8_length(values))
        if lengths.size and lengths.max() > limit:
            raise Unsupported("a field beyond the csv module's limit")
        unclean |= _to_numpy(pc.match_substring_regex(values, suspect))
        blank &= lengths == 0
        if name in MAX_LENGTHS:
            unclean |= lengths > MAX_LENGTHS[name]

    key = col("MaHoSo")
    unclean |= _to_numpy(pc.equal(key, ""))
    counts = pc.value_counts(key)
    twice = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
    unclean |= _to_numpy(pc.is_in(key, value_set=twice))

    commune, known_unit = _lookup(col("DonViXuLy"), ctx.units)
    unclean |= ~known_unit
    if ctx.allowed is not None:
        unclean |= ~np.isin(commune, np.fromiter(ctx.allowed, dtype=np.int64))
    procedures = ctx.procedures  # one snapshot for the block (the fallback may add codes)
    proc_codes = list(procedures)
    proc_index = _to_numpy(
        pc.fill_null(pc.index_in(col("MaTTHC"), value_set=pa.array(proc_codes, pa.string())), -1)
    )
    unknown = proc_index < 0  # kept apart: the writer may name the code first (_name_procedures)
    status = _to_numpy(pc.fill_null(pc.index_in(col("TrangThaiHoSo"), value_set=_status_codes()), -1)) + 1
    unclean |= status < 1
    channel = _to_numpy(
        pc.fill_null(pc.index_in(col("KenhThucHien"), value_set=pa.array(["", "1", "2", "3"])), -1)
    )
    unclean |= channel < 0
    channel = np.maximum(channel, 1)

    dates = {name: _dates(col(name)) for name in DATE_COLUMNS}
    for column_dates in dates.values():
        unclean |= column_dates.bad
    received = dates["NgayTiepNhan"]
    unclean |= ~received.present
    finished = dates["NgayKetThucXuLy"]
    unclean |= finished.present & (finished.secs < received.secs)
    unclean |= _implausible(ctx, cols, dates, row_count)
    return Prepared(
        block, first_row, unclean | unknown, blank, np.flatnonzero(~unclean & ~unknown & ~blank), commune,
        status, channel, dates, proc_index, [procedures[code] for code in proc_codes], unknown & ~unclean,
    )  # fmt: skip


def _implausible(ctx: Context, cols: dict[str, Any], dates: dict[str, Dates], row_count: int) -> BoolArray:
    """Rows the per-record path rejects or notes for what their plain columns say
    (``records._dates``, ``key_text``, ``limit_problem``): left to it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.zeros(row_count, dtype=bool)
    for name in KEY_COLUMNS:
        if name in cols:
            out |= _to_numpy(pc.match_substring_regex(cols[name], r"[^\x20-\x7e]"))
    received, due, submitted = dates["NgayTiepNhan"], dates["NgayHenTra"], dates["NgayNopHoSo"]
    out |= due.present & (due.secs // DAY < received.secs // DAY)
    out |= submitted.present & (submitted.secs > received.secs)
    latest = (np.datetime64(ctx.now + FUTURE_MARGIN, "s") - np.datetime64(EPOCH, "s")).astype(np.int64)
    for name in EVENT_COLUMNS:
        out |= dates[name].present & (dates[name].secs > latest)
    if "ThoiGianGiaiQuyet" in cols:
        limit = cols["ThoiGianGiaiQuyet"]
        plain = _to_numpy(pc.match_substring_regex(limit, r"^[0-9]{1,6}([.,][0-9]{1,6})?$"))
        value = _to_numpy(
            pc.cast(pc.replace_substring(pc.if_else(plain, limit, "0"), ",", "."), pa.float64())
        )
        empty = _to_numpy(pc.equal(limit, ""))
        units = list(LIMIT_UNITS)
        unit = cols.get("DonViTinh", pa.array([""] * row_count, pa.string()))
        index = _to_numpy(pc.fill_null(pc.index_in(pc.utf8_lower(unit), value_set=pa.array(units)), -1))
        maxima = np.array([MAX_LIMITS[LIMIT_UNITS[word]] for word in units] + [MAX_LIMITS["ngay_lam_viec"]])
        out |= ~empty & (~plain | (value > maxima[index]))
    return out


def _read_rows(ctx: Context, names: list[str], prepared: Prepared, rows: IntArray, calendar: Any) -> Read:
    """Read the list columns of ``rows``, compute their facts and their COPY table."""
    lists = _list_columns(names, prepared.block, rows, ctx.now + FUTURE_MARGIN)
    keep = rows[lists.read_ok]
    facts = _facts(
        ctx,
        keep,
        lists,
        prepared.status,
        prepared.channel,
        prepared.dates,
        prepared.proc_index,
        prepared.procedures,
        calendar,
    )
    clean = keep[facts.clean]
    unclean = np.concatenate([rows[~lists.read_ok], keep[~facts.clean]])
    selected = facts.select(facts.clean)
    table = _rows(
        ctx,
        prepared.block,
        names,
        clean,
        selected,
        prepared.commune,
        prepared.status,
        prepared.channel,
        prepared.dates,
    )
    keys = table.column("ma_ho_so").to_pylist()
    return Read(clean, unclean, keys, table, selected["notes"])


def _keys(names: list[str], prepared: Prepared) -> list[str]:
    import pyarrow as pa

    return list(
        prepared.block.column(names.index("MaHoSo"))
        .take(pa.array(prepared.candidates, pa.int64()))
        .to_pylist()
    )


def _write(ctx: Context, names: list[str], prepared: Prepared, state: _State) -> None:
    """Write one prepared block: the stored-key look-up, the fallback rows, the COPY."""
    if prepared.unknown_only.any():
        prepared = _name_procedures(ctx, names, prepared, state)
    unclean = prepared.unclean.copy()
    if prepared.done is None:  # the worker left the reading to us: look up first, read the new rows only
        keys = _keys(names, prepared) if len(prepared.candidates) else []
        stored = set(_stored_keys(ctx, keys))
        new = np.array([key not in stored for key in keys], dtype=bool)
        unclean[prepared.candidates[~new]] = True
        read = _read_rows(ctx, names, prepared, prepared.candidates[new], state.calendar)
    else:
        read = prepared.done
        stored = set(_stored_keys(ctx, read.keys))
        if stored:
            new = np.array([key not in stored for key in read.keys], dtype=bool)
            unclean[read.clean[~new]] = True
            read = read.only(new)
    state.mostly_stored = len(stored) > len(prepared.candidates) // 2
    unclean[read.unclean] = True
    if prepared.handled is not None:
        unclean &= ~prepared.handled
    fallback = np.flatnonzero(unclean & ~prepared.blank)
    ctx.counts["read"] += len(fallback) + len(read.clean)
    if len(fallback):
        # The per-record path may replace rows COPYed earlier: their rollups must be in first
        # (it subtracts what a replaced row contributed, read from the row as stored).
        _add_rollups(ctx, state)
        _fallback(ctx, names, prepared.block, fallback, prepared.first_row)
    if len(read.clean):
        state.pending.append(_copy_new(ctx, read.table))
        ingest.write_flags(
            ctx, {key: notes for key, notes in zip(read.keys, read.notes, strict=True) if notes}
        )
        state.pending_rows += len(read.clean)
        if state.pending_rows >= ROLLUP_ROWS:
            _add_rollups(ctx, state)
        ctx.counts["created"] += len(read.clean)
        ctx.fast_rows += len(read.clean)


def _name_procedures(ctx: Context, names: list[str], prepared: Prepared, state: _State) -> Prepared:
    """Let the per-record path add the block's unknown procedure codes, then prepare the block
    again with the grown catalogue, so the other rows naming them stay on the fast path.

    The per-record path adds an unknown code from the first valid record naming it
    (``ingest.ensure_procedures``). Per code still unknown, the rows naming it up to its first
    plainly clean one go that way first, in row order (unless one of their keys is twice in
    the block: their order with the twin matters, so the code's rows all fall back as before);
    when all of them are rejected the code stays unknown and its later rows fall back. A block
    prepared while an earlier block's rows were adding codes is prepared again as well."""
    block = prepared.block
    codes = block.column(names.index("MaTTHC")).to_pylist()  # a row with a code has the column
    keys = block.column(names.index("MaHoSo")).to_pylist()
    seen = Counter(keys)
    first: dict[str, int] = {}
    for position in np.flatnonzero(prepared.unknown_only).tolist():
        if codes[position] not in ctx.procedures:
            first.setdefault(codes[position], position)
    by_code: dict[str, list[int]] = {code: [] for code in first}
    for row in np.flatnonzero(prepared.proc_index < 0).tolist():
        if codes[row] in first and row <= first[codes[row]]:
            by_code[codes[row]].append(row)
    handled = np.zeros(block.num_rows, dtype=bool)
    rows = sorted(
        row for taken in by_code.values() if all(seen[keys[r]] == 1 for r in taken) for row in taken
    )
    if rows:
        handled[rows] = True
        ctx.counts["read"] += len(rows)
        _add_rollups(ctx, state)  # the per-record path may replace rows COPYed earlier (see _write)
        _fallback(ctx, names, block, np.array(rows, dtype=np.int64), prepared.first_row)
    if not any(codes[row] in ctx.procedures for row in np.flatnonzero(prepared.unknown_only).tolist()):
        prepared.handled = handled
        return prepared
    again = _prepare(ctx, names, block, prepared.first_row)
    again.unclean |= handled
    again.candidates = np.flatnonzero(~again.unclean & ~again.blank)
    again.unknown_only = np.zeros(block.num_rows, dtype=bool)  # what is still unknown falls back
    again.handled = handled
    return again


def _status_codes() -> Any:
    """'1'…'10': a code's index + 1 is the status."""
    import pyarrow as pa

    return pa.array([str(code) for code in range(1, max(STATUS_NAMES) + 1)], pa.string())


def _stored_keys(ctx: Context, keys: list[str]) -> list[str]:
    # One probe of the identity index per key (copyload.key_set): the batch's own rows have no
    # statistics, and a literal key list was planned as a scan of every row of the source.
    found = Dossier.objects.filter(source_system=ctx.batch.source_system, ma_ho_so__in=copyload.key_set(keys))
    return list(found.values_list("ma_ho_so", flat=True))


def _lookup(values: Any, mapping: dict[str, int]) -> tuple[IntArray, BoolArray]:
    """Map text values through ``mapping`` column-wise: (ids, found)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    codes = list(mapping)
    index = _to_numpy(pc.fill_null(pc.index_in(values, value_set=pa.array(codes, pa.string())), -1))
    ids = np.fromiter((mapping[code] for code in codes), dtype=np.int64, count=len(codes))
    found = index >= 0
    return np.where(found, ids[np.maximum(index, 0)] if len(ids) else 0, 0), found


def _dates(values: Any) -> Dates:
    """A date column in the portal form (or empty); anything else is marked bad (left to the fallback)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    stamps = pc.strptime(values, format=DATE_FORMAT, unit="s", error_is_null=True)
    exact = pc.and_(
        pc.match_substring_regex(values, r"^[0-9]{14}$"),
        pc.equal(pc.strftime(stamps, format=DATE_FORMAT), values),
    )
    secs = _to_numpy(pc.fill_null(stamps.cast(pa.int64()), 0)).astype(np.int64)
    present = _to_numpy(pc.fill_null(exact, False)).astype(bool)
    in_range = (secs >= FIRST_S) & (secs <= LAST_S)
    empty = _to_numpy(pc.equal(values, ""))
    return Dates(np.where(present, secs, 0), present & in_range, ~empty & ~(present & in_range))


# --- list columns: per row, with the per-record path's own functions ------------------------


@dataclass
class Lists:
    """What the list columns give for the candidate rows (``read_ok``: read without a problem);
    ``values``: arrays (or lists of text) by name, aligned with the rows."""

    read_ok: BoolArray
    values: dict[str, Any]


TIMES = ("step_end", "step_last", "sup_first_due_before", "sup_single_open", "sup_second", "sup_last")


def _list_columns(
    names: list[str], block: Any, rows: Sequence[int] | np.ndarray, latest: datetime | None = None
) -> Lists:
    """Read the list columns of ``rows`` with the per-record path's functions, one row at a time;
    a row they reject is not ``read_ok`` (left to the fallback, which says why). What they note
    about a row (records.Note: a default date, the sender's DuocLayTuKhoDMQG default) is kept in
    ``values["notes"]`` and written as the row's flags. ``latest``: no event may be later
    (records.FUTURE_MARGIN)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    taken = block.take(pa.array(rows, pa.int64())) if len(rows) else block.slice(0, 0)
    columns = [taken.column(column_index).to_pylist() for column_index in range(len(names))]
    count = len(rows)
    # Rows whose list columns may hold a float are hashed by record_hash itself (FLOAT_LITERAL).
    floats = np.zeros(count, dtype=bool)
    for column_index, name in enumerate(names):
        if name in LIST_COLUMNS and count:
            floats |= _to_numpy(pc.match_substring_regex(taken.column(column_index), FLOAT_LITERAL))
    read_ok = np.ones(count, dtype=bool)
    flags = np.zeros((6, count), dtype=bool)
    numbers = np.zeros((2, count), dtype=np.int64)
    fee_lists = np.zeros(count, dtype=bool)
    times: dict[str, list[datetime | None]] = {name: [None] * count for name in TIMES}
    texts: dict[str, list[str]] = {
        name: [""] * count for name in ("step_end_source", "steps", "supplements", "hash")
    }
    row_notes: list[list[Note]] = [[] for _ in range(count)]
    list_names = [name for name in names if name in LIST_COLUMNS]
    for position, values in enumerate(zip(*columns, strict=True)):
        record: dict[str, Any] = dict(zip(names, values, strict=True))
        for name in list_names:
            record[name] = _json_list(name, record[name], record)
        if "_error" in record:
            read_ok[position] = False
            continue
        notes: list[Note] = []
        try:  # in records._validate's order, so the notes come in its order
            received = parse_dt(record["NgayTiepNhan"])
            sups = (
                parse_supplements(record, received=received, latest=latest, notes=notes)
                if record.get("DanhSachHoSoBoSung")
                else []
            )
            steps = parse_steps(record.get("tienTrinhDongBo") or [], latest=latest, notes=notes)
            fees = parse_fees(record)
            flags[0, position] = _any_item(record, "TaiLieuNop", "DuocSoHoa")
            from_dmqg = reused_from_dmqg(record, notes)
            flags[1, position] = _any_item(record, "TaiLieuNop", "DuocTaiSuDung") or from_dmqg
            flags[2, position] = _any_item(
                record, "DanhSachGiayToKetQua", "DuongDanTepTinKetQua", truthy=False
            )
            flags[5, position] = resident_data_used(record)
        except Reject:
            read_ok[position] = False
            continue
        row_notes[position] = notes  # written as the row's flags (ingest.write_flags)
        times["step_end"][position], texts["step_end_source"][position] = step_end(steps)
        step_times = [item.at for item in steps if item.at is not None]
        times["step_last"][position] = max(step_times) if step_times else None
        if sups:
            numbers[0, position] = len(sups)
            numbers[1, position], flags[4, position] = supplement_waiting(sups)
            times["sup_first_due_before"][position] = sups[0].due_before
            times["sup_single_open"][position] = (
                sups[0].requested_at if len(sups) == 1 and sups[0].answered_at is None else None
            )
            times["sup_second"][position] = sups[1].requested_at if len(sups) > 1 else None
            times["sup_last"][position] = max(
                moment
                for item in sups
                for moment in (item.requested_at, item.answered_at)
                if moment is not None
            )
        flags[3, position] = fees is not None and any(amount > 0 for amount in fees)
        texts["steps"][position] = json.dumps([ingest._step_json(item) for item in steps], ensure_ascii=False)
        texts["supplements"][position] = (
            json.dumps([ingest._supplement_json(item) for item in sups], ensure_ascii=False) if sups else "[]"
        )
        texts["hash"][position] = record_hash(record) if floats[position] else record_hash_float_free(record)
        fee_lists[position] = fees is not None
    out: dict[str, Any] = dict(texts, notes=row_notes)
    for name in ("ThoiGianGiaiQuyet", "DonViTinh"):  # the record's own limit (rule.limit_for)
        out[name] = columns[names.index(name)] if name in names else [""] * count
    for name, stamps in times.items():
        out[name], out[f"{name}_present"] = _seconds(stamps)
    out.update(digitised=flags[0], reused_items=flags[1], e_result=flags[2], fee_positive=flags[3])
    out.update(resident_data_used=flags[5])
    out.update(sup_open=flags[4], sup_count=numbers[0], sup_wait=numbers[1], fee_list=fee_lists)
    return Lists(read_ok, out)


def _seconds(values: list[datetime | None]) -> tuple[IntArray, BoolArray]:
    """Naive local datetimes as seconds since 1970-01-01 00:00 (0 where None), and presence."""
    present = np.fromiter((value is not None for value in values), dtype=bool, count=len(values))
    seconds = [(value - EPOCH) // SECOND if value is not None else 0 for value in values]
    return np.array(seconds, dtype=np.int64), present


# --- facts, column-wise ---------------------------------------------------------------------


@dataclass
class Facts:
    """Facts of the kept candidate rows (arrays aligned with them); ``clean``: neither rejected
    nor flagged by the per-record rules."""

    clean: BoolArray
    cols: dict[str, Any]

    def select(self, mask: BoolArray) -> dict[str, Any]:
        return {name: _pick(values, mask) for name, values in self.cols.items()}


def _pick(values: Any, mask: BoolArray) -> Any:
    if isinstance(values, list):
        return [value for value, wanted in zip(values, mask, strict=True) if wanted]
    if isinstance(values, tuple):
        return tuple(value[mask] for value in values)
    return values[mask]


def _facts(
    ctx: Context,
    rows: np.ndarray,
    lists: Lists,
    status_all: IntArray,
    channel_all: IntArray,
    dates: dict[str, Dates],
    proc_index_all: IntArray,
    procedures: list[Any],
    calendar: Any,
) -> Facts:
    """``facts.compute_facts`` column-wise for ``rows`` (the candidates read without a problem)."""
    read_ok = lists.read_ok
    listed = {name: _pick(values, read_ok) for name, values in lists.values.items()}
    status, channel = status_all[rows], channel_all[rows]
    row_dates = {
        name: Dates(column.secs[rows], column.present[rows], column.bad[rows])
        for name, column in dates.items()
    }
    procs = [procedures[index] for index in proc_index_all[rows]]
    count = len(rows)
    received = row_dates["NgayTiepNhan"].secs

    # Due time (facts.given_due, else facts.statutory_dues), extended by the waiting time.
    due = row_dates["NgayHenTra"]
    first_before = (listed["sup_first_due_before"], listed["sup_first_due_before_present"])
    truoc = first_before[1] & (due_base_setting() == "truoc")
    given_present = truoc | due.present
    limits = np.array(
        [procedure.limit_value if procedure.limit_value is not None else np.nan for procedure in procs],
        dtype=np.float64,
    )
    units = np.array([procedure.limit_unit for procedure in procs], dtype=object)
    # The record's own ThoiGianGiaiQuyet/DonViTinh comes before the catalogue's (rule.limit_for).
    own = _own_limits(listed["ThoiGianGiaiQuyet"], listed["DonViTinh"], ~given_present)
    for position, (value, unit) in own.items():
        limits[position], units[position] = value, unit
    own_limit = np.zeros(count, dtype=bool)
    own_limit[list(own)] = True
    need = ~given_present & ~np.isnan(limits)
    base = np.where(truoc, first_before[0], np.where(due.present, due.secs, 0))
    if need.any():
        cutoffs = np.array(
            [-1 if procedure.cutoff_hour is None else procedure.cutoff_hour * 60 for procedure in procs],
            dtype=np.int64,
        )
        statutory = calendar.due_at_many(
            received[need].astype("datetime64[s]"), limits[need], units[need].astype(str), cutoffs[need]
        )
        base[need] = statutory.astype(np.int64)
    has_due = given_present | need
    limit_source = np.where(own_limit, rule.DUE_FROM_RECORD_LIMIT, rule.DUE_FROM_CATALOGUE)
    due_source = np.where(
        truoc,
        rule.DUE_FROM_SUPPLEMENT,
        np.where(due.present, rule.DUE_FROM_RECORD, np.where(need, limit_source, "")),
    )
    effective = base + listed["sup_wait"]

    # End of processing (facts.end_of_processing).
    finished, returned, refused = row_dates["NgayKetThucXuLy"], row_dates["NgayTra"], row_dates["NgayTuChoi"]
    by_return = (status == DossierStatus.RETURNED) & returned.present
    by_refusal = (status == DossierStatus.NOT_RECEIVED) & refused.present
    step_present = listed["step_end_present"]
    by_supplement = listed["sup_single_open_present"]
    choices = [finished.present, step_present, by_return, by_refusal, by_supplement]
    end_present = np.logical_or.reduce(choices)
    end = np.select(
        choices,
        [finished.secs, listed["step_end"], returned.secs, refused.secs, listed["sup_single_open"]],
        0,
    )
    end_source = [
        "NgayKetThucXuLy"
        if row_finished
        else row_step_source
        if row_step
        else "NgayTra"
        if row_returned
        else "NgayTuChoi"
        if row_refused
        else "bo_sung"
        if row_supplement
        else ""
        for row_finished, row_step, row_step_source, row_returned, row_refused, row_supplement in zip(
            finished.present,
            step_present,
            listed["step_end_source"],
            by_return,
            by_refusal,
            by_supplement,
            strict=True,
        )
    ]
    sup_count = listed["sup_count"]
    # rule.ended_on_time: a due time, at most one request, ended by the extended due time.
    on_time = (sup_count <= 1) & has_due & (end <= effective)
    # rule.overdue_since: the extended due time, or just before a second supplement request.
    second = listed["sup_second_present"]
    overdue_at = np.where(second & has_due, np.minimum(effective, listed["sup_second"] - 1), effective)
    overdue_at = np.where(second & ~has_due, listed["sup_second"] - 1, overdue_at)
    has_overdue = has_due | second
    received_day = received // DAY
    end_day = end // DAY
    # rule.overdue_day: without any due time (NO_DUE_POLICY), not on time from the day of receipt.
    overdue_day = np.where(has_overdue, np.maximum(overdue_at // DAY, received_day), received_day)
    overdue_present = ~(end_present & (overdue_day >= end_day))

    # Version marker (records._latest): the latest time anywhere but NgayHenTra.
    version = received.copy()
    for name in ("NgayNopHoSo", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi"):
        version = np.where(row_dates[name].present, np.maximum(version, row_dates[name].secs), version)
    for name in ("step_last", "sup_last"):
        version = np.where(listed[f"{name}_present"], np.maximum(version, listed[name]), version)
    now_us = int(np.datetime64(ctx.now, "us").astype(np.int64))  # microseconds, as in facts._facts

    submitted = row_dates["NgayNopHoSo"]
    late = np.zeros(count, dtype=bool)
    online = channel == Channel.ONLINE
    timed = online & submitted.present
    if timed.any():
        timed_count = int(timed.sum())
        limit = calendar.due_at_many(
            submitted.secs[timed].astype("datetime64[s]"),
            np.full(timed_count, LATE_RECEIPT_HOURS),
            np.full(timed_count, "gio"),
            np.full(timed_count, -1),
        )
        late[timed] = received[timed] > limit.astype(np.int64)

    proc_fee = np.array([procedure.fee_bearing for procedure in procs], dtype=bool)
    # Rejected (end before receipt) or flagged (facts.iter_flags) rows are left to the fallback.
    end_before = end_present & (end < received)
    long_open = end_present & ((end - received) // DAY > LONG_OPEN_DAYS)
    no_end = np.isin(status, list(FINISHED_STATUSES)) & ~end_present
    clean = ~end_before & ~long_open & ~no_end & has_due
    cols = {
        "procedure_id": np.array([procedure.id for procedure in procs], dtype=np.int64),
        "effective_due_at": (effective, has_due),
        "due_source": due_source,
        "wait_seconds": listed["sup_wait"],
        "supplement_count": sup_count,
        "supplement_open": listed["sup_open"],
        "end_at": (end, end_present),
        "end_source": end_source,
        "on_time": (on_time, end_present),
        "overdue_at": (overdue_at, has_overdue),
        "received_day": received_day,
        "end_day": (end_day, end_present),
        "overdue_day": (overdue_day, overdue_present),
        "online": online,
        "fee_bearing": np.where(listed["fee_list"], listed["fee_positive"], proc_fee),
        "e2e_eligible": np.array([procedure.e2e_eligible for procedure in procs], dtype=bool),
        "certification": np.array([procedure.certification for procedure in procs], dtype=bool),
        "late_receipt": late,
        "synced_on_time": now_us - version * 1_000_000 <= SYNC_HOURS * 3600 * 1_000_000,
        "version_at": version,
        "digitised": listed["digitised"],
        "reused_items": listed["reused_items"],
        "e_result": listed["e_result"],
        "resident_data_used": listed["resident_data_used"],
        "steps": listed["steps"],
        "supplements": listed["supplements"],
        "version_hash": listed["hash"],
        "notes": listed["notes"],
    }
    return Facts(clean, cols)


def _own_limits(values: list[Any], units: list[Any], wanted: BoolArray) -> dict[int, tuple[float, str]]:
    """Row → (limit, unit) the record carries itself (``records.parse_limit``), for the
    ``wanted`` rows that carry one."""
    out: dict[int, tuple[float, str]] = {}
    for position in np.flatnonzero(wanted):
        if values[position]:
            value, unit = parse_limit(
                {"ThoiGianGiaiQuyet": values[position], "DonViTinh": units[position] or ""}
            )
            if value is not None:
                out[int(position)] = (value, unit)
    return out


# --- writing --------------------------------------------------------------------------------


def _rows(
    ctx: Context,
    block: Any,
    names: list[str],
    rows: np.ndarray,
    facts: dict[str, Any],
    commune_all: IntArray,
    status_all: IntArray,
    channel_all: IntArray,
    dates: dict[str, Dates],
) -> Any:
    """The clean rows as an Arrow table in ``copyload.COLUMNS`` order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    take = pa.array(rows, pa.int64())
    row_count = len(rows)
    empty = pa.array([""] * row_count, pa.string())

    def text(name: str) -> Any:
        return block.column(names.index(name)).take(take) if name in names else empty

    def stamp(pair: tuple[IntArray, BoolArray]) -> Any:
        secs, present = pair
        return pa.array(secs - VN_OFFSET_S, type=pa.timestamp("s", tz="UTC"), mask=~present)

    def day(pair: Any) -> Any:
        days, present = pair if isinstance(pair, tuple) else (pair, np.ones(row_count, dtype=bool))
        return pa.array(days.astype(np.int32), type=pa.date32(), mask=~present)

    def date_col(name: str) -> Any:
        column = dates[name]
        return stamp((column.secs[rows], column.present[rows]))

    owner_id = text("SoGiayToChuHoSo")
    id_length = pc.utf8_length(owner_id)
    masked = pc.binary_join_element_wise(
        pc.binary_repeat("*", pc.max_element_wise(pc.subtract(id_length, 4), 0)),
        pc.utf8_slice_codeunits(owner_id, start=-4),
        "",
    )
    vneid = pc.is_in(text("TaiKhoanDuocXacThucVoiVNeID"), value_set=pa.array(sorted(TRUE_VALUES)))
    reused = pc.or_(
        pc.is_in(text("HoSoCoThanhPhanSoHoa"), value_set=pa.array(sorted(TRUE_VALUES))),
        pa.array(facts["reused_items"]),
    )
    now = timezone.now()
    values = {
        "source_system": pa.array([ctx.batch.source_system] * row_count, pa.string()),
        "ma_ho_so": text("MaHoSo"),
        "commune_id": pa.array(commune_all[rows]),
        "procedure_id": pa.array(facts["procedure_id"]),
        "procedure_code": text("MaTTHC"),
        "unit_code": text("DonViXuLy"),
        "channel": pa.array(channel_all[rows]),
        "status": pa.array(status_all[rows]),
        "submitted_at": date_col("NgayNopHoSo"),
        "received_at": date_col("NgayTiepNhan"),
        "due_at": date_col("NgayHenTra"),
        "finished_at": date_col("NgayKetThucXuLy"),
        "returned_at": date_col("NgayTra"),
        "refused_at": date_col("NgayTuChoi"),
        "owner_name": text("ChuHoSo"),
        "owner_phone": text("SoDienThoai"),
        "owner_id_masked": masked,
        "steps": pa.array(facts["steps"], pa.string()),
        "supplements": pa.array(facts["supplements"], pa.string()),
        "effective_due_at": stamp(facts["effective_due_at"]),
        "due_source": pa.array(facts["due_source"].tolist(), pa.string()),
        "wait_seconds": pa.array(facts["wait_seconds"]),
        "supplement_count": pa.array(facts["supplement_count"]),
        "supplement_open": pa.array(facts["supplement_open"]),
        "end_at": stamp(facts["end_at"]),
        "end_source": pa.array([str(source) for source in facts["end_source"]], pa.string()),
        "on_time": pa.array(facts["on_time"][0], mask=~facts["on_time"][1]),
        "overdue_at": stamp(facts["overdue_at"]),
        "received_day": day(facts["received_day"]),
        "end_day": day(facts["end_day"]),
        "overdue_day": day(facts["overdue_day"]),
        "online": pa.array(facts["online"]),
        "paid_online": pc.is_in(text("DuocThanhToanTrucTuyen"), value_set=pa.array(["1", "2"])),
        "fee_bearing": pa.array(facts["fee_bearing"]),
        "e2e_eligible": pa.array(facts["e2e_eligible"]),
        "digitised": pa.array(facts["digitised"]),
        "e_result": pa.array(facts["e_result"]),
        "reused": reused,
        "vneid": vneid,
        "resident_data_used": pa.array(facts["resident_data_used"]),
        "late_receipt": pa.array(facts["late_receipt"]),
        "synced_on_time": pa.array(facts["synced_on_time"]),
        "certification": pa.array(facts["certification"]),
        "version_at": stamp((facts["version_at"], np.ones(row_count, dtype=bool))),
        "version_hash": pa.array(facts["version_hash"], pa.string()),
        "batch_id": pa.array([ctx.batch.pk] * row_count, pa.int64()),
        "ingested_at": pa.array([now] * row_count, pa.timestamp("us", tz="UTC")),
    }
    if set(values) != set(copyload.COLUMNS):  # a new Dossier column must be filled here too
        raise RuntimeError(f"fast path columns differ from the model: {set(values) ^ set(copyload.COLUMNS)}")
    return pa.table([values[name] for name in copyload.COLUMNS], names=list(copyload.COLUMNS))


def _copy_new(ctx: Context, table: Any) -> tuple[int, int]:
    """COPY brand-new rows into the dossier table; return the range of ids they were given
    (with any other session's rows inserted meanwhile, which are of other batches)."""
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer, pacsv.WriteOptions(include_header=False))
    last_id = f"SELECT COALESCE(pg_sequence_last_value(pg_get_serial_sequence('{copyload.TABLE}', 'id')), 0)"
    with connection.cursor() as cursor:
        cursor.execute(last_id)
        (before,) = cursor.fetchone()
        command = f"COPY {copyload.TABLE} ({', '.join(copyload.COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
        with cursor.cursor.copy(command) as copy:
            copy.write(buffer.getbuffer())
        cursor.execute(last_id)
        (after,) = cursor.fetchone()
    return int(before) + 1, int(after)


def _add_rollups(ctx: Context, state: _State) -> None:
    """Add the rollups of the rows COPYed since the last call, in one set-based statement (per
    table): one upsert per (commune, day, measure) for many blocks instead of one per block."""
    if state.pending:
        rollups.apply_inserted_deltas(ctx.batch.pk, state.pending)
        state.pending, state.pending_rows = [], 0


# --- the fallback ---------------------------------------------------------------------------


def _fallback(ctx: Context, names: list[str], block: Any, rows: np.ndarray, first_row: int) -> None:
    """The rows that are not plainly clean, through the per-record path, as parsing.read_csv reads them."""
    import pyarrow as pa

    if not len(rows):
        return
    taken = block.take(pa.array(rows, pa.int64()))
    columns = [taken.column(offset).to_pylist() for offset in range(len(names))]
    records = []
    for offset, raw_values in zip(rows.tolist(), zip(*columns, strict=True), strict=True):
        values = [nfc(value) for value in raw_values]  # read_csv normalises per line: the same per field
        if not any(value.strip() for value in values):
            ctx.counts["read"] -= 1  # read_csv skips a blank row (its number is still used)
            continue
        records.append((first_row + offset, flat_record(names, values, normalised=True)))
    for chunk in ingest.chunked(records):
        ingest.ingest_dossiers(ctx, chunk)
