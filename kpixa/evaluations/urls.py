"""Pages of the period lifecycle (province) and of appeals (commune leaders, province admins)."""

from django.urls import path

from kpixa.evaluations import decision_views, input_views, legal_views, public, regime_views, views

app_name = "evaluations"

urlpatterns = [
    path("moc-nhat-ky.json", public.audit_heads, name="audit_heads"),
    path("tinh/<str:province_code>/", views.periods, name="periods"),
    path("tinh/<str:province_code>/khieu-nai/", views.appeals, name="appeals"),
    path("tinh/<str:province_code>/de-xuat/", decision_views.proposals, name="proposals"),
    path("tinh/<str:province_code>/de-xuat/<int:pk>/", decision_views.consequence_page, name="consequence"),
    path("tinh/<str:province_code>/<str:period>/", views.period_page, name="period"),
    path("tinh/<str:province_code>/<str:period>/du-lieu/", input_views.inputs_page, name="inputs"),
    path(
        "tinh/<str:province_code>/<str:period>/lanh-dao/", decision_views.leader_inputs, name="leader_inputs"
    ),
    path(
        "tinh/<str:province_code>/<str:period>/lanh-dao/<int:pk>/",
        decision_views.leader_assessment,
        name="leader_assessment",
    ),
    path(
        "tinh/<str:province_code>/<str:period>/du-lieu/<int:pk>/minh-chung/",
        input_views.input_evidence,
        name="input_evidence",
    ),
    path(
        "tinh/<str:province_code>/<str:period>/du-lieu/nhap-tep/",
        input_views.import_inputs,
        name="import_inputs",
    ),
    path(
        "tinh/<str:province_code>/<str:period>/du-lieu/tu-choi.csv",
        input_views.input_rejections_csv,
        name="input_rejections_csv",
    ),
    path("tinh/<str:province_code>/<str:period>/danh-gia/", regime_views.evaluate_page, name="evaluate"),
    path(
        "tinh/<str:province_code>/<str:period>/danh-gia/mien-ty-le/",
        regime_views.quota_exception,
        name="quota_exception",
    ),
    path("tinh/<str:province_code>/<str:period>/theo-van-ban/", legal_views.legal_page, name="legal"),
    path(
        "tinh/<str:province_code>/<str:period>/theo-van-ban/<int:pk>/de-xuat/<str:key>/",
        regime_views.proposal_page,
        name="regime_proposal",
    ),
    path(
        "tinh/<str:province_code>/<str:period>/du-lieu/<int:pk>/xoa/",
        input_views.delete_input,
        name="delete_input",
    ),
    path("tinh/<str:province_code>/<str:period>/khoa/", views.close, name="close"),
    path("tinh/<str:province_code>/<str:period>/cong-bo/", views.publish, name="publish"),
    path("tinh/<str:province_code>/<str:period>/chinh-thuc/", views.finalize, name="finalize"),
    path("khieu-nai/<int:pk>/", views.appeal_page, name="appeal"),
    path("khieu-nai/<int:pk>/du-lieu/", input_views.appeal_inputs, name="appeal_inputs"),
    path("khieu-nai/<int:pk>/du-lieu/<int:input_pk>/", input_views.revise_input, name="revise_input"),
    path("khieu-nai/<int:pk>/chap-nhan/", views.uphold, name="uphold"),
    path("khieu-nai/<int:pk>/khong-chap-nhan/", views.reject, name="reject"),
    path("xa/<str:code>/<str:period>/", views.commune_page, name="commune"),
    path("xa/<str:code>/<str:period>/khieu-nai/", views.file_appeal, name="file_appeal"),
]
