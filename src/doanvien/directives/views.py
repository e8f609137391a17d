"""The directive pages: a unit's directives (sent and received), the publishing form, a
directive (its body and files, the reply form of a receiving unit, and for the issuing unit's
cadres the receipts with their counts, a filter by state, reminders and withdrawal), and the
scoped download of an attached file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from doanvien.accounts.access import get_unit_for, require, visible_ancestors
from doanvien.core import audit
from doanvien.core.forms import apply_errors
from doanvien.core.pagination import keyset_page_for
from doanvien.units.models import Unit
from doanvien.units.selectors import CHOOSER_LIMIT, units_chosen, units_matching, with_parents

from . import selectors, services
from .access import (
    can_edit_draft,
    can_manage,
    can_publish,
    get_attachment_for,
    get_directive_for,
    receipts_of_user,
)
from .forms import PublishForm, ReplyForm, WithdrawForm
from .models import Attachment, Directive, Receipt, ReceiptState, State


@login_required
def unit_directives(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    box = request.GET.get("box")
    box = box if box in ("sent", "drafts") and not unit.is_branch else "received"
    context = {
        "unit": unit,
        "box": box,
        "breadcrumbs": visible_ancestors(request.user, unit, and_unit=True),
        "can_publish": can_publish(request.user, unit),
        "has_drafts": selectors.drafts_of(request.user, unit.pk).exists(),
        "today": timezone.localdate(),
    }
    if box == "sent":
        page = keyset_page_for(request, selectors.sent_by(unit.pk), keys=("-id",))
        ids = [d.pk for d in page.object_list]
        figures = {
            row["directive_id"]: row
            for row in Receipt.objects.filter(directive_id__in=ids)
            .values("directive_id")
            .annotate(
                read=Count("pk", filter=Q(read_at__isnull=False)),
                replied=Count("pk", filter=Q(replied_at__isnull=False)),
            )
            .order_by()
        }
        context["rows"] = [(d, figures.get(d.pk, {})) for d in page.object_list]
    elif box == "drafts":
        page = keyset_page_for(request, selectors.drafts_of(request.user, unit.pk), keys=("-id",))
        context["rows"] = page.object_list
    else:
        unread = request.GET.get("unread") == "1"
        page = keyset_page_for(
            request, selectors.received_by([unit.pk], unread=unread), keys=("-id",)
        )
        context["unread"] = unread
        context["rows"] = page.object_list
    context["page"] = page
    return render(request, "directives/unit.html", context)


def _form_page(request, unit: Unit, draft: Directive | None = None):
    """The publishing form of `unit`: a new directive, or a draft to change. "Publish" sends
    it; "Save as draft" keeps it unsent (a draft needs only its title). The chosen units are
    picked with the unit chooser; without script its "Find" and "Add" post the form, which is
    shown again with what was typed, the results and the units chosen."""
    replaceable = Directive.objects.filter(unit=unit, state=State.PUBLISHED).order_by("-id")[:100]
    if draft is not None:
        initial = {
            "number": draft.number,
            "title": draft.title,
            "issued_on": draft.issued_on,
            "body": draft.body,
            "audience": draft.audience,
            "units": draft.chosen_units,
            "due_on": draft.due_on,
            "reply_required": draft.reply_required,
            "supersedes": draft.supersedes_id,
        }
    else:
        initial = {
            "issued_on": timezone.localdate(),
            "audience": "children",
            "supersedes": request.GET.get("supersedes") or None,
        }
    as_draft = request.method == "POST" and "draft" in request.POST
    choosing = request.method == "POST" and ("find" in request.POST or "pick" in request.POST)
    if choosing:
        # Shown again as typed, without the errors of a form not sent yet.
        form = PublishForm(replaceable=replaceable, initial={**initial, **request.POST.dict()})
    else:
        form = PublishForm(
            request.POST or None,
            request.FILES or None,
            replaceable=replaceable,
            initial=initial,
        )
    if as_draft:
        form.fields["number"].required = False
    if request.method == "POST":
        chosen_ids = request.POST.getlist("units") + request.POST.getlist("pick")
    else:
        chosen_ids = draft.chosen_units if draft is not None else []
    term = request.POST.get("unit_q", "") if choosing else ""
    chosen = units_chosen(unit, chosen_ids)
    chooser = {
        "root": unit,
        "name": "units",
        "chosen": with_parents(chosen),
        "term": term,
        "results": with_parents(units_matching(unit, term)),
        "chosen_ids": {u.pk for u in chosen},
        "limit": CHOOSER_LIMIT,
    }
    if choosing:
        messages.info(request, _("Nothing was saved yet. Attach the files again if you chose any."))
    elif request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "files"}
        files = form.cleaned_data["files"]
        try:
            if draft is not None:
                directive = services.directive_draft_update(
                    actor=request.user,
                    directive=draft,
                    data=data,
                    files=files,
                    remove=request.POST.getlist("remove"),
                    publish=not as_draft,
                )
            elif as_draft:
                directive = services.directive_draft_save(
                    actor=request.user, unit=unit, data=data, files=files
                )
            else:
                directive = services.directive_publish(
                    actor=request.user, unit=unit, data=data, files=files
                )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            if directive.is_draft:
                messages.success(request, _("The draft was saved. It is not sent yet."))
            else:
                messages.success(
                    request,
                    _("Directive published to %(n)s units.") % {"n": directive.recipients},
                )
            return redirect("directives:directive-detail", directive_id=directive.pk)
    return render(
        request,
        "directives/publish.html",
        {
            "form": form,
            "unit": unit,
            "draft": draft,
            "draft_files": draft.files.filter(receipt=None) if draft else [],
            **chooser,
        },
    )


@login_required
def directive_publish_view(request, unit_id: int):
    unit = get_unit_for(request.user, unit_id)
    require(can_publish(request.user, unit))
    return _form_page(request, unit)


@login_required
def directive_edit_view(request, directive_id: int):
    """A draft's form: change it, save it again or publish it."""
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive))
    return _form_page(request, directive.unit, directive)


