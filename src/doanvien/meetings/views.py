"""The meeting pages: a unit's meetings and cadence (with the months without a meeting of the
units below a union), recording a meeting, taking its attendance on one screen of toggles
(everyone present until changed), the attendance rates of a branch."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.years import is_valid_year
from doanvien.dues.access import can_take_dues

from . import selectors, services
from .access import can_hold_meetings, can_publish_themes, get_meeting_for
from .forms import MeetingForm, ThemeForm
from .models import Presence


def _year(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        return today.year
    return year if is_valid_year(year) else today.year


@login_required
def unit_meetings(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    year, today = _year(request), timezone.localdate()
    context = {
        "unit": unit,
        "year": year,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "meetings": selectors.unit_meetings(unit, year)[:200],
        "cadence": selectors.cadence(unit, year, today) if unit.is_branch else None,
        "can_hold": can_hold_meetings(request.user, unit) and unit.is_active,
        "themes": selectors.themes_for(unit, year),
        "theme_form": (
            ThemeForm(initial={"year": year, "month": today.month})
            if can_publish_themes(request.user, unit)
            else None
        ),
    }
    if not unit.is_branch:
        children = list(unit.children().filter(is_active=True).order_by("name")[:200])
        below = selectors.figures_below(children, year, today)
        context["below"] = [(c, below[c.pk]) for c in children]
        context["figures"] = selectors.unit_figures(unit, year, today)
    return render(request, "meetings/unit.html", context)


@login_required
def meeting_create_view(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_hold_meetings(request.user, unit) and unit.is_active)
    today = timezone.localdate()
    themes = selectors.themes_for(unit, today.year)
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        themes=themes,
        initial={"date": today, "kind": "regular"},
    )
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "minutes_file"}
        try:
            meeting = services.meeting_create(
                actor=request.user,
                unit=unit,
                data=data,
                minutes_file=form.cleaned_data.get("minutes_file"),
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Meeting recorded. Now tick who attended."))
            return redirect("meetings:meeting-detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "unit": unit, "creating": True})


def _dues_of_present(user, meeting) -> str | None:
    """The branch's dues page with the members present ticked, for whoever takes dues there,
    once the attendance is taken."""
    unit = meeting.unit
    if not (meeting.roll_taken and can_take_dues(user, unit)):  # a branch's only
        return None
    url = reverse("dues:branch-dues", args=[unit.pk, meeting.date.year])
    return f"{url}?meeting={meeting.pk}"


@login_required
def meeting_detail(request, meeting_id: int):
    meeting = get_meeting_for(request.user, meeting_id)
    unit = meeting.unit
    can_hold = can_hold_meetings(request.user, unit)
    listed = (
        selectors.attendance_list(meeting) if unit.is_branch else selectors.committee_roll(meeting)
    )
    counts = {p: sum(1 for _m, s in listed if s == p) for p in Presence.values}
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "unit": unit,
            "listed": listed,
            "counts": counts,
            "can_hold": can_hold,
            "dues_url": _dues_of_present(request.user, meeting),
            "presences": Presence.choices,
            "steps": selectors.steps_at(meeting) if unit.is_branch else None,
            "history": audit.history_shown(meeting),
        },
    )


@login_required
@require_POST
def meeting_attendance(request, meeting_id: int):
    """The list's toggles: a-<id> = present / excused / absent (the rest absent); the id of a
    member at a branch's meeting, of a post holder's cadre record at a committee's."""
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    present, excused = [], []
    for key, value in request.POST.items():
        if key.startswith("a-") and key[2:].isdigit():
            if value == Presence.PRESENT:
                present.append(int(key[2:]))
            elif value == Presence.EXCUSED:
                excused.append(int(key[2:]))
    try:
        counts = services.attendance_set(
            actor=request.user, meeting=meeting, present=present, excused=excused
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("Attendance saved: %(present)s present, %(excused)s excused, %(absent)s absent.")
            % counts,
        )
    return redirect("meetings:meeting-detail", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_cancel_view(request, meeting_id: int):
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    try:
        services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=request.POST.get("reason", "")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Meeting cancelled."))
    return redirect("meetings:meeting-detail", meeting_id=meeting.pk)


@login_required
def meeting_edit(request, meeting_id: int):
    meeting = get_meeting_for(request.user, meeting_id)
    require(can_hold_meetings(request.user, meeting.unit))
    themes = selectors.themes_for(meeting.unit, meeting.date.year)
    initial = {
        "date": meeting.date,
        "kind": meeting.kind,
        "theme": meeting.theme_id,
        "theme_text": meeting.theme_text,
        "minutes": meeting.minutes,
        "decisions": meeting.decisions,
    }
    form = MeetingForm(request.POST or None, request.FILES or None, themes=themes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k in form.changed_data and k != "minutes_file"
        }
        try:
            services.meeting_update(
                actor=request.user,
                meeting=meeting,
                data=data,
                minutes_file=form.cleaned_data.get("minutes_file"),
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("meetings:meeting-detail", meeting_id=meeting.pk)
    return render(
        request, "meetings/form.html", {"form": form, "unit": meeting.unit, "meeting": meeting}
    )


@login_required
def meeting_minutes_file(request, meeting_id: int):
    meeting = get_meeting_for(request.user, meeting_id)
    if not meeting.minutes_file:
        raise Http404
    return FileResponse(meeting.minutes_file.open("rb"), as_attachment=True)


@login_required
def unit_attendance(request, unit_id: int):
    """Attendance rates of the year: a branch's members at its meetings, a union's post
    holders at its committee's meetings."""
    unit = get_unit_for(request.user, unit_id)
    year = _year(request)
    rates = (
        selectors.attendance_rates(unit, year)
        if unit.is_branch
        else selectors.committee_attendance_rates(unit, year)
    )
    rows = rates["members"] if unit.is_branch else rates["people"]
    return render(
        request,
        "meetings/attendance.html",
        {"unit": unit, "year": year, "rates": rates, "rows": rows},
    )


@login_required
@require_POST
def theme_publish_view(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_publish_themes(request.user, unit))
    form = ThemeForm(request.POST)
    if form.is_valid():
        try:
            services.theme_publish(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Theme published."))
    else:
        messages.error(
            request, _("Check the theme: %(errors)s") % {"errors": form.errors.as_text()}
        )
    return redirect("meetings:unit-meetings", unit_id=unit.pk)
