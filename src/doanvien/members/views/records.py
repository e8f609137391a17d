from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, scope_of, visible_ancestors
from doanvien.actions.members import member_create, member_update
from doanvien.actions.todo import todo_for
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import keyset_page_for
from doanvien.core.rows import which_exist
from doanvien.honours import selectors as honours
from doanvien.honours.access import can_record_honours
from doanvien.members.access import (
    can_decide_age_limit,
    can_edit_members,
    can_request_transfer,
    can_search_id_numbers_in,
    can_see_id_number,
    get_member_for,
)
from doanvien.members.rules import member_rules
from doanvien.members.selectors import (
    active_attachment_of,
    open_transfer_of,
    transfers_under_way,
)
from doanvien.members.services.records import (
    TooManySearches,
    member_id_number_searched,
    member_id_number_viewed,
)
from doanvien.profiles.selectors import open_request_of, open_requests_of

from ..forms.imports import ExportForm
from ..forms.records import FIELD_ORDER, MemberFilterForm, MemberForm, initial_from
from ..models import Member, Status
from ..selectors import (
    MEMBER_ORDER,
    MemberFilters,
    id_number_sought,
    member_list_count,
    member_search,
)


@login_required
def member_list(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    form = MemberFilterForm(request.GET or {"status": Status.ACTIVE})
    return member_list_page(request, unit, form)


def id_number_search(request, unit, filters: MemberFilters) -> tuple[bool, str]:
    """Whether the list's search term is looked up as a full ID number, and why not when the
    user has searched too often: only for those who may see full numbers in the unit, each
    search recorded (services.records.member_id_number_searched)."""
    number = id_number_sought(filters.q)
    if not number or not can_search_id_numbers_in(request.user, unit):
        return False, ""
    try:
        member_id_number_searched(actor=request.user, unit=unit, id_number=number)
    except TooManySearches as e:
        return False, e.message
    return True, ""


def member_list_page(request, unit, form: MemberFilterForm, *, export_form=None, notice=""):
    """The list of `unit`'s members filtered by `form`, with the export's column choice
    (`export_form` as it was posted, with its errors; a fresh one otherwise). The caller has
    checked that the user may see the unit."""
    filters = MemberFilters(**form.cleaned_data) if form.is_valid() else MemberFilters()
    by_id_number, limited = id_number_search(request, unit, filters)
    members = member_search(
        user=request.user, unit=unit, filters=filters, by_id_number=by_id_number
    )
    # By keyset; counted only when kept (the unfiltered list), else up to "more than 1,000".
    page = keyset_page_for(
        request, members, keys=MEMBER_ORDER, count=member_list_count(unit, filters)
    )
    defaults = MemberFilters(q=filters.q, status=Status.ACTIVE)
    active_filters = sum(
        getattr(filters, f) != getattr(defaults, f)
        for f in ("status", "sector", "position", "sex", "age_band")
    )
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "form": form,
        "active_filters": active_filters,
        "page": page,
        "can_add": unit.is_branch and can_edit_members(request.user, unit),
        "can_import": can_edit_members(request.user, unit),
        "export_form": export_form or ExportForm(),
        "notice": notice or limited,
    }
    template = "members/list.html#results" if request.htmx else "members/list.html"
    return render(request, template, context)


@login_required
def member_create_view(request, unit_id: int):
    branch = get_unit_for(request.user, unit_id)
    require(branch.is_branch and can_edit_members(request.user, branch))
    form = MemberForm(request.POST or None, initial={"sex": "", "position": "member"})
    if request.method == "POST" and form.is_valid():
        try:
            member = member_create(actor=request.user, branch=branch, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Member %(name)s added.") % {"name": member.full_name})
            return redirect("members:member-detail", member_id=member.pk)
    return render(request, "members/form.html", {"form": form, "unit": branch, "creating": True})


def _detail_rows(member: Member):
    rows = []
    for name in FIELD_ORDER:
        field = Member._meta.get_field(name)
        if name == "id_number":
            continue
        value = getattr(member, f"get_{name}_display")() if field.choices else getattr(member, name)
        rows.append((field.verbose_name, value))
    return rows


def _age_limit_acts(user, member: Member) -> bool:
    """Whether to offer keeping him past the age limit and recording that he continues as a
    cadre: to those who decide it, for an active member who reaches the age limit by next year
    (or for whom either is recorded)."""
    if member.status != Status.ACTIVE or not can_decide_age_limit(user, member):
        return False
    if member.continues_as or member.kept_until:
        return True
    today = timezone.localdate()
    rules = member_rules(member.branch, today)
    return rules.reaches_limit_by(member.date_of_birth, today.year + 1)


def _record_extras(member: Member) -> dict:
    """What the record shows that most members do not have (a transfer under way, an
    attachment, a change request, awards, discipline): one statement asks which of them exist,
    and only those are read."""
    awards, discipline = honours.member_awards(member), honours.member_discipline(member)
    present = which_exist(
        transfers=transfers_under_way(member),
        change_request=open_requests_of(member),
        awards=awards,
        discipline=discipline,
    )
    moving = present["transfers"]
    return {
        "open_transfer": open_transfer_of(member) if moving else None,
        "attachment": active_attachment_of(member) if moving else None,
        "change_request": open_request_of(member) if present["change_request"] else None,
        "awards": awards if present["awards"] else [],
        "discipline": discipline if present["discipline"] else [],
    }


@login_required
def member_detail(request, member_id: int):
    member = get_member_for(request.user, member_id)
    context = {
        "member": member,
        "breadcrumbs": visible_ancestors(request.user, member.branch, and_unit=True),
        "rows": _detail_rows(member),
        "can_edit": can_edit_members(request.user, member.branch),
        "can_see_id_number": can_see_id_number(request.user, member),
        "memberships": member.memberships.select_related("branch"),
        "history": audit.history_shown(member),
        "can_transfer": can_request_transfer(request.user, member),
        "age_limit_acts": _age_limit_acts(request.user, member),
        "is_self": scope_of(request.user).member_id == member.pk,
        **_record_extras(member),
        "can_record_honours": can_record_honours(request.user, member),
    }
    # The member's own page is his first page after log-in: what waits for him comes first.
    if context["is_self"]:
        context["todo"] = todo_for(request.user)
    return render(request, "members/detail.html", context)


@login_required
@require_POST
def member_id_number(request, member_id: int):
    """Shows the full ID-card number, once, and records that it was seen."""
    member = get_member_for(request.user, member_id)
    require(can_see_id_number(request.user, member))
    member_id_number_viewed(actor=request.user, member=member)
    return render(request, "members/detail.html#id_number", {"member": member, "revealed": True})


@login_required
def member_edit(request, member_id: int):
    member = get_member_for(request.user, member_id)
    require(can_edit_members(request.user, member.branch))
    show_id = can_see_id_number(request.user, member)
    initial = initial_from(member)
    form = MemberForm(request.POST or None, initial=initial, show_id_number=show_id)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            member_update(actor=request.user, member=member, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("members:member-detail", member_id=member.pk)
    elif request.method == "GET" and show_id:
        # The form shows the full number: that is a read, and every read is recorded.
        member_id_number_viewed(actor=request.user, member=member)
    return render(
        request, "members/form.html", {"form": form, "unit": member.branch, "member": member}
    )
