"""``/favicon.ico``: browsers ask for it on pages that name no icon (the admin's, a file's); it
answers with the static icon every page's ``<link rel="icon">`` names, instead of a 404."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static

from kpixa.accounts.access import PUBLIC, access


@access(PUBLIC)
def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("kpixa/favicon.svg"), permanent=True)
