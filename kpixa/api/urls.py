from django.urls import path

from kpixa.api.api import api

urlpatterns = [path("", api.urls)]
