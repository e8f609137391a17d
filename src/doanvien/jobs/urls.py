from django.urls import path

from . import views

app_name = "jobs"

urlpatterns = [
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job-status"),
    path("jobs/<uuid:job_id>/confirm/", views.job_confirm_view, name="job-confirm"),
    path("jobs/<uuid:job_id>/retry/", views.job_retry_view, name="job-retry"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job-download"),
]
