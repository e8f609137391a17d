"""The activity pages: a unit's activities (held and offered) with the publish form, an
activity (sign-up for a member, check-in for the organiser: a card scanned, kept on the phone
while offline; a list ticked; member codes pasted or read from a file), a member's own
participation, and the figures of a year. Each view is scoped on its first line (404 outside)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core.forms import apply_errors, error_messages
from doanvien.core.spreadsheets.reading import SpreadsheetError
from doanvien.members.access import get_member_for
from doanvien.training.access import acts_for_member
from doanvien.training.selectors import registration_of
from doanvien.units.models import Unit

from . import imports, selectors, services
from .access import can_organise, can_publish, get_activity_for, is_offered, own_member
from .forms import ActivityForm
from .models import Activity, CriterionLink, Participation


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def unit_activities(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    year = _year(request)
    publish = can_publish(request.user, unit)
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).order_by("path")[:300]
    form = ActivityForm(request.POST or None, units=below) if publish else None
    if request.method == "POST":
        require(publish)
        if form.is_valid():
            data = {**form.cleaned_data, "units": [int(u) for u in form.cleaned_data["units"]]}
            try:
                activity = services.activity_publish(actor=request.user, unit=unit, data=data)
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The activity is published."))
                return redirect("activities:activity-detail", activity.pk)
    return render(
        request,
        "activities/unit.html",
        {
            "unit": unit,
            "year": year,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
            "activities": selectors.unit_activities(unit, year)[:300],
            "form": form,
        },
    )


@login_required
def activity_detail(request, activity_id: int):
    activity = get_activity_for(request.user, activity_id)
    organiser = can_organise(request.user, activity)
    member = own_member(request.user)
    mine = None
    can_sign_up = False
    if member is not None:
        mine = Participation.objects.filter(activity=activity, member=member).first()
        can_sign_up = (
            activity.cancelled_at is None
            and activity.ends_at >= timezone.now()
            and not (mine and mine.signed_up_at)
            and is_offered(activity, member.branch)
        )
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "areas": sorted(activity.areas.values_list("code", flat=True)),
            "invited": activity.invites.select_related("unit").order_by("unit_path"),
            "organiser": organiser,
            "people": selectors.activity_people(activity) if organiser else None,
            "mine": mine,
            "can_sign_up": can_sign_up,
        },
    )


@login_required
@require_POST
def activity_signup(request, activity_id: int):
    activity = get_activity_for(request.user, activity_id)
    member = own_member(request.user)
    require(member is not None)
    try:
        services.activity_signup(actor=request.user, activity=activity, member=member)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("You are signed up."))
    return redirect("activities:activity-detail", activity.pk)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
def activity_checkin(request, activity_id: int):
    """A card scanned (`card`, with the phone's `scan_id`: answered in JSON to the page's
    script, which keeps scans made offline and sends each once), members ticked on the list
    (`members`), member codes pasted (`codes`, one a line) or read from an Excel file (`file`):
    a list is recorded all or nothing, every row at fault named."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    if "card" in request.POST:
        try:
            found = services.activity_scan(
                actor=request.user,
                activity=activity,
                card=request.POST.get("card", ""),
                scan_id=request.POST.get("scan_id", ""),
            )
        except ValidationError as e:
            if _wants_json(request):
                return JsonResponse({"errors": error_messages(e)}, status=400)
            messages.error(request, " ".join(e.messages))
        else:
            if _wants_json(request):
                return JsonResponse(found)
            if found["checked_in"]:
                messages.success(request, _("%(name)s is checked in.") % {"name": found["name"]})
            else:
                messages.info(
                    request, _("%(name)s was already checked in.") % {"name": found["name"]}
                )
        return redirect("activities:activity-detail", activity.pk)
    try:
        if "file" in request.FILES:
            n = imports.participations_import(
                actor=request.user, activity=activity, upload=request.FILES["file"]
            )
        elif "codes" in request.POST:
            codes = request.POST.get("codes", "").replace(",", "\n").splitlines()
            n = services.participations_record(actor=request.user, activity=activity, codes=codes)
        else:
            ids = [int(i) for i in request.POST.getlist("members") if i.isdigit()]
            n = services.activity_checkin(actor=request.user, activity=activity, member_ids=ids)
    except SpreadsheetError as e:
        messages.error(request, str(e))
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(n)d member(s) checked in.") % {"n": n})
    return redirect("activities:activity-detail", activity.pk)


@login_required
@require_POST
def activity_cancel(request, activity_id: int):
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    services.activity_cancel(actor=request.user, activity=activity)
    messages.success(request, _("The activity is cancelled: it is no longer counted."))
    return redirect("activities:activity-detail", activity.pk)


@login_required
def activity_stats(request, unit_id: int, year: int):
    unit = get_unit_for(request.user, unit_id)
    return render(
        request,
        "activities/stats.html",
        {
            "unit": unit,
            "year": year,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
            "rows": selectors.stats_rows(unit, year),
            "figures": selectors.activity_figures(unit, year),
        },
    )


@login_required
def member_activities(request, member_id: int):
    """What the member took part in (his own page, or his branch's committee); to the member
    himself, the activities offered to his branch too."""
    member = get_member_for(request.user, member_id)
    year = _year(request)
    himself = own_member(request.user)
    offered = None
    if himself is not None and himself.pk == member.pk:
        offered = selectors.offered_to_member(member, year)[:100]
    registration = registration_of(member, year)
    return render(
        request,
        "activities/member.html",
        {
            "member": member,
            "year": year,
            "rows": selectors.member_participations(member, year),
            "offered": offered,
            "criteria": selectors.criterion_rows(registration, member) if registration else None,
            "can_link": acts_for_member(request.user, member),
        },
    )


@login_required
@require_POST
def member_activity_link(request, member_id: int):
    """Link a criterion of the member's registration of the year to an activity that serves it
    (`criterion`, `activity`), or take a link away (`unlink`: its id): the member himself or
    his branch's committee."""
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    year = _year(request)
    registration = registration_of(member, year)
    back = redirect(f"{reverse('activities:member-activities', args=[member.pk])}?year={year}")
    if registration is None:
        messages.error(request, _("No registration for this year."))
        return back
    unlink = request.POST.get("unlink", "")
    if unlink.isdigit():
        link = CriterionLink.objects.filter(pk=int(unlink), registration=registration).first()
        if link is not None:
            services.criterion_unlink(actor=request.user, link=link)
        return back
    activity_id = request.POST.get("activity", "")
    criterion_id = request.POST.get("criterion", "")
    activity = Activity.objects.filter(pk=int(activity_id) if activity_id.isdigit() else 0).first()
    if activity is None or not criterion_id.isdigit():
        messages.error(request, _("Choose an activity."))
        return back
    try:
        services.criterion_link(
            actor=request.user,
            registration=registration,
            criterion_id=int(criterion_id),
            activity=activity,
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The criterion is linked to the activity."))
    return back
