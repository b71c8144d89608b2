from django.urls import path

from kpixa.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<int:batch_id>/", views.job, name="job"),
    path("jobs/<int:batch_id>/status.json", views.job_status, name="job_status"),
    path("jobs/<int:batch_id>/rejections.csv", views.rejections_csv, name="rejections_csv"),
    path("quarantine/", views.quarantine, name="quarantine"),
    path("quarantine/<int:rejection_id>/", views.fix_rejection, name="fix_rejection"),
    path("<str:source>/<path:ma_ho_so>/", views.timeline, name="timeline"),
]
