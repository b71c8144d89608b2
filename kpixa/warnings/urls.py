"""Early warning pages: a commune's daily list, the province's communes at risk, the digest subscriptions."""

from django.urls import path

from kpixa.warnings import views

app_name = "warnings"

urlpatterns = [
    path("xa/<str:code>/", views.commune, name="commune"),
    path("tinh/<str:province_code>/", views.province, name="province"),
    path("dang-ky/", views.subscriptions, name="subscriptions"),
]
