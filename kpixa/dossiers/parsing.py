"""Reading input at the edge: JSON, JSON Lines, CSV and XLSX records, dates, text normalisation.

Error texts are Vietnamese and marked for translation: ``guess_format`` answers a request (gettext);
the others are stored with a batch or a rejection as what was said to the sender (gettext_noop).

Every reader yields ``(row_number, record)`` pairs where a record is a plain dict of strings
(and nested lists for the portal's list fields), NFC-normalised. Row numbers count from 1
(the first record; for CSV/XLSX the first data row after the header).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, overload

from django.utils.translation import gettext, gettext_noop

VN_OFFSET = timedelta(hours=7)
VN_TZ = timezone(VN_OFFSET)
FORMATS = ("json", "jsonl", "csv", "xlsx")
# Nested lists of the portal's record, carried in flat files as a JSON string column each.
LIST_COLUMNS = (
    "DanhSachHoSoBoSung",
    "DanhSachLePhi",
    "DanhSachGiayToKetQua",
    "TaiLieuNop",
    "tienTrinhDongBo",
    "DSKetNoiCSDL",
)
# Keys under which a JSON object may wrap its list of records, with declared totals beside it.
LIST_KEYS = ("danhSach", "DanhSach", "data", "records", "danhSachHoSo")
TOTALS_KEY = "TongHop"
# How deep a record may nest (a portal record is about 4 levels: hoSo → a list → an item → a
# value). A deeper record is rejected on its own (docs/dossier-format.md, "Limits").
MAX_DEPTH = 20
# A document nested deeper than the JSON decoder can follow (it raises RecursionError, at a
# few thousand levels) is read again with every container opened below this depth replaced
# by an empty list: its records are then deeper than MAX_DEPTH and rejected one by one.
PRUNE_DEPTH = 200


class FormatError(ValueError):
    """The input as a whole cannot be read (not JSON, not a list, bad header, ...)."""


class TooDeep(ValueError):  # noqa: N818 — a rejection reason, not a programming error
    """A value nested deeper than MAX_DEPTH: its record is rejected, the others are read."""


TOO_DEEP = gettext_noop("Bản ghi lồng nhau quá %(max)s cấp (giới hạn độ sâu): không đọc được.")


@dataclass
class Source:
    """Records read from one input, with the totals it declares about itself (if any)."""

    records: Iterable[tuple[int, Any]]
    declared: dict[str, Any] | None = None
    total: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# NUL and lone UTF-16 surrogates: valid in a JSON string, not storable in PostgreSQL text.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text(text: str) -> str:
    """``text`` without NUL characters and with lone surrogates replaced by U+FFFD."""
    if _UNSTORABLE.search(text) is None:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def nfc(value: Any, depth: int = 0) -> Any:
    """Return ``value`` with every string in it storable and NFC-normalised (dicts and lists
    recursively); TooDeep when containers nest more than MAX_DEPTH levels below ``value``."""
    if isinstance(value, str):
        value = storable_text(value)
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        raise TooDeep(TOO_DEEP % {"max": MAX_DEPTH})
    if isinstance(value, dict):
        return {nfc(k): nfc(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [nfc(v, depth + 1) for v in value]
    return value


def loads(text: str | bytes) -> Any:
    """``json.loads`` that never raises anything but JSONDecodeError: ``NaN``, ``Infinity`` and
    numbers too large for a float or too long for an int are kept as their text (a field
    holding one is then rejected by its own check, and the record stays storable as JSON),
    and a document nested deeper than the decoder can follow is pruned (see PRUNE_DEPTH)."""
    try:
        return _loads(text)
    except RecursionError:
        return _loads(_pruned(text if isinstance(text, str) else text.decode("utf-8-sig", "replace")))


def _float(text: str) -> float | str:
    value = float(text)
    return value if math.isfinite(value) else text


def _int(text: str) -> int | str:
    return int(text) if len(text) <= 300 else text


# One decoder for every call: ``json.loads`` with any hook builds a new decoder and scanner on
# each call, which cost the fast CSV import about a third of its rate (six list columns a row).
_DECODER = json.JSONDecoder(parse_constant=str, parse_float=_float, parse_int=_int)


def _loads(text: str | bytes) -> Any:
    try:
        if isinstance(text, bytes | bytearray):
            text = text.decode(json.detect_encoding(text), "surrogatepass")
        return _DECODER.decode(text)
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError(f"not UTF-8 ({exc.reason})", "", exc.start) from exc


_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')


def _pruned(text: str) -> str:
    """``text`` with every container opened at depth PRUNE_DEPTH replaced by ``[]``."""
    out, depth, start, kept = [], 0, -1, 0
    for match in _TOKENS.finditer(text):
        bracket = match.group()
        if bracket[0] == '"':  # a string: skipped whole
            continue
        if bracket in "[{":
            depth += 1
            if depth == PRUNE_DEPTH:
                start = match.start()
        else:
            if depth == PRUNE_DEPTH and start >= 0:
                out += [text[kept:start], "[]"]
                kept, start = match.end(), -1
            depth -= 1
    out.append(text[kept:] if start < 0 else text[kept:start] + "[]")
    return "".join(out)


def depth_error(value: Any) -> str:
    """TOO_DEEP's text when ``value`` nests more than MAX_DEPTH levels, else ''."""
    try:
        nfc(value)
    except TooDeep as exc:
        return str(exc)
    return ""


