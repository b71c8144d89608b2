from django.urls import path

from kpixa.accounts import pages, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("notifications/", pages.notification_list, name="notifications"),
    path("notifications/read/", pages.notifications_read, name="notifications_read"),
    path("audit/", pages.audit_log, name="audit"),
    path("audit.csv", pages.audit_csv, name="audit_csv"),
]
