"""The branch's training pages: progress, review, bulk registration, interim notes, the one-screen
assessment and the submission of the results. The branch committee acts; cadres above read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from doanvien.accounts.access import (
    get_branch_for,
    require,
    visible_ancestors,
)
from doanvien.actions.meetings import branch_results_submit_at, registration_approve_at
from doanvien.activities.selectors import participation_titles
from doanvien.core.forms import apply_errors
from doanvien.meetings.selectors import meetings_for_steps, step_meetings
from doanvien.members.access import get_member_for
from doanvien.members.models import Member, Status
from doanvien.training.services.assessment import assessment_record, evaluation_date
from doanvien.training.services.registrations import (
    registration_return,
    registrations_apply_default,
)
from doanvien.training.services.results import progress_note_add

from ..access import can_review_registration, can_see_flags, is_branch_committee
from ..forms.assessment import AssessmentRow, points_errors
from ..forms.registrations import CriteriaForm, NoteForm, RegistrationExportForm, ReturnForm
from ..models import BranchResult, Deadline, ProgressNote, Registration
from ..progress import box_ticking_flags, branch_progress
from ..rules import is_eligible
from ..selectors import (
    branch_result,
    criteria_for,
    framework_for,
    registration_of,
    year_with_work,
)
from .member import (
    is_locked,
    page_url,
    refused,
    render_with_return_form,
    window_not_open,
)

State = Registration.State


def _result(branch, year: int) -> BranchResult | None:
    return branch_result(branch, year)


def branch_url(name: str, branch, year: int) -> str:
    return reverse(f"training:{name}", kwargs={"unit_id": branch.pk, "year": year})


# --- Progress ---------------------------------------------------------------------------------


def _progress_context(request, branch, year: int, **overrides) -> dict:
    committee = is_branch_committee(request.user, branch)
    progress = branch_progress(branch, year)
    everyone_registered = not (progress.not_registered or progress.drafts or progress.returned)
    done = {
        Deadline.Kind.REGISTRATION: everyone_registered,
        Deadline.Kind.NEW_MEMBER_REGISTRATION: everyone_registered,
        Deadline.Kind.EVALUATION: progress.result_state != BranchResult.State.OPEN,
        Deadline.Kind.RECOGNITION: progress.result_state == BranchResult.State.RECOGNISED,
    }
    for d in progress.deadlines:
        d.overdue = max(0, -d.days_left)
        d.done = done.get(d.kind, False)
    context = {
        "unit": branch,
        "branch": branch,
        "year": year,
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
        "progress": progress,
        "result": _result(branch, year),
        "committee": committee,
        "flags": box_ticking_flags(branch, year) if can_see_flags(request.user, branch) else None,
        "notes": ProgressNote.objects.filter(
            branch=branch, year=year, registration__isnull=True
        ).select_related("author"),
        "note_form": NoteForm() if committee else None,
        "has_framework": framework_for(branch, year) is not None,
        "results_meeting": step_meetings(branch, year)["results"],
        "export_form": RegistrationExportForm(auto_id="export-%s"),
    }
    context.update(overrides)
    return context


@login_required
def branch_training_current(request, unit_id: int):
    """The branch's page for the programme year running now (a link that needs no year)."""
    branch = get_branch_for(request.user, unit_id)
    year = year_with_work(branch)
    return render(
        request, "training/branch/progress.html", _progress_context(request, branch, year)
    )