def read_record(row: int, value: Any) -> Any:
    """One decoded record, normalised (``nfc``); a record nested too deep becomes an ``_error``
    record (quarantined with its key) instead of stopping the whole input."""
    try:
        return nfc(value)
    except TooDeep as exc:
        key = value.get("MaHoSo") if isinstance(value, dict) else None
        error: dict[str, Any] = {"_error": str(exc), "_error_field": "", "_line": f"#{row}"}
        if isinstance(key, str | int) and not isinstance(key, bool):
            error["MaHoSo"] = nfc(str(key))[:100]
        return error


def guess_format(name: str) -> str:
    """Return the format named by a file's extension, or raise FormatError."""
    suffix = Path(name).suffix.lower().lstrip(".")
    suffix = {"ndjson": "jsonl", "xlsm": "xlsx"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise FormatError(
            gettext("Không nhận ra định dạng tệp '%(name)s' (chỉ nhận json, jsonl, csv, xlsx).")
            % {"name": name}
        )
    return suffix


def decode(data: bytes) -> str:
    """Decode UTF-8 with or without a byte-order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(gettext_noop("Tệp không phải UTF-8 (byte %(n)s).") % {"n": exc.start}) from exc


def open_source(path: str | Path, fmt: str | None = None) -> Source:
    """Open a file as a Source in the given (or guessed) format.

    CSV and JSON Lines are streamed: records are read as the import consumes them, so memory
    does not grow with the file. A JSON document is read whole (it is one value).
    """
    fmt = fmt or guess_format(str(path))
    if fmt == "xlsx":
        return read_xlsx(Path(path))
    if fmt in ("csv", "jsonl"):
        # The path and format let a CSV import take the column-wise fast path (fastpath.py).
        return Source(_stream(Path(path), fmt), extra={"path": Path(path), "format": fmt})
    return read_bytes(Path(path).read_bytes(), fmt)


def _stream(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as lines:
        try:
            yield from (read_csv(lines) if fmt == "csv" else read_jsonl(lines))
        except UnicodeDecodeError as exc:
            raise FormatError(
                gettext_noop("Tệp không phải UTF-8 (byte %(n)s của một khối đọc).") % {"n": exc.start}
            ) from exc


def read_bytes(data: bytes, fmt: str) -> Source:
    """Read in-memory content of any text format (json, jsonl, csv) or xlsx."""
    if fmt == "xlsx":
        return read_xlsx(io.BytesIO(data))
    text = decode(data)
    if fmt == "json":
        return read_json(text)
    if fmt == "jsonl":
        return Source(read_jsonl(text))
    if fmt == "csv":
        return Source(read_csv(text))
    raise FormatError(gettext_noop("Định dạng không được hỗ trợ: %(fmt)s.") % {"fmt": fmt})


def read_json(text: str) -> Source:
    """A JSON document: one record, a list of records, or an object wrapping a list and totals."""
    try:
        doc = loads(text)
    except json.JSONDecodeError as exc:
        raise FormatError(
            gettext_noop("JSON không hợp lệ (dòng %(line)s, cột %(col)s): %(msg)s.")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from exc
    return source_from_document(doc)


def source_from_document(doc: Any) -> Source:
    """Turn a decoded JSON document into a Source (shared by files and the API)."""
    declared = None
    if isinstance(doc, dict):
        keys = list_keys(doc)
        if len(keys) > 1:
            raise FormatError(
                gettext_noop("Dữ liệu có nhiều danh sách bản ghi cùng lúc (%(keys)s): chỉ gửi một danh sách.")
                % {"keys": ", ".join(keys)}
            )
        key = keys[0] if keys else None
        if key is not None:
            declared = doc.get(TOTALS_KEY) if isinstance(doc.get(TOTALS_KEY), dict) else None
            doc = doc[key]
        else:
            doc = [doc]
    if not isinstance(doc, list):
        raise FormatError(
            gettext_noop("Dữ liệu phải là một bản ghi (đối tượng JSON) hoặc một danh sách bản ghi.")
        )
    return Source(
        ((i, read_record(i, rec)) for i, rec in enumerate(doc, 1)), declared=declared, total=len(doc)
    )


def list_keys(doc: dict[str, Any]) -> list[str]:
    """The LIST_KEYS under which ``doc`` holds a list (more than one is refused: which to read?)."""
    return [k for k in LIST_KEYS if isinstance(doc.get(k), list)]


def read_jsonl(text: str | Iterable[str]) -> Iterator[tuple[int, Any]]:
    """One JSON record per non-blank line (of a string or an iterable of lines, e.g. an open
    file); a bad line yields an ``_error`` record for quarantine."""
    row = 0
    for line in text.splitlines() if isinstance(text, str) else text:
        if not line.strip():
            continue
        row += 1
        try:
            yield row, read_record(row, loads(line))
        except json.JSONDecodeError as exc:
            yield (
                row,
                {
                    "_error": gettext_noop("Dòng JSON không hợp lệ: %(msg)s.") % {"msg": exc.msg},
                    "_line": line[:300],
                },
            )


def read_csv(text: str | Iterable[str]) -> Iterator[tuple[int, Any]]:
    """A header row with the portal's field names, then one record per row (from a string or an
    iterable of lines, e.g. a file opened with ``newline=""``)."""
    # NFC per line, not per field: composition never crosses a comma or a quote.
    lines = io.StringIO(nfc(text), newline="") if isinstance(text, str) else map(nfc, text)
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise FormatError(gettext_noop("Tệp CSV trống hoặc thiếu dòng tiêu đề."))
    names = [h.strip() for h in header]
    for row, values in enumerate(reader, 1):
        if not any(v.strip() for v in values):
            continue
        yield row, flat_record(names, values, normalised=True)


def read_xlsx(stream: Any) -> Source:
    """The first sheet of a workbook: a header row, then one record per row."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(stream, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise FormatError(gettext_noop("Không đọc được tệp Excel: %(exc)s.") % {"exc": exc}) from exc
    return Source(_xlsx_rows(book))


