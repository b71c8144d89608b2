"""Pages of the monthly review and of the responsibility matrix (docs/review.md)."""

from django.urls import path

from kpixa.review import views

app_name = "review"

urlpatterns = [
    path("tinh/<str:province_code>/", views.meetings, name="meetings"),
    path("tinh/<str:province_code>/<int:meeting_id>/", views.meeting, name="meeting"),
    path("tinh/<str:province_code>/<int:meeting_id>/cam-ket/", views.commitment_add, name="commitment_add"),
    path(
        "tinh/<str:province_code>/cam-ket/<int:commitment_id>/",
        views.commitment_check,
        name="commitment_check",
    ),
    path("tinh/<str:province_code>/chiu-trach-nhiem/", views.owners, name="owners"),
    path("xa/<str:code>/cam-ket/", views.commune_commitments, name="commune_commitments"),
]
