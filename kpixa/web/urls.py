"""Pages of kpixa (Vietnamese paths): dashboards, scorecards, dossier lists, leaders, public pages."""

from importlib.util import find_spec

from django.urls import URLPattern, URLResolver, include, path

from kpixa.web import review_pack, views

app_name = "web"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("cua-toi/", views.mine, name="mine"),
    path("tinh/<str:province_code>/", views.province_dashboard, name="province"),
    path("xa/<str:code>/", views.scorecard, name="scorecard"),
    path("xa/<str:code>/ho-so/", views.commune_dossiers, name="dossiers"),
    path("xa/<str:code>/ho-so.csv", views.commune_dossiers_csv, name="dossiers_csv"),
    path("xa/<str:code>/lanh-dao/", views.leaders, name="leaders"),
    path("quoc-gia/", views.national, name="national"),
    path("cong-khai/tinh/<str:province_code>/", views.public_province, name="public_province"),
    path("cong-khai/xa/<str:code>/", views.public_scorecard, name="public_scorecard"),
]

# The review meeting's pre-read pack (docs/review.md), beside the other official-report exports.
urlpatterns.append(
    path(
        "tinh/<str:province_code>/giao-ban/<int:meeting_id>/tai-lieu.<str:fmt>",
        review_pack.meeting_pack,
        name="meeting_pack",
    )
)

# The accountability flags pages (docs/flags.md).
urlpatterns.append(path("", include("kpixa.web.flag_urls")))

# The exports engineer's pages (XLSX/PDF), once they exist.
if find_spec("kpixa.web.export_urls") is not None:
    urlpatterns.append(path("", include("kpixa.web.export_urls")))
