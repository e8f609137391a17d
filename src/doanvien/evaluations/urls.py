from django.urls import path

from . import views
from .views import introductions as introduction_views
from .views import ratings as rating_views

app_name = "evaluations"

ONE = "units/<int:unit_id>/evaluations/<year:year>/<str:scheme>/"

urlpatterns = [
    path(
        "units/<int:unit_id>/evaluations/<year:year>/",
        views.unit_evaluations_page,
        name="unit-evaluations",
    ),
    path(
        "units/<int:unit_id>/evaluations/<year:year>/queue/",
        views.queue_page,
        name="evaluation-queue",
    ),
    path("units/<int:unit_id>/ratings/<year:year>/", rating_views.ratings_page, name="ratings"),
    path(
        "units/<int:unit_id>/rating-policy/",
        rating_views.rating_policy_page,
        name="rating-policy",
    ),
    path(
        "units/<int:unit_id>/rating-policy/clear/",
        rating_views.rating_policy_clear,
        name="rating-policy-clear",
    ),
    path(
        "units/<int:unit_id>/ratings/<year:year>/propose-all/",
        rating_views.ratings_propose_all,
        name="ratings-propose-all",
    ),
    path(
        "units/<int:unit_id>/ratings/<year:year>/<int:member_id>/propose/",
        rating_views.rating_propose,
        name="rating-propose",
    ),
    path(
        "units/<int:unit_id>/ratings/<year:year>/<int:member_id>/approve/",
        rating_views.rating_approve,
        name="rating-approve",
    ),
    path(
        "units/<int:unit_id>/ratings/<year:year>/<int:member_id>/reject/",
        rating_views.rating_reject,
        name="rating-reject",
    ),
    path(
        "units/<int:unit_id>/collective-rating/<year:year>/propose/",
        rating_views.collective_propose,
        name="collective-propose",
    ),
    path(
        "units/<int:unit_id>/collective-rating/<year:year>/approve/",
        rating_views.collective_approve,
        name="collective-approve",
    ),
    path(
        "units/<int:unit_id>/collective-rating/<year:year>/reject/",
        rating_views.collective_reject,
        name="collective-reject",
    ),
    path(
        "units/<int:unit_id>/party-introductions/<year:year>/",
        introduction_views.introductions_page,
        name="introductions",
    ),
    path(
        "units/<int:unit_id>/party-introductions/<year:year>/propose/",
        introduction_views.introduction_propose,
        name="introduction-propose",
    ),
    path(
        "units/<int:unit_id>/party-introductions/<year:year>/<int:introduction_id>/",
        introduction_views.introduction_step,
        name="introduction-step",
    ),
    path(ONE, views.evaluation_page, name="evaluation"),
    path(f"{ONE}scheme/", views.scheme_page, name="scheme"),
    path(f"{ONE}scheme/publish/", views.scheme_publish, name="scheme-publish"),
    path(f"{ONE}register/", views.register, name="evaluation-register"),
    path(f"{ONE}self-assessment/", views.self_assessment, name="evaluation-self-assessment"),
    path(f"{ONE}evidence/", views.evidence, name="evaluation-evidence"),
    path(
        f"{ONE}evidence/<int:evidence_id>/",
        views.evidence_file,
        name="evaluation-evidence-file",
    ),
    path(f"{ONE}submit/", views.submit, name="evaluation-submit"),
    path(f"{ONE}assessment/", views.assessment, name="evaluation-assessment"),
    path(f"{ONE}recognise/", views.recognise, name="evaluation-recognise"),
    path(f"{ONE}return/", views.return_, name="evaluation-return"),
    path(f"{ONE}reopen/", views.reopen, name="evaluation-reopen"),
]
