"""The branch committee's side: the queue of open requests of a unit's members, old and new
values side by side, approve or reject with a reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.actions.profiles import change_request_approve
from doanvien.core.pagination import keyset_page_for
from doanvien.members.access import can_see_id_number
from doanvien.profiles.access import can_decide_changes, can_see_queue, get_change_request_for
from doanvien.profiles.selectors import QUEUE_ORDER, requests_under
from doanvien.profiles.services import change_request_reject

from ..forms import RejectForm
from .common import change_rows


@login_required
def unit_change_requests(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_see_queue(request.user, unit))
    page = keyset_page_for(request, requests_under(unit), keys=QUEUE_ORDER)
    items = [
        {
            "request": r,
            "rows": change_rows(r, can_see_id_number(request.user, r.member)),
            "reject_form": RejectForm(auto_id=f"rej{r.pk}_%s"),
        }
        for r in page.object_list
    ]
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "page": page,
        "items": items,
    }
    return render(request, "profiles/queue.html", context)


def _back(request, change_request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("profiles:unit-change-requests", unit_id=change_request.member.branch_id)


@login_required
@require_POST
def change_request_approve_view(request, request_id: int):
    change_request = get_change_request_for(request.user, request_id)
    require(can_decide_changes(request.user, change_request.member))
    try:
        change_request_approve(actor=request.user, change_request=change_request)
    except ValidationError as e:
        messages.error(
            request,
            _("Not approved: %(why)s") % {"why": " ".join(e.messages)},
        )
    else:
        messages.success(
            request,
            _("The changes to %(name)s's record are saved.")
            % {"name": change_request.member.full_name},
        )
    return _back(request, change_request)


@login_required
@require_POST
def change_request_reject_view(request, request_id: int):
    change_request = get_change_request_for(request.user, request_id)
    require(can_decide_changes(request.user, change_request.member))
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for rejecting the request."))
        return _back(request, change_request)
    try:
        change_request_reject(
            actor=request.user, change_request=change_request, reason=form.cleaned_data["reason"]
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("The request of %(name)s is rejected.") % {"name": change_request.member.full_name},
        )
    return _back(request, change_request)
