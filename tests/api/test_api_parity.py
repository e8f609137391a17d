"""Every capability a page offers is an API operation (issue 16), proved route by route.

The site's pages that write (a view that accepts POST, PUT, PATCH or DELETE) are found by walking
the URL resolver and reading each view: the methods its `require_POST` / `require_http_methods`
allow, the handlers of a class-based view, or, for a plain view, whether it (or a view helper it
calls) reads `request.method`, `request.POST` or `request.FILES`. Each such page has one row:

- PARITY: the API operation(s) that offer the same capability (method and path as in the OpenAPI
  document), behind the same service and scoping;
- EXEMPT: pages with no API counterpart on purpose, with the reason;
- MISSING: real writes the API does not offer yet. They are listed, never hidden: the gap test
  prints them (run with `-s` or `-rP` to read the table).

A new page that writes without a row, a row naming a page that no longer exists (or no longer
writes), and a row naming an operation absent from the schema all fail here.
"""

import ast
import functools
import inspect
import re
import textwrap

from django.urls import URLPattern, URLResolver, get_resolver

WRITES = {"POST", "PUT", "PATCH", "DELETE"}

PARITY: dict[str, tuple[str, ...]] = {
    # units: the tree
    "units:unit-create": ("POST /api/v1/units/{unit_id}/children",),
    "units:unit-edit": ("PATCH /api/v1/units/{unit_id}",),
    "units:unit-deactivate": ("POST /api/v1/units/{unit_id}/deactivate",),
    "units:unit-reactivate": ("POST /api/v1/units/{unit_id}/reactivate",),
    "units:unit-move": ("POST /api/v1/units/{unit_id}/move",),
    "units:unit-merge": ("POST /api/v1/units/{unit_id}/merge",),
    # kind=units
    "units:unit-tree-import": ("POST /api/v1/units/{unit_id}/imports",),
    # accounts: roles and people
    "accounts:role-grant": ("POST /api/v1/units/{unit_id}/roles",),
    "accounts:user-invite": ("POST /api/v1/units/{unit_id}/invitations",),
    "accounts:role-revoke": ("DELETE /api/v1/roles/{grant_id}",),
    "accounts:sign-out-everywhere": ("DELETE /api/v1/auth/sessions",),
    # members: records, transfers, admissions, cards, lifecycle, imports
    "members:member-create": ("POST /api/v1/units/{unit_id}/members",),
    "members:member-edit": ("PATCH /api/v1/members/{member_id}",),
    # The full number, read once and recorded: `?include=id_number`.
    "members:member-id-number": ("GET /api/v1/members/{member_id}",),
    "members:member-transfer": ("POST /api/v1/members/{member_id}/transfer",),
    "members:transfer-accept": ("POST /api/v1/transfers/{transfer_id}/accept",),
    "members:transfer-reject": ("POST /api/v1/transfers/{transfer_id}/reject",),
    "members:transfer-cancel": ("POST /api/v1/transfers/{transfer_id}/cancel",),
    "members:attachment-end": ("POST /api/v1/transfers/{transfer_id}/end",),
    "members:admission-create": ("POST /api/v1/units/{unit_id}/admissions",),
    "members:admission-approve": ("POST /api/v1/admissions/{admission_id}/approve",),
    "members:admission-reject": ("POST /api/v1/admissions/{admission_id}/reject",),
    "members:admission-withdraw": ("POST /api/v1/admissions/{admission_id}/withdraw",),
    "members:admission-annul": ("POST /api/v1/admissions/{admission_id}/annul",),
    "members:unit-card-ranges": ("POST /api/v1/units/{unit_id}/card-ranges",),
    "members:card-range-release": ("POST /api/v1/card-ranges/{range_id}/release",),
    "members:member-card": ("POST /api/v1/members/{member_id}/card",),
    "members:member-leave": ("POST /api/v1/members/{member_id}/remove",),
    "members:member-reinstate": ("POST /api/v1/members/{member_id}/reinstate",),
    "members:member-honorary": ("POST /api/v1/members/{member_id}/honorary",),
    # The page matures out the ticked members together; the API one member a call.
    "members:unit-maturing": ("POST /api/v1/members/{member_id}/mature-out",),
    # kind=members
    "members:member-import": ("POST /api/v1/units/{unit_id}/imports",),
    # training: registrations, results, configuration
    "training:member-training-current": (
        "PUT /api/v1/members/{member_id}/registrations/{year}",
        "POST /api/v1/members/{member_id}/registrations/{year}/submit",
    ),
    "training:member-training": (
        "PUT /api/v1/members/{member_id}/registrations/{year}",
        "POST /api/v1/members/{member_id}/registrations/{year}/submit",
    ),
    "training:member-training-self-assess": (
        "PUT /api/v1/members/{member_id}/registrations/{year}/self-assessment",
    ),
    # The page registers the ticked members with one set; the API one member a call.
    "training:branch-training-bulk": ("PUT /api/v1/members/{member_id}/registrations/{year}",),
    "training:branch-assessment-row": (
        "PUT /api/v1/members/{member_id}/registrations/{year}/assessment",
    ),
    "training:branch-results-submit": ("POST /api/v1/units/{unit_id}/results/{year}/submit",),
    "training:registration-approve": (
        "POST /api/v1/members/{member_id}/registrations/{year}/approve",
    ),
    "training:registration-return": (
        "POST /api/v1/members/{member_id}/registrations/{year}/return",
    ),
    # The review page decides one registration at a time, as the API does.
    "training:branch-review-member": (
        "POST /api/v1/members/{member_id}/registrations/{year}/approve",
        "POST /api/v1/members/{member_id}/registrations/{year}/return",
    ),
    # The page approves the ticked registrations together; the API one registration a call.
    "training:branch-review-approve": (
        "POST /api/v1/members/{member_id}/registrations/{year}/approve",
    ),
    # kind=registrations
    "training:branch-training-import": ("POST /api/v1/units/{unit_id}/imports",),
    "training:training-registrations-export": (
        "POST /api/v1/units/{unit_id}/registrations/{year}/export",
    ),
    "training:training-recognise": ("POST /api/v1/units/{unit_id}/results/{year}/recognise",),
    "training:training-return": ("POST /api/v1/units/{unit_id}/results/{year}/return",),
    "training:training-reopen": ("POST /api/v1/units/{unit_id}/results/{year}/reopen",),
    "training:training-framework-publish": (
        "POST /api/v1/units/{unit_id}/training/{year}/framework",
    ),
    "training:training-framework-save": (
        "PATCH /api/v1/units/{unit_id}/training/{year}/framework",
    ),
    "training:training-criterion-save": (
        "POST /api/v1/units/{unit_id}/training/{year}/criteria",
        "PATCH /api/v1/units/{unit_id}/training/{year}/criteria/{criterion_id}",
    ),
    "training:training-criterion-remove": (
        "DELETE /api/v1/units/{unit_id}/training/{year}/criteria/{criterion_id}",
    ),
    "training:training-deadline-save": ("POST /api/v1/units/{unit_id}/training/{year}/deadlines",),
    # profiles: change requests
    "profiles:member-change-request": ("POST /api/v1/members/{member_id}/change-requests",),
    "profiles:change-request-approve": ("POST /api/v1/change-requests/{request_id}/approve",),
    "profiles:change-request-reject": ("POST /api/v1/change-requests/{request_id}/reject",),
    # evaluations: ratings, collective ratings, Party introductions, unit evaluations
    "evaluations:rating-policy": ("PUT /api/v1/units/{unit_id}/rating-policy",),
    "evaluations:rating-policy-clear": ("DELETE /api/v1/units/{unit_id}/rating-policy",),
    # The page proposes every member's rating at once; the API one member a call.
    "evaluations:ratings-propose-all": ("PUT /api/v1/members/{member_id}/rating/{year}",),
    "evaluations:rating-propose": ("PUT /api/v1/members/{member_id}/rating/{year}",),
    "evaluations:rating-approve": ("POST /api/v1/members/{member_id}/rating/{year}/approve",),
    "evaluations:rating-reject": ("POST /api/v1/members/{member_id}/rating/{year}/reject",),
    "evaluations:collective-propose": ("PUT /api/v1/units/{unit_id}/collective-rating/{year}",),
    "evaluations:collective-approve": (
        "POST /api/v1/units/{unit_id}/collective-rating/{year}/approve",
    ),
    "evaluations:collective-reject": (
        "POST /api/v1/units/{unit_id}/collective-rating/{year}/reject",
    ),
    "evaluations:introduction-propose": ("POST /api/v1/members/{member_id}/party-introductions",),
    "evaluations:introduction-step": ("PATCH /api/v1/party-introductions/{introduction_id}",),
    "evaluations:evaluation-register": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/register",
    ),
    "evaluations:evaluation-self-assessment": (
        "PUT /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/self-assessment",
    ),
    "evaluations:evaluation-evidence": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/evidence",
    ),
    "evaluations:evaluation-submit": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/submit",
    ),
    "evaluations:evaluation-assessment": (
        "PUT /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/assessment",
    ),
    "evaluations:evaluation-recognise": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/recognise",
    ),
    "evaluations:evaluation-return": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/return",
    ),
    "evaluations:evaluation-reopen": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/reopen",
    ),
    # member accounts
    "member_accounts:activate": ("POST /api/v1/auth/activate",),
    "member_accounts:notice": ("POST /api/v1/me/first-login-notice",),
    "reports:unit-report-subtree": ("POST /api/v1/units/{unit_id}/reports/{year}/subtree",),
    "members:member-export": ("POST /api/v1/units/{unit_id}/members/export",),
    "member_accounts:codes-bulk": ("POST /api/v1/units/{unit_id}/activation-codes/job",),
    "member_accounts:unit-codes": ("POST /api/v1/units/{unit_id}/activation-codes",),
    # dues
    "dues:branch-dues": ("POST /api/v1/units/{unit_id}/dues/payments",),
    "dues:remittance-send": ("POST /api/v1/units/{unit_id}/dues/remittances",),
    "dues:remittance-decide": (
        "POST /api/v1/dues/remittances/{remittance_id}/confirm",
        "POST /api/v1/dues/remittances/{remittance_id}/reject",
    ),
    "dues:payment-cancel": ("POST /api/v1/dues/payments/{payment_id}/cancel",),
    "dues:exemption": ("POST /api/v1/members/{member_id}/dues/exemptions",),
    # jobs
    "jobs:job-confirm": ("POST /api/v1/imports/{job_id}/confirm",),
    # notifications
    "notifications:notification-open": ("POST /api/v1/notifications/{notification_id}/read",),
    "notifications:notification-settings": ("PUT /api/v1/me/notification-settings",),
    # meetings
    "meetings:meeting-create": ("POST /api/v1/units/{unit_id}/meetings",),
    "meetings:meeting-attendance": ("PUT /api/v1/meetings/{meeting_id}/attendance",),
    # committees: a post added or ended mid-term is a change the API proposes the same way.
    "committees:committee-create": ("POST /api/v1/units/{unit_id}/committees",),
    "committees:committee-detail": ("POST /api/v1/committees/{committee_id}/changes",),
    "committees:committee-decide": (
        "POST /api/v1/committees/{committee_id}/approve",
        "POST /api/v1/committees/{committee_id}/reject",
    ),
    "committees:change-decide": (
        "POST /api/v1/committee-changes/{change_id}/approve",
        "POST /api/v1/committee-changes/{change_id}/reject",
    ),
    "committees:post-end": ("POST /api/v1/committees/{committee_id}/changes",),
    "committees:post-replace": ("POST /api/v1/committees/{committee_id}/changes",),
    # honours
    "honours:award-create": ("POST /api/v1/members/{member_id}/awards",),
    "honours:discipline-create": ("POST /api/v1/members/{member_id}/discipline",),
    # youth: the "1+1" movement
    "youth:youth-list": ("POST /api/v1/units/{unit_id}/youths",),
    "youth:youth-erase": ("DELETE /api/v1/youths/{youth_id}",),
    "youth:group-list": ("POST /api/v1/units/{unit_id}/groups",),
    "youth:member-referrals": ("POST /api/v1/members/{member_id}/referrals",),
    "youth:referral-detail": ("POST /api/v1/referrals/{referral_id}/progress",),
    "youth:survey": ("PUT /api/v1/units/{unit_id}/youth-survey/{year}",),
    "youth:referral-review-note": ("POST /api/v1/units/{unit_id}/referral-reviews",),
    "youth:referral-report-send": ("POST /api/v1/units/{unit_id}/referral-report/{year}/send",),
    "youth:referral-report-extend": (
        "POST /api/v1/units/{unit_id}/referral-report/{year}/extensions",
    ),
    # directives
    "directives:directive-publish": ("POST /api/v1/units/{unit_id}/directives",),
    "directives:directive-edit": ("POST /api/v1/directives/{directive_id}/edit",),
    "directives:directive-draft-publish": ("POST /api/v1/directives/{directive_id}/publish",),
    "directives:directive-delete": ("DELETE /api/v1/directives/{directive_id}",),
    "directives:directive-reply": ("POST /api/v1/directives/{directive_id}/reply",),
    "directives:directive-remind": ("POST /api/v1/directives/{directive_id}/remind",),
    "directives:directive-withdraw": ("POST /api/v1/directives/{directive_id}/withdraw",),
    # statistics returns
    "returns:own-campaigns": ("POST /api/v1/units/{unit_id}/return-campaigns",),
    "returns:own-campaign-close": (
        "POST /api/v1/units/{unit_id}/return-campaigns/{return_campaign_id}/close",
    ),
    "returns:return-form-save": (
        "PUT /api/v1/units/{unit_id}/returns/{year}/{period}/forms/{number}",
    ),
    "returns:return-submit": ("POST /api/v1/units/{unit_id}/returns/{year}/{period}/submit",),
    "returns:return-document": ("PUT /api/v1/units/{unit_id}/returns/{year}/{period}/document",),
    "returns:return-accept": ("POST /api/v1/units/{unit_id}/returns/{year}/{period}/accept",),
    "returns:return-send-back": ("POST /api/v1/units/{unit_id}/returns/{year}/{period}/return",),
    # activities
    "activities:unit-activities": ("POST /api/v1/units/{unit_id}/activities",),
    "activities:activity-signup": ("POST /api/v1/activities/{activity_id}/signup",),
    "activities:activity-checkin": ("POST /api/v1/activities/{activity_id}/checkins",),
    "activities:activity-cancel": ("POST /api/v1/activities/{activity_id}/cancel",),
    "activities:activity-edit": ("PATCH /api/v1/activities/{activity_id}",),
    "activities:unit-campaigns": ("POST /api/v1/units/{unit_id}/campaigns",),
    "activities:campaign-edit": ("PATCH /api/v1/campaigns/{campaign_id}",),
    "activities:member-activity-link": (
        "PUT /api/v1/members/{member_id}/registrations/{year}/criteria/{criterion_id}/activities",
    ),
    "activities:registration-activities": (
        "PUT /api/v1/members/{member_id}/registrations/{year}/criteria/{criterion_id}/activities",
    ),
    # member statistics and indicators
    "member_stats:unit-indicators": ("PUT /api/v1/units/{unit_id}/indicators/{year}/values",),
    "member_stats:unit-indicator-targets": (
        "PUT /api/v1/units/{unit_id}/indicators/{year}/targets",
    ),
    # yearly reports
    "yearly_reports:yearly-report": ("PUT /api/v1/units/{unit_id}/yearly-report/{year}",),
    "yearly_reports:yearly-report-submit": (
        "POST /api/v1/units/{unit_id}/yearly-report/{year}/submit",
    ),
    "yearly_reports:yearly-report-reopen": (
        "POST /api/v1/units/{unit_id}/yearly-report/{year}/reopen",
    ),
    "yearly_reports:good-models": ("POST /api/v1/units/{unit_id}/good-models",),
    # Added with this table (issue 16).
    "members:duplicate-detail": ("POST /api/v1/duplicate-ids/{report_id}/resolve",),
    "members:member-keep": ("POST /api/v1/members/{member_id}/keep",),
    "members:member-continuation": ("POST /api/v1/members/{member_id}/continuation",),
    "training:member-training-note": (
        "POST /api/v1/members/{member_id}/registrations/{year}/notes",
    ),
    "training:branch-training-note": ("POST /api/v1/units/{unit_id}/training/{year}/notes",),
    "jobs:job-retry": ("POST /api/v1/jobs/{job_id}/retry",),
    "notifications:notifications-read-all": ("POST /api/v1/me/notifications/read-all",),
    "meetings:meeting-cancel": ("POST /api/v1/meetings/{meeting_id}/cancel",),
    "meetings:meeting-edit": ("PATCH /api/v1/meetings/{meeting_id}",),
    "yearly_reports:yearly-report-pull": (
        "POST /api/v1/units/{unit_id}/yearly-report/{year}/pull/{good_model_id}",
    ),
    "yearly_reports:good-model-edit": ("PATCH /api/v1/good-models/{good_model_id}",),
    "yearly_reports:good-model-delete": ("DELETE /api/v1/good-models/{good_model_id}",),
    "evaluations:scheme-publish": (
        "POST /api/v1/units/{unit_id}/evaluations/{year}/{scheme}/scheme/publish",
    ),
    "meetings:theme-publish": ("POST /api/v1/units/{unit_id}/meeting-themes",),
    "member_accounts:not-me-close": ("POST /api/v1/not-me-reports/{not_me_id}/close",),
    "members:member-photo": (
        "POST /api/v1/members/{member_id}/photo",
        "DELETE /api/v1/members/{member_id}/photo",
    ),
    "accounts:token-revoke": ("DELETE /api/v1/auth/tokens/{token_id}",),
    "accounts:session-end": ("DELETE /api/v1/auth/sessions/{session_ref}",),
    "committees:post-grant": ("POST /api/v1/committee-posts/{post_id}/role",),
    "committees:course-add": ("POST /api/v1/committee-posts/{post_id}/courses",),
    # kind=youths
    "youth:youth-import": ("POST /api/v1/units/{unit_id}/imports",),
}

