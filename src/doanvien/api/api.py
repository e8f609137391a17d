"""The JSON API (django-ninja), mounted at /api/. OpenAPI at /api/openapi.json, the browsable
docs at /api/docs (served from ninja's own static files: no CDN)."""

from django.conf import settings
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from ninja import NinjaAPI

from . import (
    audit,
    auth,
    imports,
    jobs,
    me,
    member_accounts,
    members,
    notifications,
    people,
    profiles,
    reports,
    todo,
    training,
    transfers,
    tree,
    units,
)
from .errors import install
from .parser import TextRuleParser

api = NinjaAPI(
    title="doanvien API",
    version="1",
    description=(
        "Member records of the Ho Chi Minh Communist Youth Union. Get a token with "
        "POST /api/v1/auth/token, then send `Authorization: Bearer <token>`. Errors are "
        '`{"detail": "...", "errors": [{"field": "...", "message": "..."}]}` in the language '
        "of Accept-Language (Vietnamese by default)."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    # Swagger UI sets inline styles on its elements: its page alone allows them.
    docs_decorator=csp_override(
        {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}
    ),
    auth=auth.BearerToken(),
    parser=TextRuleParser(),
)
install(api)

api.add_router("/v1/auth", auth.router)
api.add_router("/v1/me", me.router)
api.add_router("/v1/me", todo.router)
api.add_router("/v1/units", units.router)
api.add_router("/v1/members", members.router)
api.add_router("/v1", training.router)
api.add_router("/v1", "doanvien.api.training_config.router")
api.add_router("/v1", transfers.router)
api.add_router("/v1", "doanvien.api.admissions.router")
api.add_router("/v1", reports.router)
api.add_router("/v1", jobs.router)
api.add_router("/v1", imports.router)
api.add_router("/v1", notifications.router)
api.add_router("/v1", profiles.router)
api.add_router("/v1", "doanvien.api.meetings.router")
api.add_router("/v1", "doanvien.api.committees.router")
api.add_router("/v1", "doanvien.api.honours.router")
api.add_router("/v1", "doanvien.api.evaluations.router")
api.add_router("/v1", member_accounts.router)
api.add_router("/v1", "doanvien.api.dues.router")
api.add_router("/v1", tree.router)
api.add_router("/v1", people.router)
api.add_router("/v1", audit.router)
api.add_router("/v1", "doanvien.api.youth.router")
api.add_router("/v1", "doanvien.api.directives.router")
api.add_router("/v1", "doanvien.api.returns.router")
api.add_router("/v1", "doanvien.api.activities.router")
api.add_router("/v1/me", "doanvien.api.activities.me_router")
api.add_router("/v1", "doanvien.api.member_stats.router")
api.add_router("/v1", "doanvien.api.yearly_reports.router")
