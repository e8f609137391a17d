"""The member's side: propose changes to his own record and follow his request. The branch
committee reads the same page (the request with its decision buttons)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doanvien.accounts.access import require, visible_ancestors
from doanvien.core.forms import apply_errors
from doanvien.members.access import can_see_id_number, get_member_for
from doanvien.profiles.access import (
    can_decide_changes,
    can_propose_changes,
    get_change_request_for,
)
from doanvien.profiles.models import ChangeRequest
from doanvien.profiles.selectors import latest_request_of
from doanvien.profiles.services import change_request_submit

from ..forms import ChangeRequestForm, RejectForm
from .common import change_rows


@login_required
def member_change_request(request, member_id: int):
    member = get_member_for(request.user, member_id)
    proposing = can_propose_changes(request.user, member)
    latest = latest_request_of(member)
    waiting = latest is not None and latest.state == ChangeRequest.State.OPEN
    form = None
    if proposing and not waiting:
        form = ChangeRequestForm(request.POST or None, request.FILES or None, member=member)
    if request.method == "POST":
        require(proposing)
        if form is None:
            messages.error(request, _("Your request already waits for your branch."))
            return redirect("profiles:member-change-request", member_id=member.pk)
        if form.is_valid():
            try:
                change_request_submit(
                    actor=request.user,
                    member=member,
                    changes=form.changes(),
                    reason=form.cleaned_data["reason"],
                    photo=form.cleaned_data["photo"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("Your request was sent to your branch."))
                return redirect("profiles:member-change-request", member_id=member.pk)
    shows_id = can_see_id_number(request.user, member)
    context = {
        "member": member,
        "breadcrumbs": visible_ancestors(request.user, member.branch, and_unit=True),
        "latest": latest,
        "rows": change_rows(latest, shows_id) if latest else [],
        "form": form,
        "proposing": proposing,
        "can_decide": waiting and can_decide_changes(request.user, member),
        "reject_form": RejectForm(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "profiles/member.html", context, status=status)


@login_required
@require_GET
def change_request_photo(request, request_id: int):
    """The photo a member proposes, while it waits: for himself and for those who see his
    branch's requests (out of scope → 404). Approved, it is his card's photo
    (members:member-photo); rejected, it is deleted."""
    change_request = get_change_request_for(request.user, request_id)
    if not change_request.photo or change_request.state != ChangeRequest.State.OPEN:
        raise Http404
    try:
        handle = default_storage.open(change_request.photo, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response