# Pages that write and have no API operation on purpose.
EXEMPT: dict[str, str] = {
    "login": "browser sign-in; the API signs in with POST /api/v1/auth/token",
    "logout": "ends the browser session; the API's token ends with DELETE /api/v1/auth/token",
    "set_language": "a session-only UI preference (the API answers in Accept-Language)",
    "accounts:invitation-accept": "the invited person has no account yet: a browser step "
    "through the e-mailed secret link, where he chooses his password",
    "accounts:password-reset": "browser step of the e-mailed reset link (no account signed in)",
    "accounts:password-reset-confirm": "browser step of the e-mailed reset link",
    "accounts:password-change": "a password is changed in the browser with the current one; a "
    "token must not be enough to take the account over",
    "member_accounts:codes-pdf": "prints the slips of codes just issued, sent back by the page "
    "that showed them; the API answers the codes themselves when it issues them",
    "member_accounts:codes-xlsx": "the same codes as a spreadsheet, sent back by the page; the "
    "API answers the codes when it issues them",
}

# Real writes the API does not offer yet: the gap, printed by test_the_gaps_are_listed.
MISSING: dict[str, str] = {}


# --- finding the pages that write ---------------------------------------------------------------


def _declared_methods(view) -> set[str] | None:
    """The methods a `require_http_methods` decorator (require_POST, require_GET…) allows."""
    f = view
    while f is not None:
        for name, cell in zip(f.__code__.co_freevars, f.__closure__ or (), strict=True):
            if name == "request_method_list":
                return {m.upper() for m in cell.cell_contents}
        f = getattr(f, "__wrapped__", None)
    return None


