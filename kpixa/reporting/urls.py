from django.urls import path

from kpixa.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.index, name="index"),
    path("commune/<str:commune_code>/<str:period>/", views.sheet, name="sheet"),
    path("commune/<str:commune_code>/<str:period>/<slug:measure>/", views.submit, name="submit"),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("value/<int:pk>/approve/", views.approve, name="approve"),
    path("value/<int:pk>/reject/", views.reject, name="reject"),
    path("province/<str:province_code>/<str:period>/", views.province_page, name="province"),
    path("province/<str:province_code>/<str:period>/deadline/", views.deadline, name="deadline"),
    path("province/<str:province_code>/<str:period>/remind/", views.remind, name="remind"),
]
