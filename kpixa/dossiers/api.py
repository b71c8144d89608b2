"""Ingest API for integration clients: POST dossiers, petitions and ratings in batches of ≤ 5,000.

Each call is one atomic batch bound to the token's province; the response has one result per
record (docs/dossier-format.md, "API").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Body, Router, Schema, Status
from ninja.parser import Parser
from pydantic import WithJsonSchema

from kpixa.accounts.access import api_access
from kpixa.accounts.tokens import ApiTokenAuth
from kpixa.dossiers.parsing import LIST_KEYS, list_keys, loads
from kpixa.dossiers.services import api_batches

MAX_RECORDS = 5000
# The request attribute holding work to run once the answer is sent (kpixa/api/api.py runs it).
AFTER_RESPONSE = "kpixa_after_response"

router = Router(tags=["ingest"])


class BodyParser(Parser):
    """The API's JSON reader (``parsing.loads``): NaN, Infinity and huge numbers are kept as
    text and a body nested too deep for the decoder is pruned, so that such a value costs its
    record a rejection (docs/api.md, "Limits") instead of the call a 500."""

    def parse_body(self, request: HttpRequest) -> Any:
        return loads(request.body)


class RecordResultOut(Schema):
    """What happened to one record: its position in the batch (from 0), its id, status, reasons."""

    index: int
    key: str
    status: Literal["created", "updated", "unchanged", "ignored", "rejected"]
    reasons: list[str]
    notes: list[str]  # how an accepted record was read (a default date taken as absent, ...)


class CountsOut(Schema):
    read: int
    created: int
    updated: int
    unchanged: int
    ignored: int
    rejected: int
    flagged: int


class BatchOut(Schema):
    """The batch's id, its counts and one result per record."""

    batch_id: int
    counts: CountsOut
    results: list[RecordResultOut]


class ErrorOut(Schema):
    """A refused call: why, in one sentence."""

    detail: str


class ValidationErrorOut(Schema):
    """django-ninja's answer to a body of the wrong type (neither a list nor an object): 422."""

    detail: list[dict[str, Any]]


_RECORDS_SCHEMA = {"type": "array", "items": {"type": "object"}, "minItems": 1, "maxItems": MAX_RECORDS}
_TOTALS_SCHEMA = {"description": "Declared totals (an object of integers); anything else is ignored."}
# The documented body; what is parsed stays a list or an object, and an empty batch (400) or one
# over the limit (413) gets the API's own answer rather than django-ninja's 422.
RecordList = Annotated[
    list[dict[str, Any]],
    WithJsonSchema({**_RECORDS_SCHEMA, "title": "Records", "description": "A batch: a list of records."}),
]
RecordOrWrapper = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {
            "title": "RecordOrWrapper",
            "description": 'One record, or a wrapper {"danhSach": [...], "TongHop": {...}}.',
            "anyOf": [
                {
                    "type": "object",
                    "required": ["danhSach"],
                    "properties": {"danhSach": _RECORDS_SCHEMA, "TongHop": _TOTALS_SCHEMA},
                },
                {
                    "type": "object",
                    "not": {"required": ["danhSach"], "properties": {"danhSach": {"type": "array"}}},
                },
            ],
        }
    ),
]
Payload = RecordList | RecordOrWrapper
RESPONSES: dict[int, Any] = {
    200: BatchOut,
    400: ErrorOut,  # malformed JSON, an empty batch, a wrapped record that is not an object, two lists
    401: ErrorOut,  # no key, or an unknown or revoked one
    413: ErrorOut,  # more than MAX_RECORDS records, or a body over DATA_UPLOAD_MAX_MEMORY_SIZE
    422: ValidationErrorOut,  # neither a list of objects nor an object
}


def _records(payload: Payload) -> list[Any] | dict[str, Any]:
    """The records of a payload: a list, one record, or a {"danhSach": [...], "TongHop": {...}} wrapper."""
    if isinstance(payload, dict) and not any(isinstance(payload.get(k), list) for k in LIST_KEYS):
        return [payload]
    return payload


def _items(records: list[Any] | dict[str, Any]) -> list[Any]:
    if isinstance(records, list):
        return records
    return next(records[k] for k in LIST_KEYS if isinstance(records.get(k), list))


def _refusal(payload: Payload, items: list[Any]) -> Status[Any] | None:
    """The 413 or 400 answer a batch gets before any record is read, or None when it may be read."""
    if isinstance(payload, dict) and len(keys := list_keys(payload)) > 1:
        message = gettext_noop(
            "Lô dữ liệu có nhiều danh sách bản ghi cùng lúc (%(keys)s): chỉ gửi một danh sách."
        )
        return Status(400, {"detail": message % {"keys": ", ".join(keys)}})
    if len(items) > MAX_RECORDS:
        message = gettext_noop("Một lô tối đa %(max)d bản ghi; lô này có %(size)d.")
        return Status(413, {"detail": message % {"max": MAX_RECORDS, "size": len(items)}})
    if not items:
        return Status(400, {"detail": gettext_noop("Lô dữ liệu trống.")})
    position = next((i for i, item in enumerate(items) if not isinstance(item, dict)), None)
    if position is not None:
        message = gettext_noop("Bản ghi thứ %(index)d không phải là một đối tượng JSON.")
        return Status(400, {"detail": message % {"index": position}})
    return None


def _ingest(request: HttpRequest, kind: str, payload: Payload) -> Status[Any]:
    records = _records(payload)
    refusal = _refusal(payload, _items(records))
    if refusal is not None:
        return refusal
    # Each record is normalised (and checked for depth) on its own by source_from_document.
    # What the committed batch hands on (the accountability pass, the scores' refresh) runs once
    # this answer is sent, in the same worker (kpixa/api/api.py): the client does not wait for it.
    after: list[Callable[[], None]] = getattr(request, AFTER_RESPONSE, [])
    setattr(request, AFTER_RESPONSE, after)
    batch, results = api_batches.submit_api(request.auth, kind, records, after)  # type: ignore[attr-defined]
    return Status(
        200,
        {
            "batch_id": batch.pk,
            "counts": batch.counts(),
            "results": [
                {
                    "index": r.index - 1,
                    "key": r.key,
                    "status": r.status,
                    "reasons": r.reasons,
                    "notes": r.notes,
                }
                for r in results
            ],
        },
    )


@router.post(
    "/dossiers",
    auth=ApiTokenAuth(),
    response=RESPONSES,
    openapi_extra=api_access("token"),
    summary="Push dossiers (the portal's sync payload or bare hoSo records)",
)
def post_dossiers(request: HttpRequest, payload: Payload = Body(...)) -> Status[Any]:  # noqa: B008
    """Import up to 5,000 dossier records as one atomic batch; one result per record."""
    return _ingest(request, "dossier", payload)


@router.post(
    "/petitions",
    auth=ApiTokenAuth(),
    response=RESPONSES,
    openapi_extra=api_access("token"),
    summary="Push citizen petitions (PAKN)",
)
def post_petitions(request: HttpRequest, payload: Payload = Body(...)) -> Status[Any]:  # noqa: B008
    """Import up to 5,000 petitions as one atomic batch; one result per record."""
    return _ingest(request, "petition", payload)


@router.post(
    "/ratings",
    auth=ApiTokenAuth(),
    response=RESPONSES,
    openapi_extra=api_access("token"),
    summary="Push citizen satisfaction ratings",
)
def post_ratings(request: HttpRequest, payload: Payload = Body(...)) -> Status[Any]:  # noqa: B008
    """Import up to 5,000 ratings as one atomic batch; one result per record."""
    return _ingest(request, "rating", payload)