@login_required
def branch_training(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    return render(
        request, "training/branch/progress.html", _progress_context(request, branch, year)
    )


@login_required
@require_POST
def branch_training_note(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            progress_note_add(
                actor=request.user,
                branch=branch,
                year=year,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Note added."))
            return redirect(branch_url("branch-training", branch, year) + "#notes")
    context = _progress_context(request, branch, year, note_form=form)
    return render(request, "training/branch/progress.html", context)


# --- Review -----------------------------------------------------------------------------------


def _registration_for_committee(request, member_id: int, year: int):
    member = get_member_for(request.user, member_id)
    registration = registration_of(member, year)
    require(can_review_registration(request.user, member))
    if registration is None:
        raise Http404
    return member, registration


@login_required
@require_POST
def registration_approve_view(request, member_id: int, year: int):
    member, registration = _registration_for_committee(request, member_id, year)
    try:
        registration_approve_at(
            actor=request.user, registration=registration, meeting=request.POST.get("meeting")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect(page_url(member, year))
    messages.success(
        request, _("The registration of %(name)s is approved.") % {"name": member.full_name}
    )
    return redirect(branch_url("branch-training", registration.branch, year) + "#review")


@login_required
@require_POST
def registration_return_view(request, member_id: int, year: int):
    member, registration = _registration_for_committee(request, member_id, year)
    form = ReturnForm(request.POST)
    form.is_valid()
    try:
        registration_return(
            actor=request.user, registration=registration, comment=form.cleaned_data["comment"]
        )
    except ValidationError as e:
        if is_locked(e):
            return refused(request, e, page_url(member, year))
        apply_errors(form, e)
        return render_with_return_form(request, member, year, form)
    messages.success(
        request,
        _("The registration of %(name)s is returned with your comment.")
        % {"name": member.full_name},
    )
    return redirect(branch_url("branch-training", registration.branch, year) + "#review")


# --- Bulk registration ------------------------------------------------------------------------


@login_required
def branch_training_bulk(request, unit_id: int, year: int):
    """Register many members at once with a default set; each member can then adjust his."""
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    framework = framework_for(branch, year)
    states = dict(
        Registration.objects.filter(branch=branch, year=year).values_list("member_id", "state")
    )
    candidates = [
        (m, states.get(m.pk))
        for m in Member.objects.filter(branch=branch, status=Status.ACTIVE).order_by("sort_key")
        if states.get(m.pk) in (None, State.DRAFT, State.RETURNED)
    ]
    form = None
    if framework is not None:
        criteria = criteria_for(
            framework=framework, branch=branch, year=year, sector=branch.sector
        ).select_related("unit")
        form = CriteriaForm(
            framework=framework,
            criteria=criteria,
            data=request.POST if request.method == "POST" else None,
        )
    if request.method == "POST":
        chosen = set(request.POST.getlist("member"))
    else:
        chosen = {str(m.pk) for m, state in candidates if state is None}
    if request.method == "POST" and form is not None:
        members = [m for m, _state in candidates if str(m.pk) in chosen]
        items = form.items()
        undated = form.undated()
        for row in undated:
            row.target_errors.append(_("Enter a target date."))
        if not members:
            form.errors.append(_("Choose the members to register."))
        if not items:
            form.errors.append(_("Choose the criteria of the default set."))
        if members and items and not undated:
            try:
                count = registrations_apply_default(
                    actor=request.user, branch=branch, year=year, items=items, members=members
                )
            except ValidationError as e:
                if is_locked(e):
                    return refused(request, e, branch_url("branch-training", branch, year))
                form.add_errors(e, [i["criterion"] for i in items])
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)s member registered with the default set.",
                        "%(count)s members registered with the default set.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(branch_url("branch-training", branch, year))
    context = {
        "unit": branch,
        "branch": branch,
        "year": year,
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
        "form": form,
        "candidates": [
            (m, State(state).label if state else "", str(m.pk) in chosen) for m, state in candidates
        ],
    }
    return render(request, "training/branch/bulk.html", context)


# --- Assessment -------------------------------------------------------------------------------


class _Rows:
    """Builds the assessment rows with what they share (areas, evaluation date) read once."""

    def __init__(self, branch, year: int):
        self.branch, self.year = branch, year
        self._areas: dict[int, list] = {}
        self._evaluated_on = None
        self._activities: dict[int, list[str]] | None = None

    def areas(self, registration) -> list:
        if registration.framework_id not in self._areas:
            self._areas[registration.framework_id] = list(registration.framework.areas.all())
        return self._areas[registration.framework_id]

    def eligible(self, registration) -> bool:
        if self._evaluated_on is None:
            self._evaluated_on = evaluation_date(registration, timezone.localdate())
        return is_eligible(
            joined_union_on=registration.member.joined_union_on,
            evaluated_on=self._evaluated_on,
            months=registration.framework.eligibility_months,
        )

    def activities(self, member_id: int) -> list[str]:
        """The activities the member took part in during the year (evidence beside the
        self-score), read once for the branch's members."""
        if self._activities is None:
            members = Member.objects.filter(branch=self.branch).values_list("pk", flat=True)
            self._activities = participation_titles(members, self.year)
        return self._activities.get(member_id, [])

    def row(self, registration, data=None) -> AssessmentRow:
        row = AssessmentRow.of(
            registration, self.areas(registration), data, eligible=self.eligible(registration)
        )
        row.activities = self.activities(registration.member_id)
        return row


def _approved(branch, year: int):
    return (
        Registration.objects.filter(
            branch=branch, year=year, state=State.APPROVED, member__status=Status.ACTIVE
        )
        .select_related("member", "framework")
        .order_by("member__sort_key")
    )


def _assessment_context(request, branch, year: int, replace: AssessmentRow | None = None) -> dict:
    builder = _Rows(branch, year)
    rows = []
    for registration in _approved(branch, year):
        if replace is not None and registration.pk == replace.registration.pk:
            rows.append(replace)
        else:
            rows.append(builder.row(registration))
    framework = rows[0].registration.framework if rows else framework_for(branch, year)
    result = _result(branch, year)
    committee = is_branch_committee(request.user, branch)
    opens = window_not_open(rows[0].registration) if rows else None
    return {
        "unit": branch,
        "branch": branch,
        "year": year,
        "breadcrumbs": visible_ancestors(request.user, branch, and_unit=True),
        "rows": rows,
        "areas": list(framework.areas.all()) if framework else [],
        "result": result,
        "committee": committee,
        "can_assess": committee
        and (result is None or result.state == BranchResult.State.OPEN)
        and opens is None,
        "assessment_opens": opens,
        "step_meetings": meetings_for_steps(branch, year) if committee else (),
        "results_meeting": step_meetings(branch, year)["results"],
        **_counts(branch, year),
    }


def _counts(branch, year: int) -> dict:
    """How many members are on the assessment screen, assessed, and left out of it."""
    approved = _approved(branch, year)
    total = approved.count()
    members = Member.objects.filter(branch=branch, status=Status.ACTIVE).count()
    return {
        "total": total,
        "assessed": approved.filter(assessed_at__isnull=False).count(),
        "not_here": members - total,
    }


@login_required
def branch_assessment(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    context = _assessment_context(request, branch, year)
    return render(request, "training/branch/assessment.html", context)


def _seq(raw: str) -> int | None:
    """The number the screen's script gives a row's save (js/assessment.js), or None."""
    raw = raw.strip()
    return int(raw) if raw.isdigit() and len(raw) <= 9 else None


@login_required
@require_POST
def branch_assessment_row(request, unit_id: int, year: int, member_id: int):
    """One member's row: saves the branch's points with assessment_record and answers the row
    (htmx) or the whole screen. An incomplete row saved on the way is not an error yet."""
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    registration = get_object_or_404(
        Registration.objects.select_related("member", "framework"),
        branch=branch,
        year=year,
        member_id=member_id,
        state=State.APPROVED,
    )
    builder = _Rows(branch, year)
    row = builder.row(registration, data=request.POST)
    auto = request.POST.get("auto") == "1"
    seq = _seq(request.POST.get("seq", ""))
    try:
        registration = assessment_record(
            actor=request.user,
            registration=registration,
            areas=row.points(),
            comment=row.comment,
            seq=seq,
        )
    except ValidationError as e:
        if is_locked(e) or getattr(e, "code", None) == "not_open":
            # Not about what was typed: the screen again, with the message and without inputs.
            response = refused(request, e, branch_url("branch-assessment", branch, year))
            if request.htmx:
                response = HttpResponse(headers={"HX-Redirect": response["Location"]})
            return response
        errors = points_errors(e)
        if auto and not row.complete:
            # Saved on the way while typing: only the values typed so far are checked.
            empty = {f"area_{code}" for code, value in row.values.items() if not value}
            errors = {k: v for k, v in errors.items() if k not in empty}
            row.pending = True
        row.errors = errors
    else:
        row = builder.row(registration)
        # A save that arrived after a later one changed nothing: the row as it stands.
        row.saved = seq is None or registration.assessment_seq == seq
        if not request.htmx:
            messages.success(
                request,
                _("Assessment of %(name)s saved: %(total)s points, %(level)s.")
                % {
                    "name": registration.member.full_name,
                    "total": registration.total,
                    "level": registration.get_level_display(),
                },
            )
            url = branch_url("branch-assessment", branch, year)
            return redirect(f"{url}#row-{member_id}")
    if request.htmx:
        context = {"row": row, "branch": branch, "year": year, "can_assess": True, "oob": True}
        context.update(_counts(branch, year))
        html = render_to_string("training/branch/assessment.html#row", context, request)
        html += render_to_string("training/branch/assessment.html#count", context, request)
        return HttpResponse(html)
    context = _assessment_context(request, branch, year, replace=row)
    return render(request, "training/branch/assessment.html", context)


@login_required
@require_POST
def branch_results_submit_view(request, unit_id: int, year: int):
    branch = get_branch_for(request.user, unit_id)
    require(is_branch_committee(request.user, branch))
    try:
        branch_results_submit_at(
            actor=request.user, branch=branch, year=year, meeting=request.POST.get("meeting")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The results are submitted to the base union."))
    return redirect(branch_url("branch-assessment", branch, year))
