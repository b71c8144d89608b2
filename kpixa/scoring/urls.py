from django.urls import path

from kpixa.scoring import views

app_name = "scoring"

urlpatterns = [
    path("what-if/", views.whatif, name="whatif"),
    path("what-if/activate/", views.activate, name="activate"),
    path("what-if/tai-ve/", views.download, name="whatif_download"),
    path("what-if/sua/", views.edit, name="whatif_edit"),
]
