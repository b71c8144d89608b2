"""URLs of the accountability flags pages (included by kpixa/web/urls.py)."""

from django.urls import URLPattern, path

from kpixa.web import flag_views

urlpatterns: list[URLPattern] = [
    path("tinh/<str:province_code>/canh-bao/", flag_views.province_flags, name="flags_province"),
    path("xa/<str:code>/canh-bao/", flag_views.commune_flags, name="flags_commune"),
    path("canh-bao/<int:flag_id>/xem-xet/", flag_views.review, name="flags_review"),
]