def _xlsx_rows(book: Any) -> Iterator[tuple[int, Any]]:
    rows = book.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise FormatError(gettext_noop("Trang tính trống hoặc thiếu dòng tiêu đề."))
    names = [str(h).strip() if h is not None else "" for h in header]
    for row, values in enumerate(rows, 1):
        cells = [_cell_text(v) for v in values]
        if any(cells):
            yield row, flat_record(names, cells)
    book.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y%m%d%H%M%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def flat_record(names: list[str], values: list[str], *, normalised: bool = False) -> dict[str, Any]:
    """Build a record from a flat row; list columns hold JSON, a bad one becomes an ``_error``.

    ``normalised``: the values are NFC already (JSON escapes in list columns are still normalised).
    """
    record: dict[str, Any] = {}
    for name, value in zip(names, values, strict=False):
        if not name:
            continue
        value = value.strip() if normalised else nfc(value.strip())
        if name in LIST_COLUMNS:
            record[name] = _json_list(name, value, record)
        else:
            record[name] = value
    return record


def _json_list(name: str, value: str, record: dict[str, Any]) -> list[Any]:
    if not value or value == "[]":
        return []
    try:
        parsed = loads(value)
        # An escape may spell a decomposed character; many brackets may nest too deep.
        if "\\u" in value or value.count("[") + value.count("{") > MAX_DEPTH:
            parsed = nfc(parsed, 1)
    except json.JSONDecodeError:
        record["_error"] = gettext_noop("Cột %(name)s phải chứa một danh sách JSON.") % {"name": name}
        record["_error_field"] = name
        return []
    except TooDeep as exc:
        record["_error"], record["_error_field"] = str(exc), name
        return []
    return parsed if isinstance(parsed, list) else [parsed]


def parse_dt(value: Any) -> datetime | None:
    """Parse a portal date to a naive Vietnam-local datetime; None when empty.

    Accepts ``yyyyMMddHHmmss`` (also ``yyyyMMdd``), ISO 8601 (an offset converts to Vietnam
    time) and ``dd/MM/yyyy HH:mm[:ss]`` (also date only). Raises ValueError otherwise.
    """
    if value is None:
        return None
    s = value.strip() if type(value) is str else str(value).strip()
    if not s:
        return None
    if s.isdigit() and len(s) in (8, 12, 14):
        # ISO 8601 basic form (yyyyMMddTHHmmss), parsed in C: the hot path of every import.
        return datetime.fromisoformat(f"{s[:8]}T{s[8:]}" if len(s) > 8 else s)
    if len(s) >= 10 and s[2] == "/" and s[5] == "/":
        return _parse_dmy(s)
    return _parse_iso(s)


def _parse_dmy(s: str) -> datetime:
    date_part, _, time_part = s.partition(" ")
    day, month, year = (int(x) for x in date_part.split("/"))
    clock = [int(x) for x in time_part.strip().split(":")] if time_part.strip() else []
    if len(clock) not in (0, 2, 3):
        raise ValueError(s)
    hour, minute, second = (clock + [0, 0, 0])[:3]
    return datetime(year, month, day, hour, minute, second)


def _parse_iso(s: str) -> datetime:
    dt = datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s)
    if dt.tzinfo is not None:
        dt = dt.astimezone(VN_TZ).replace(tzinfo=None)
    return dt.replace(microsecond=0)


@overload
def aware(dt: datetime) -> datetime: ...
@overload
def aware(dt: None) -> None: ...
def aware(dt: datetime | None) -> datetime | None:
    """Attach the Vietnam offset to a naive local datetime (for the database)."""
    return dt.replace(tzinfo=VN_TZ) if dt is not None else None


def local(dt: datetime | None) -> datetime | None:
    """Return an aware datetime as naive Vietnam-local time."""
    if dt is None:
        return None
    return dt.astimezone(VN_TZ).replace(tzinfo=None) if dt.tzinfo else dt
