"""The activity pages: a unit's activities (held and offered) with the publish form, an
activity (sign-up for a member; check-in for the organiser, and for the committee of a unit it is
offered to with its own members: a card scanned by the camera or typed, kept on the phone while
offline; a list ticked; member codes pasted or read from a file), its change, a unit's campaigns
and a campaign's activities with their totals, a member's own participation, the links of his
registration's criteria to activities, and the figures of a year. Each view is scoped on its
first line (404 outside)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, subtree_q, visible_ancestors
from doanvien.core.forms import apply_errors, error_messages
from doanvien.core.spreadsheets.reading import SpreadsheetError
from doanvien.core.years import is_valid_year
from doanvien.members.access import get_member_for
from doanvien.training.access import acts_for_member
from doanvien.training.rules import programme_year_of
from doanvien.training.selectors import registration_of
from doanvien.units.models import Unit

from . import imports, selectors, services
from .access import (
    activities_visible_to,
    campaigns_visible_to,
    can_organise,
    can_publish,
    checkin_paths,
    get_activity_for,
    get_campaign_for,
    is_offered,
    own_member,
    publishing_units,
)
from .forms import ActivityForm, CampaignForm
from .models import Activity, CriterionLink, Participation


def _year(request, sector: str) -> int:
    """The ?year= asked, else the programme year running today for the unit's sector (an
    activity's year is its programme year: a school's runs June to May)."""
    today = programme_year_of(timezone.localdate(), sector)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return today
    return year if is_valid_year(year) else today


@login_required
def unit_activities(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    year = _year(request, unit.sector)
    publish = can_publish(request.user, unit)
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).order_by("path")[:300]
    form = None
    if publish:
        campaign = request.GET.get("campaign", "")
        form = ActivityForm(
            request.POST or None,
            units=below,
            campaigns=selectors.campaigns_to_join(unit),
            initial={"campaign": campaign} if campaign.isdigit() else None,
        )
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
            "campaigns": selectors.unit_campaigns(unit, year)[:50],
            "form": form,
        },
    )


@login_required
def activity_detail(request, activity_id: int):
    activity = get_activity_for(request.user, activity_id)
    organiser = can_organise(request.user, activity)
    within = checkin_paths(request.user, activity)
    checker = within != []
    people = None
    if checker:
        people = selectors.activity_people(activity)
        if within is not None:
            people = people.filter(subtree_q("member__unit_path", within))
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
            "checker": checker,
            "checkin_units": (
                Unit.objects.filter(path__in=within).order_by("path") if within else None
            ),
            "people": people,
            "mine": mine,
            "can_sign_up": can_sign_up,
            "sees_campaign": bool(activity.campaign_id)
            and campaigns_visible_to(request.user).filter(pk=activity.campaign_id).exists(),
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
    within = checkin_paths(request.user, activity)
    require(within != [])
    if "card" in request.POST:
        try:
            found = services.activity_scan(
                actor=request.user,
                activity=activity,
                card=request.POST.get("card", ""),
                scan_id=request.POST.get("scan_id", ""),
                within=within,
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
                actor=request.user,
                activity=activity,
                upload=request.FILES["file"],
                within=within,
            )
        elif "codes" in request.POST:
            codes = request.POST.get("codes", "").replace(",", "\n").splitlines()
            n = services.participations_record(
                actor=request.user, activity=activity, codes=codes, within=within
            )
        else:
            ids = [int(i) for i in request.POST.getlist("members") if i.isdigit()]
            n = services.activity_checkin(
                actor=request.user, activity=activity, member_ids=ids, within=within
            )
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
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The activity is cancelled: it is no longer counted."))
    return redirect("activities:activity-detail", activity.pk)


@login_required
def activity_edit(request, activity_id: int):
    """Change an activity: its unit's committee (or cadres above). Once members signed up or
    took part, it keeps its year, a capacity not below the sign-ups and their units invited."""
    activity = get_activity_for(request.user, activity_id)
    require(can_organise(request.user, activity))
    if activity.cancelled_at:
        messages.error(request, _("This activity was cancelled."))
        return redirect("activities:activity-detail", activity.pk)
    unit = activity.unit
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).order_by("path")[:300]
    form = ActivityForm(
        request.POST or None,
        units=below,
        campaigns=selectors.campaigns_to_join(unit),
        initial=ActivityForm.initial_of(activity),
    )
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data, "units": [int(u) for u in form.cleaned_data["units"]]}
        try:
            services.activity_update(actor=request.user, activity=activity, data=data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The activity is changed."))
            return redirect("activities:activity-detail", activity.pk)
    return render(request, "activities/edit.html", {"activity": activity, "form": form})


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
    year = _year(request, member.branch.sector)
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
    year = _year(request, member.branch.sector)
    registration = registration_of(member, year)
    back = redirect(f"{reverse('activities:member-activities', args=[member.pk])}?year={year}")
    if registration is None:
        messages.error(request, _("No registration for this year."))
        return back
    unlink = request.POST.get("unlink", "")
    if unlink.isdigit():
        link = CriterionLink.objects.filter(pk=int(unlink), registration=registration).first()
        if link is not None:
            try:
                services.criterion_unlink(actor=request.user, link=link)
            except ValidationError as e:
                messages.error(request, " ".join(e.messages))
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


@login_required
@require_POST
def registration_activities(request, member_id: int, year: int):
    """From the registration page: the activities linked to one criterion of the member's
    registration (`criterion`) become those ticked (`activities`); the member himself or his
    branch's committee. Back to the registration page."""
    member = get_member_for(request.user, member_id)
    require(acts_for_member(request.user, member))
    registration = registration_of(member, year)
    if registration is None:
        raise Http404
    back = reverse("training:member-training", args=[member.pk, year]) + "#chosen"
    criterion = request.POST.get("criterion", "")
    try:
        services.criterion_links_set(
            actor=request.user,
            registration=registration,
            criterion_id=int(criterion) if criterion.isdigit() else 0,
            activity_ids=request.POST.getlist("activities"),
        )
    except ValidationError as e:
        for message in e.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The activities linked to the criterion are saved."))
    return redirect(back)