BODY = re.compile(r"request\.(method|POST|FILES|body)\b")


def _reads_the_body(func, seen: set, depth: int = 0) -> bool:
    """Whether the view (or a helper of ours it calls that takes the request) looks at the
    request's method or body."""
    if func in seen or depth > 4:
        return False
    seen.add(func)
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return False
    if BODY.search(source):
        return True
    names = func.__globals__
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        target = None
        if isinstance(node.func, ast.Name):
            target = names.get(node.func.id)
        elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            target = getattr(names.get(node.func.value.id), node.func.attr, None)
        if not callable(target):
            continue
        target = inspect.unwrap(target)
        if (
            inspect.isfunction(target)
            and target.__module__.startswith("doanvien.")
            and "request" in inspect.signature(target).parameters
            and _reads_the_body(target, seen, depth + 1)
        ):
            return True
    return False


def write_methods(view) -> set[str]:
    cls = getattr(view, "view_class", None)
    if cls is not None:
        return {m.upper() for m in cls.http_method_names if m.upper() in WRITES and hasattr(cls, m)}
    declared = _declared_methods(view)
    if declared is not None:
        return declared & WRITES
    return {"POST"} if _reads_the_body(inspect.unwrap(view), set()) else set()


def _walk(patterns, namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith(("admin/", "api/")):
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            yield namespace + p.name, p.callback


@functools.cache
def site_routes() -> dict[str, set[str]]:
    """Every named web route (not the API, not the admin) with the write methods it accepts."""
    return {name: write_methods(view) for name, view in _walk(get_resolver().url_patterns)}


@functools.cache
def schema_operations() -> frozenset[str]:
    from doanvien.api.api import api

    paths = api.get_openapi_schema()["paths"]
    return frozenset(f"{method.upper()} {path}" for path, item in paths.items() for method in item)


# --- the tests ----------------------------------------------------------------------------------


def test_the_finder_sees_every_kind_of_page_that_writes():
    routes = site_routes()
    assert routes["units:unit-deactivate"] == {"POST"}  # require_POST
    assert routes["units:unit-move"] == {"POST"}  # a helper reads request.POST
    assert "POST" in routes["login"]  # a class-based view
    assert routes["members:member-export"] == {"POST"}  # require_http_methods
    assert routes["units:unit-detail"] == set()  # a page that only reads
    assert routes["jobs:job-download"] == set()


def test_the_tables_do_not_overlap():
    assert not PARITY.keys() & EXEMPT.keys()
    assert not PARITY.keys() & MISSING.keys()
    assert not EXEMPT.keys() & MISSING.keys()
    for name, why in MISSING.items():
        assert why.startswith("missing: "), name


def test_every_page_that_writes_has_a_row():
    writing = {name for name, methods in site_routes().items() if methods}
    rows = PARITY.keys() | EXEMPT.keys() | MISSING.keys()
    without = sorted(writing - rows)
    assert not without, (
        f"pages that write with no row in PARITY, EXEMPT or MISSING: {without}: offer the same "
        "capability in the API (same service, same scoping) and name it in PARITY"
    )


def test_every_row_names_a_page_that_exists_and_writes():
    routes = site_routes()
    for name in PARITY.keys() | EXEMPT.keys() | MISSING.keys():
        assert name in routes, f"{name}: no such route any more; remove its row"
        assert routes[name], f"{name}: the page no longer writes; remove its row"


def test_every_operation_named_is_in_the_schema():
    operations = schema_operations()
    for name, named in PARITY.items():
        assert named, name
        for operation in named:
            assert operation in operations, f"{name}: {operation} is not in the OpenAPI schema"


def test_the_gaps_are_listed(capsys):
    """Prints the table of pages whose capability the API does not offer yet (`-s` shows it)."""
    writing = {name for name, methods in site_routes().items() if methods}
    with capsys.disabled():
        print(
            f"\nAPI parity: {len(PARITY)} pages with their operations, {len(EXEMPT)} exempt, "
            f"{len(MISSING)} missing of {len(writing)} pages that write"
        )
        for name, why in sorted(MISSING.items()):
            print(f"  {name:<40} {why}")
    assert set(MISSING) <= writing
