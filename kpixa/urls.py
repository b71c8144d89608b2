"""URL map: pages (web), the JSON API (api), accounts, the translated admin, language switch."""

from django.contrib import admin
from django.urls import include, path

from kpixa.web.favicon import favicon

urlpatterns = [
    path("accounts/", include("kpixa.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("kpixa.api.urls")),
    path("dossiers/", include("kpixa.dossiers.urls")),
    path("scores/", include("kpixa.scoring.urls")),
    path("reporting/", include("kpixa.reporting.urls")),
    path("ky-danh-gia/", include("kpixa.evaluations.urls")),
    path("canh-bao/", include("kpixa.warnings.urls")),
    path("giao-ban/", include("kpixa.review.urls")),
    path("favicon.ico", favicon),
    path("", include("kpixa.web.urls")),
]