@login_required
@require_POST
def directive_draft_publish_view(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive))
    try:
        directive = services.directive_draft_publish(actor=request.user, directive=directive)
    except ValidationError as e:
        messages.error(
            request,
            _("The draft cannot be published yet: %(why)s") % {"why": " ".join(e.messages)},
        )
    else:
        messages.success(
            request, _("Directive published to %(n)s units.") % {"n": directive.recipients}
        )
    return redirect("directives:directive-detail", directive_id=directive.pk)


@login_required
@require_POST
def directive_delete_view(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(can_edit_draft(request.user, directive))
    try:
        services.directive_draft_delete(actor=request.user, directive=directive)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("directives:directive-detail", directive_id=directive.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect(reverse("directives:unit-directives", args=[directive.unit_id]) + "?box=drafts")


def _receipts_context(request, directive: Directive, today) -> dict:
    state = request.GET.get("state", "")
    state = state if state in ReceiptState.values else ""
    page = keyset_page_for(
        request, selectors.receipts(directive, today, state), keys=("unit_path", "id")
    )
    files: dict[int, list] = {}
    for f in Attachment.objects.filter(
        receipt_id__in=[r.pk for r in page.object_list if r.replied_at]
    ):
        files.setdefault(f.receipt_id, []).append(f)
    return {
        "counts": selectors.receipt_counts(directive, today),
        "state": state,
        "states": ReceiptState.choices,
        "page": page,
        "receipts": [
            (r, selectors.state_of(r, directive, today), files.get(r.pk, []))
            for r in page.object_list
        ],
    }


@login_required
def directive_detail(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    today = timezone.localdate()
    mine = receipts_of_user(request.user, directive).select_related("unit", "read_by")
    # Opening it records the user's receiving units as having read it (the first reader stays).
    if directive.is_open and any(r.read_at is None for r in mine):
        services.directive_read(actor=request.user, directive=directive)
        mine = mine.all()
    mine = list(mine)
    manage = can_manage(request.user, directive) and not directive.is_draft
    waiting = [r for r in mine if r.replied_at is None]
    context = {
        "directive": directive,
        "unit": directive.unit,
        "files": directive.files.filter(receipt=None),
        "mine": [(r, list(r.files.all()), selectors.state_of(r, directive, today)) for r in mine],
        "reply_form": (
            ReplyForm() if directive.is_open and directive.reply_required and waiting else None
        ),
        "manage": manage,
        "edit_draft": can_edit_draft(request.user, directive),
        "history": audit.history_shown(directive),
    }
    if manage:
        context.update(_receipts_context(request, directive, today))
        context["withdraw_form"] = WithdrawForm() if directive.is_open else None
    return render(request, "directives/detail.html", context)


@login_required
@require_POST
def directive_reply_view(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(receipts_of_user(request.user, directive).exists())
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.directive_reply(
                actor=request.user,
                directive=directive,
                text=form.cleaned_data["reply"],
                files=form.cleaned_data["files"],
                unit_id=request.POST.get("unit") or None,
            )
        except ValidationError as e:
            for message in e.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your reply was sent."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect("directives:directive-detail", directive_id=directive.pk)


@login_required
@require_POST
def directive_remind_view(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(can_manage(request.user, directive))
    try:
        count = services.directive_remind(actor=request.user, directive=directive)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("%(n)s units that have not read it were reminded.") % {"n": count}
        )
    return redirect("directives:directive-detail", directive_id=directive.pk)


@login_required
@require_POST
def directive_withdraw_view(request, directive_id: int):
    directive = get_directive_for(request.user, directive_id)
    require(can_manage(request.user, directive))
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.directive_withdraw(
            actor=request.user, directive=directive, reason=form.cleaned_data["reason"]
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The directive was withdrawn."))
    return redirect("directives:directive-detail", directive_id=directive.pk)


@login_required
def attachment_download(request, attachment_id: int):
    attachment = get_attachment_for(request.user, attachment_id)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
