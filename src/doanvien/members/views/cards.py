"""Member-card pages: a unit's card-number ranges (allocate, release, where its numbers come
from, members without a number) and a member's card. Each view resolves its object in the
user's scope on its first line (404 outside it), then checks the action (403)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from doanvien.accounts.access import get_unit_for, require, scope_of, visible_ancestors
from doanvien.accounts.lockout import client_address
from doanvien.accounts.models import Role
from doanvien.core import ratelimit
from doanvien.core.forms import apply_errors
from doanvien.core.qr import qr_svg
from doanvien.members.access import (
    can_allocate_range,
    can_assign_cards,
    can_edit_members,
    get_member_for,
    get_range_for,
)
from doanvien.members.card_tokens import (
    BadToken,
    base_union_of,
    card_status,
    card_token,
    member_of_token,
)
from doanvien.members.models import CARD_DIGITS, format_card
from doanvien.members.selectors import covering_ranges, members_without_card, ranges_of
from doanvien.members.services.cards import (
    card_assign,
    card_range_allocate,
    card_range_release,
    first_free,
    free_blocks,
    used_count,
)
from doanvien.units.models import Unit

from ..forms.cards import (
    CardAssignForm,
    CardRangeAllocateForm,
    CardRangeReleaseForm,
    PhotoForm,
)
from ..models import AdmissionRequest
from ..services.photos import member_photo_remove, member_photo_set

A = AdmissionRequest.State

# Members without a card number listed on a branch's card page.
WITHOUT_CARD_LIMIT = 50


def _allocatable_units(user, unit: Unit):
    """The units this user may give a range from this page: the unit itself (from its parent's
    range, or a new block for a root unit) and the unions right under it."""
    q = Q(pk__in=[])
    if can_allocate_range(user, unit):
        q |= Q(pk=unit.pk)
    scope = scope_of(user)
    if not unit.is_branch and (scope.is_superuser or Role.CADRE in scope.roles_at(unit.path)):
        q |= Q(
            path__startswith=unit.path,
            depth=unit.depth + 1,
            kind=Unit.Kind.UNION,
            is_active=True,
        )
    return Unit.objects.filter(q).filter(is_active=True).order_by("depth", "name")


def _card_or_none(number: int | None) -> str | None:
    return None if number is None else format_card(number)


def _range_rows(user, ranges) -> list[dict]:
    rows = []
    for r in ranges:
        children = list(r.children.filter(is_active=True).select_related("unit").order_by("first"))
        rows.append(
            {
                "range": r,
                "used": used_count(r),
                "next": _card_or_none(first_free(r)),
                "free_blocks": [(format_card(f), format_card(la)) for f, la in free_blocks(r)],
                "children": [
                    {
                        "range": c,
                        "release_form": CardRangeReleaseForm(auto_id=f"rel{c.pk}_%s")
                        if can_allocate_range(user, c.unit)
                        else None,
                    }
                    for c in children
                ],
                "release_form": CardRangeReleaseForm(auto_id=f"rel{r.pk}_%s")
                if can_allocate_range(user, r.unit)
                else None,
            }
        )
    return rows


@login_required
def unit_card_ranges(request, unit_id: int):
    """The unit's ranges with what was handed down from them, where its numbers come from, and
    (for a branch) its members still without a card number."""
    unit = get_unit_for(request.user, unit_id)
    units = _allocatable_units(request.user, unit)
    can_allocate = units.exists()
    form = CardRangeAllocateForm(request.POST or None, units=units) if can_allocate else None
    if request.method == "POST":
        require(can_allocate)
        if form.is_valid():
            try:
                card_range = card_range_allocate(
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    first=form.cleaned_data["first"],
                    last=form.cleaned_data["last"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(
                    request,
                    _("Card numbers %(range)s allocated to %(unit)s.")
                    % {"range": card_range, "unit": card_range.unit.name},
                )
                return redirect("members:unit-card-ranges", unit_id=unit.pk)
    scope = scope_of(request.user)
    covering = [r for r in covering_ranges(unit) if r.unit_id != unit.pk]
    without_card = None
    can_assign = unit.is_branch and can_assign_cards(request.user, unit)
    if unit.is_branch:
        without_card = list(
            members_without_card(unit).order_by("sort_key", "pk")[: WITHOUT_CARD_LIMIT + 1]
        )
    context = {
        "unit": unit,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "ranges": _range_rows(request.user, ranges_of(unit)),
        "covering": [
            {"range": r, "unit_name": r.unit.name if scope.sees_path(r.unit.path) else None}
            for r in covering
        ],
        "form": form,
        "without_card": without_card[:WITHOUT_CARD_LIMIT] if without_card is not None else None,
        "without_card_more": without_card is not None and len(without_card) > WITHOUT_CARD_LIMIT,
        "can_assign": can_assign,
        "limit": WITHOUT_CARD_LIMIT,
        "digits": CARD_DIGITS,
    }
    return render(
        request, "members/cards/unit.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def card_range_release_view(request, range_id: int):
    card_range = get_range_for(request.user, range_id)
    require(can_allocate_range(request.user, card_range.unit))
    back = card_range.parent.unit if card_range.parent_id else card_range.unit
    if not scope_of(request.user).sees_path(back.path):
        back = card_range.unit
    form = CardRangeReleaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for releasing the range."))
    else:
        try:
            card_range_release(
                actor=request.user, card_range=card_range, reason=form.cleaned_data["reason"]
            )
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(
                request,
                _("Card numbers %(range)s released by %(unit)s.")
                % {"range": card_range, "unit": card_range.unit.name},
            )
    return redirect("members:unit-card-ranges", unit_id=back.pk)


@login_required
def member_card(request, member_id: int):
    """A member's card number: assign one (automatically or by hand) if he has none."""
    member = get_member_for(request.user, member_id)
    can_assign = can_assign_cards(request.user, member.branch) and not member.card_number
    covering = covering_ranges(member.branch)
    form = CardAssignForm(request.POST or None, ranges_cover=bool(covering)) if can_assign else None
    if request.method == "POST":
        require(can_assign_cards(request.user, member.branch))
        if form is None:
            messages.error(request, _("This member already has a card number."))
            return redirect("members:member-card", member_id=member.pk)
        if form.is_valid():
            try:
                card_assign(
                    actor=request.user,
                    member=member,
                    number=form.card_args()["card_number"],
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                member.refresh_from_db()
                messages.success(
                    request,
                    _("%(name)s has the member card number %(number)s.")
                    % {"name": member.full_name, "number": member.card_number},
                )
                return redirect("members:member-detail", member_id=member.pk)
    scope = scope_of(request.user)
    context = {
        "member": member,
        "face": card_face(request, member),
        "breadcrumbs": visible_ancestors(request.user, member.branch, and_unit=True),
        "form": form,
        "photo_form": PhotoForm() if can_edit_members(request.user, member.branch) else None,
        "covering": [
            {"range": r, "unit_name": r.unit.name if scope.sees_path(r.unit.path) else None}
            for r in covering[:3]
        ],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "members/cards/member.html", context, status=status)


@login_required
def member_photo(request, member_id: int):
    """The member's photo (GET, for whoever may see the member), or a new one / none (POST, for
    whoever may edit the branch's members)."""
    member = get_member_for(request.user, member_id)
    if request.method == "POST":
        require(can_edit_members(request.user, member.branch))
        form = PhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                if form.cleaned_data.get("photo"):
                    member_photo_set(
                        actor=request.user, member=member, upload=form.cleaned_data["photo"]
                    )
                else:
                    member_photo_remove(actor=request.user, member=member)
            except ValidationError as e:
                apply_errors(form, e, "photo")
            else:
                messages.success(request, _("The photo was saved."))
                return redirect("members:member-card", member_id=member.pk)
        for error in form.errors.get("photo", []) + form.non_field_errors():
            messages.error(request, error)
        return redirect("members:member-card", member_id=member.pk)
    if not member.photo:
        raise Http404
    try:
        handle = default_storage.open(member.photo, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


def verify_url(request, member) -> str:
    """The absolute address of the member's verification page (what his card's QR code holds)."""
    return request.build_absolute_uri(reverse("members:card-verify", args=[card_token(member)]))


def card_face(request, member) -> dict:
    """What the card shows besides the record's own fields: the base union, the verification
    address and its QR code (inline SVG)."""
    url = verify_url(request, member)
    return {
        "base_union": base_union_of(member.branch),
        "verify_url": url,
        "qr_svg": mark_safe(qr_svg(url, title=_("Member card verification code"))),  # noqa: S308 (segno's own SVG)
    }


STATUS_LABELS = {
    "active": gettext_lazy("Union member"),
    "not_member": gettext_lazy("No longer a Union member"),
}


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def verify_limit() -> ratelimit.Limit:
    """At most VERIFY_LIMIT card checks per client address within VERIFY_WINDOW: the public
    page is not a way to walk the member records."""
    return ratelimit.Limit(
        "card-verify", settings.VERIFY_LIMIT, int(settings.VERIFY_WINDOW.total_seconds())
    )


@require_GET
def card_verify(request, token: str):
    """The public page a card's QR code opens: only the name, the branch, the base union, whether
    he is a member now and the date checked (never his ID number, date of birth or phone). JSON
    (`full_name`, `branch`, `status`) when asked for with Accept: application/json."""
    json = _wants_json(request)
    status, problem = 200, ""
    wait = ratelimit.hit(verify_limit(), client_address(request) or "unknown")
    if wait:
        minutes = max(1, (wait + 59) // 60)
        problem = ngettext(
            "Too many cards checked from this connection. Try again in %(n)s minute.",
            "Too many cards checked from this connection. Try again in %(n)s minutes.",
            minutes,
        ) % {"n": minutes}
        if json:
            response = JsonResponse({"detail": problem}, status=429)
        else:
            response = render(
                request, "members/cards/verify.html", {"problem": problem}, status=429
            )
        response["Retry-After"] = str(wait)
        return response
    try:
        member = member_of_token(token)
    except BadToken:
        status, problem = (
            400,
            _(
                "This verification code is not valid: it was altered or not issued by this system. "
                "The card cannot be trusted."
            ),
        )
    else:
        if member is None:
            status, problem = 404, _("No member record matches this card any more.")
    if problem:
        if json:
            return JsonResponse({"detail": problem}, status=status)
        return render(request, "members/cards/verify.html", {"problem": problem}, status=status)
    state = card_status(member)
    if json:
        return JsonResponse(
            {"full_name": member.full_name, "branch": member.branch.name, "status": state}
        )
    base = base_union_of(member.branch)
    context = {
        "full_name": member.full_name,
        "branch": member.branch.name,
        "base_union": base.name if base and base.pk != member.branch_id else "",
        "status": state,
        "status_label": STATUS_LABELS[state],
        "checked_on": timezone.localdate(),
    }
    return render(request, "members/cards/verify.html", context)
