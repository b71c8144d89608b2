"""Ingest API for integration clients: POST dossiers, petitions and ratings in batches of ≤ 5,000.

Each call is one atomic batch bound to the token's province; the response has one result per
record (docs/dossier-format.md, "API").
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Body, Router, Schema, Status

from kpixa.accounts.access import api_access
from kpixa.accounts.tokens import ApiTokenAuth
from kpixa.dossiers import services
from kpixa.dossiers.parsing import LIST_KEYS

MAX_RECORDS = 5000

router = Router(tags=["ingest"])


class RecordResultOut(Schema):
    """What happened to one record: its position in the batch (from 0), its id, status, reasons."""

    index: int
    key: str
    status: Literal["created", "updated", "unchanged", "ignored", "rejected"]
    reasons: list[str]


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
    detail: str


Payload = list[dict[str, Any]] | dict[str, Any]
RESPONSES: dict[int, Any] = {200: BatchOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut}
# 422 (not a list nor an object) is django-ninja's own validation answer.


def _records(payload: Payload) -> list[Any] | dict[str, Any]:
    """The records of a payload: a list, one record, or a {"danhSach": [...], "TongHop": {...}} wrapper."""
    if isinstance(payload, dict) and not any(isinstance(payload.get(k), list) for k in LIST_KEYS):
        return [payload]
    return payload


def _size(records: list[Any] | dict[str, Any]) -> int:
    if isinstance(records, list):
        return len(records)
    return next(len(records[k]) for k in LIST_KEYS if isinstance(records.get(k), list))


def _ingest(request: HttpRequest, kind: str, payload: Payload) -> Status[Any]:
    records = _records(payload)
    size = _size(records)
    if size > MAX_RECORDS:
        return Status(413, {"detail": f"Một lô tối đa {MAX_RECORDS} bản ghi; lô này có {size}."})
    if size == 0:
        return Status(400, {"detail": "Lô dữ liệu trống."})
    batch, results = services.submit_api(request.auth, kind, records)  # type: ignore[attr-defined]
    return Status(
        200,
        {
            "batch_id": batch.pk,
            "counts": batch.counts(),
            "results": [
                {"index": r.index - 1, "key": r.key, "status": r.status, "reasons": r.reasons}
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
