from django.urls import path

from . import views

app_name = "returns"

ONE = "units/<int:unit_id>/returns/<year:year>/<slug:period>/"

urlpatterns = [
    path("units/<int:unit_id>/return-campaigns/", views.own_campaigns_page, name="own-campaigns"),
    path(
        "units/<int:unit_id>/return-campaigns/<int:return_campaign_id>/close/",
        views.own_campaign_close,
        name="own-campaign-close",
    ),
    path("units/<int:unit_id>/returns/<year:year>/", views.campaigns_page, name="campaigns"),
    path(ONE, views.return_page, name="return-detail"),
    path(f"{ONE}forms/<int:number>/", views.form_save, name="return-form-save"),
    path(f"{ONE}submit/", views.submit, name="return-submit"),
    path(f"{ONE}document/", views.document_save, name="return-document"),
    path(f"{ONE}accept/", views.accept, name="return-accept"),
    path(f"{ONE}return/", views.send_back, name="return-send-back"),
    path(f"{ONE}status/", views.status_page, name="return-status"),
    path(f"{ONE}return.xlsx", views.return_xlsx, name="return-xlsx"),
    path(f"{ONE}return.pdf", views.return_pdf, name="return-pdf"),
]