# --- Campaigns ---------------------------------------------------------------------------------


@login_required
def unit_campaigns(request, unit_id: int):
    """The campaigns a unit runs and those run above it, with the form to launch one."""
    unit = get_unit_for(request.user, unit_id)
    year = _year(request, unit.sector)
    launch = can_publish(request.user, unit)
    form = CampaignForm(request.POST or None) if launch else None
    if request.method == "POST":
        require(launch)
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    actor=request.user, unit=unit, data=form.cleaned_data
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The campaign is launched."))
                return redirect("activities:campaign-detail", campaign.pk)
    return render(
        request,
        "activities/campaigns.html",
        {
            "unit": unit,
            "year": year,
            "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
            "campaigns": selectors.unit_campaigns(unit, year)[:300],
            "form": form,
        },
    )


@login_required
def campaign_detail(request, campaign_id: int):
    """A campaign: its activities that the user sees, with their totals, and where the user may
    publish one inside it."""
    campaign = get_campaign_for(request.user, campaign_id)
    visible = activities_visible_to(request.user)
    return render(
        request,
        "activities/campaign.html",
        {
            "campaign": campaign,
            "activities": selectors.campaign_activities(campaign, visible)[:300],
            "totals": selectors.campaign_totals(campaign, request.user),
            "publish_in": publishing_units(request.user, campaign),
            "can_edit": can_publish(request.user, campaign.unit),
        },
    )


@login_required
def campaign_edit(request, campaign_id: int):
    """Change a campaign: its unit's committee (or cadres above). Its activities must still start
    within its dates."""
    campaign = get_campaign_for(request.user, campaign_id)
    require(can_publish(request.user, campaign.unit))
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_of(campaign))
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(actor=request.user, campaign=campaign, data=form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The campaign is changed."))
            return redirect("activities:campaign-detail", campaign.pk)
    return render(request, "activities/campaign_edit.html", {"campaign": campaign, "form": form})
