"""The statistics return pages: a union's campaigns of a year, its return (forms as sections,
computed cells read-only, typed cells editable, the totals check), the children's status with
accept and return, and the return's Excel and PDF. Each view is scoped on its first line."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import require, visible_ancestors
from doanvien.core.forms import apply_errors

from . import exports, services, workflow
from .access import can_decide, can_fill, can_run_campaigns, get_reporting_unit_for
from .campaigns import campaign_for, campaigns_for
from .forms import CampaignForm, DocumentForm
from .models import Campaign
from .selectors import (
    FROZEN,
    as_of,
    campaigns_owned,
    children_status,
    counted_at,
    is_frozen,
    late_now,
    return_forms,
    return_of,
    state_of,
)


def _resolve(request, unit_id: int, year: int, period: str):
    unit = get_reporting_unit_for(request.user, unit_id)
    campaign = campaign_for(unit, year, period)
    if campaign is None:
        raise Http404
    return unit, campaign


def _back(unit, campaign, anchor: str = ""):
    response = redirect("returns:return-detail", unit.pk, campaign.year, campaign.period)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
def campaigns_page(request, unit_id: int, year: int):
    unit = get_reporting_unit_for(request.user, unit_id)
    rows = []
    for campaign in campaigns_for(unit, year):
        ret = return_of(unit, campaign)
        rows.append({"campaign": campaign, "state": state_of(ret), "late": late_now(campaign, ret)})
    return render(
        request,
        "returns/campaigns.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "states": workflow.STATES,
            "crumbs": visible_ancestors(request.user, unit, and_unit=True),
            "can_run": can_run_campaigns(request.user, unit),
        },
    )


@login_required
def own_campaigns_page(request, unit_id: int):
    """The campaigns the unit added, asking the unions under it for a return on its own dates
    (who has reported, closing), and the form to add one (its cadres)."""
    unit = get_reporting_unit_for(request.user, unit_id)
    can_run = can_run_campaigns(request.user, unit)
    form = CampaignForm(request.POST or None) if can_run else None
    status = 200
    if request.method == "POST":
        require(can_run)
        if form.is_valid():
            try:
                campaign = services.campaign_create(
                    actor=request.user, unit=unit, data=form.cleaned_data
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Campaign “%(title)s” added: the units below see it among their returns.")
                    % {"title": campaign.title},
                )
                return redirect("returns:own-campaigns", unit.pk)
        status = 400
    return render(
        request,
        "returns/own_campaigns.html",
        {
            "unit": unit,
            "rows": campaigns_owned(unit),
            "form": form,
            "can_run": can_run,
            "crumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
        status=status,
    )


@login_required
@require_POST
def own_campaign_close(request, unit_id: int, return_campaign_id: int):
    unit = get_reporting_unit_for(request.user, unit_id)
    campaign = Campaign.objects.filter(pk=return_campaign_id, owner=unit).first()
    if campaign is None:
        raise Http404
    require(can_run_campaigns(request.user, unit))
    try:
        services.campaign_close(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Campaign “%(title)s” closed.") % {"title": campaign.title})
    return redirect("returns:own-campaigns", unit.pk)


def _page(request, unit, campaign, *, errors=None, posted=None, status=200):
    ret = return_of(unit, campaign)
    state = state_of(ret)
    forms = return_forms(unit, campaign, ret)
    is_open = not campaign.is_closed
    editable = (
        is_open and can_fill(request.user, unit) and workflow.allowed(ret and ret.state, "save")
    )
    errors, posted = errors or {}, posted or {}
    sections = []
    when = as_of(campaign, ret, forms)
    for form in forms:
        number = str(form["number"])
        grid = exports.marked_grid(form)
        for row in grid:
            for i, cell in enumerate(row["cells"]):
                if cell is None:
                    continue
                key = f"{cell['row']}:{cell['col']}"
                row["cells"][i] = {
                    **cell,
                    "key": key,
                    "error": errors.get(number, {}).get(key, ""),
                    "shown": posted.get(number, {}).get(key, cell["value"]),
                    "reason_shown": posted.get(number, {}).get(f"r-{key}", cell.get("reason", "")),
                }
        typed = any(c["source"] == "typed" for c in form["cells"])
        sections.append(
            {
                **form,
                "grid": grid,
                "typed": typed,
                "editable": editable and typed,
                "at_submission": any(exports.at_submission(c) for c in form["cells"]),
            }
        )
    return render(
        request,
        "returns/return.html",
        {
            "unit": unit,
            "campaign": campaign,
            "ret": ret,
            "state": state,
            "state_label": workflow.STATES[ret.state if ret else None],
            "late": late_now(campaign, ret),
            "before_reset": bool(campaign.opens_on and timezone.localdate() < campaign.opens_on),
            "counted_at": None if is_frozen(ret) else counted_at(unit, campaign),
            "sections": sections,
            "as_of": when,
            "as_of_text": exports.as_of_text(when),
            "submission_note": exports.submission_note(when),
            "problems": [] if ret and ret.state in FROZEN else services.problems(forms),
            "document_form": DocumentForm(
                initial={name: getattr(ret, name) for name in services.DOCUMENT_FIELDS}
                if ret
                else None
            ),
            "can_document": can_fill(request.user, unit),
            "can_submit": is_open
            and can_fill(request.user, unit)
            and workflow.allowed(ret and ret.state, "submit"),
            "can_accept": can_decide(request.user, unit)
            and workflow.allowed(ret and ret.state, "accept"),
            "can_return": is_open
            and can_decide(request.user, unit)
            and workflow.allowed(ret and ret.state, "return"),
            "crumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
        status=status,
    )


@login_required
def return_page(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    return _page(request, unit, campaign)


@login_required
@require_POST
def form_save(request, unit_id: int, year: int, period: str, number: int):
    """The typed cells of one form: `c-<row>:<col>` the figure, `r-<row>:<col>` the reason of a
    figure that differs from the children's sum. All or nothing."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    form = campaign.forms.filter(number=number).first()
    if form is None:
        raise Http404
    cells, posted = [], {}
    for key, spec in form.cells.items():
        if "source" in spec or f"c-{key}" not in request.POST:
            continue
        row, _sep, col = key.partition(":")
        value = request.POST.get(f"c-{key}", "").strip()
        reason = request.POST.get(f"r-{key}", "").strip()
        cells.append({"row": row, "col": col, "value": value, "reason": reason})
        posted[key], posted[f"r-{key}"] = value, reason
    try:
        services.typed_save(
            actor=request.user, unit=unit, campaign=campaign, number=number, cells=cells
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            messages.error(request, " ".join(exc.messages))
            return _back(unit, campaign, f"form-{number}")
        messages.error(request, _("Nothing was saved: correct the marked cells."))
        errors = {key: " ".join(found) for key, found in exc.message_dict.items()}
        return _page(
            request,
            unit,
            campaign,
            errors={str(number): errors},
            posted={str(number): posted},
            status=400,
        )
    messages.success(request, _("Form %(n)s saved.") % {"n": number})
    return _back(unit, campaign, f"form-{number}")


def _document(request) -> dict:
    """The document's fields posted (services.DOCUMENT_FIELDS)."""
    return {name: request.POST[name] for name in services.DOCUMENT_FIELDS if name in request.POST}


def _errors(request, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        labels = DocumentForm.base_fields
        for name, found in exc.message_dict.items():
            label = labels[name].label if name in labels else ""
            for message in found:
                messages.error(request, f"{label}: {message}" if label else message)
    else:
        for message in exc.messages:
            messages.error(request, message)


@login_required
@require_POST
def submit(request, unit_id: int, year: int, period: str):
    """Submit, with the number, place and signer of its document when they are given."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    try:
        ret = services.return_submit(
            actor=request.user, unit=unit, campaign=campaign, document=_document(request)
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if ret.late:
            messages.warning(request, _("Return submitted after the deadline: it is marked late."))
        else:
            messages.success(request, _("Return submitted."))
    return _back(unit, campaign)


@login_required
@require_POST
def document_save(request, unit_id: int, year: int, period: str):
    """The number, place and signer of the return's document (its PDF), in any state."""
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_fill(request.user, unit))
    try:
        services.return_document_set(
            actor=request.user, unit=unit, campaign=campaign, document=_document(request)
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The document's number and signer are saved."))
    return _back(unit, campaign, "document")


@login_required
@require_POST
def accept(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_decide(request.user, unit))
    try:
        services.return_accept(actor=request.user, unit=unit, campaign=campaign)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Return of %(unit)s accepted.") % {"unit": unit.name})
    return _after_decision(request, unit, campaign)


@login_required
@require_POST
def send_back(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    require(can_decide(request.user, unit))
    try:
        services.return_send_back(
            actor=request.user,
            unit=unit,
            campaign=campaign,
            comment=request.POST.get("comment", ""),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Return of %(unit)s returned.") % {"unit": unit.name})
    return _after_decision(request, unit, campaign)


def _after_decision(request, unit, campaign):
    parent = unit.parent()
    if request.POST.get("next") == "status" and parent is not None:
        return redirect("returns:return-status", parent.pk, campaign.year, campaign.period)
    return _back(unit, campaign)


@login_required
def status_page(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    items = children_status(unit, campaign)
    # A cadre of this unit decides on the returns of the unions directly under it.
    decides = can_fill(request.user, unit)
    return render(
        request,
        "returns/status.html",
        {
            "unit": unit,
            "campaign": campaign,
            "items": items,
            "states": workflow.STATES,
            "reported": sum(1 for i in items if i.state in FROZEN),
            "decides": decides,
            "crumbs": visible_ancestors(request.user, unit, and_unit=True),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    return HttpResponse(
        content,
        content_type=content_type,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@login_required
def return_xlsx(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    ret = return_of(unit, campaign)
    content = exports.return_xlsx(
        unit=unit, campaign=campaign, ret=ret, forms=return_forms(unit, campaign, ret)
    )
    return _download(content, exports.XLSX_TYPE, exports.file_name(unit, campaign, "xlsx"))


@login_required
def return_pdf(request, unit_id: int, year: int, period: str):
    unit, campaign = _resolve(request, unit_id, year, period)
    ret = return_of(unit, campaign)
    content = exports.return_pdf(
        unit=unit, campaign=campaign, ret=ret, forms=return_forms(unit, campaign, ret)
    )
    return _download(content, exports.PDF_TYPE, exports.file_name(unit, campaign, "pdf"))
