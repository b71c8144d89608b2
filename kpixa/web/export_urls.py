"""URLs of the official-report exports; included by kpixa/web/urls.py (names ``exports:*``)."""

from django.urls import path

from kpixa.web import export_views

app_name = "exports"

urlpatterns = [
    path("xa/<str:commune_code>/xuat/<str:fmt>/", export_views.commune_export, name="commune"),
    path("tinh/<str:province_code>/xuat/<str:fmt>/", export_views.province_export, name="province"),
]
