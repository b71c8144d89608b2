"""The published heads of the audit chain, for anyone to download and keep (docs/security.md).

A copy kept outside the database is what later proves the log unchanged:
``python manage.py verify_audit --against <copy>``.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from kpixa.accounts import audit
from kpixa.accounts.access import PUBLIC, access


@require_GET
@access(PUBLIC)
def audit_heads(request: HttpRequest) -> JsonResponse:
    """Every published head as a JSON list (of one province with ``?tinh=<code>``), as a download."""
    province = request.GET.get("tinh") or None
    if province is not None and not (province.isascii() and province.isdigit() and len(province) <= 3):
        province = None  # province codes are digits; anything else is ignored, never echoed
    heads = [head.as_json() for head in audit.published_heads(province)]
    response = JsonResponse(heads, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 1})
    name = f"kpixa-audit-heads{'-' + province if province else ''}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
