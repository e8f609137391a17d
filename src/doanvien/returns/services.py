"""Writes of returns: typed cells saved (all or nothing), submit (checked, frozen), the unit
above accepting or returning. Keyword-only, atomic, audited; the moves are workflow.py's."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from doanvien.core import audit
from doanvien.core.transactions import atomic
from doanvien.units.models import Unit

from . import rules, selectors, workflow
from .models import Campaign, LatePolicy, Return

REASON_MAX = 500


def _locked(unit: Unit, campaign: Campaign) -> Return | None:
    return Return.objects.select_for_update().filter(campaign=campaign, unit=unit).first()


def _new(unit: Unit, campaign: Campaign) -> Return:
    ret, _created = Return.objects.get_or_create(
        campaign=campaign, unit=unit, defaults={"unit_path": unit.path}
    )
    return Return.objects.select_for_update().get(pk=ret.pk)


@atomic
def typed_save(*, actor, unit: Unit, campaign: Campaign, number: int, cells: list[dict]) -> Return:
    """Save typed cells of one form: each {"row", "col", "value", "reason"?}. A computed or
    unknown cell, text, a negative number, or a figure that differs from the children's sum
    without a reason refuses the whole save (errors by "row:col"); nothing is saved then."""
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "save")
    form = campaign.forms.filter(number=number).first()
    if form is None:
        raise ValidationError(_("This campaign has no form %(n)s.") % {"n": number}, code="form")
    sums, accepted = selectors.children_sums(unit, campaign)
    form_sums = sums.get(str(number), {})
    errors: dict[str, list[ValidationError]] = {}
    changes: dict[str, tuple[int | None, str]] = {}
    for cell in cells:
        key = f"{cell.get('row')}:{cell.get('col')}"
        spec = form.cells.get(key)
        if spec is None:
            errors[key] = [ValidationError(_("This form has no such cell."), code="no_cell")]
            continue
        if "source" in spec:
            errors[key] = [
                ValidationError(
                    _("This cell is computed from the data and cannot be typed."),
                    code="computed_cell",
                )
            ]
            continue
        try:
            value = rules.parse_figure(cell.get("value"))
        except ValidationError as exc:
            errors[key] = [exc]
            continue
        reason = str(cell.get("reason") or "").strip()[:REASON_MAX]
        if accepted and value is not None and value != form_sums.get(key, 0) and not reason:
            errors[key] = [
                ValidationError(
                    _("The units below reported %(sum)s: give a reason for another figure.")
                    % {"sum": form_sums.get(key, 0)},
                    code="reason_required",
                )
            ]
            continue
        changes[key] = (value, reason)
    if errors:
        raise ValidationError(errors)
    if ret is None:
        ret = _new(unit, campaign)
    own = ret.typed.setdefault(str(number), {})
    why = ret.reasons.setdefault(str(number), {})
    before = {key: own.get(key) for key in changes}
    for key, (value, reason) in changes.items():
        if value is None:
            own.pop(key, None)
            why.pop(key, None)
        else:
            own[key] = value
            if reason:
                why[key] = reason
            else:
                why.pop(key, None)
    ret.state = state
    ret.save(update_fields=["typed", "reasons", "state", "updated_at"])
    audit.record(
        actor=actor,
        action="return.saved",
        target=ret,
        unit_path=unit.path,
        summary=f"{campaign} · {number}",
        changes={key: [before[key], value] for key, (value, _r) in changes.items()},
    )
    return ret


def problems(forms: list[dict]) -> list[str]:
    """What stops a return from being submitted: totals that do not add up and overrides of
    the children's sums without a reason."""
    found = []
    for form in forms:
        for failed in form["failed"]:
            found.append(
                _("Form %(n)s: %(cell)s is %(found)s but its parts add up to %(expected)s.")
                % {"n": form["number"], "cell": _cell_name(form, failed["total"]), **failed}
            )
    for number, cell in selectors.unexplained(forms):
        found.append(
            _("Form %(n)s: %(cell)s differs from the sum of the units below without a reason.")
            % {"n": number, "cell": f"{cell['row']}:{cell['col']}"}
        )
    return found


def _cell_name(form: dict, key: str) -> str:
    row, _sep, col = key.partition(":")
    rows = {r["key"]: r["label"] for r in form["rows"]}
    cols = {c["key"]: c["label"] for c in form["columns"]}
    return f"“{rows.get(row, row)} / {cols.get(col, col)}”"


@atomic
def return_submit(*, actor, unit: Unit, campaign: Campaign, now=None) -> Return:
    """Submit the return: its forms must add up; after the deadline it is marked late or
    refused (the campaign's late policy). The forms are frozen in the snapshot."""
    now = now or timezone.now()
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "submit")
    late = rules.is_late(campaign.due_on, timezone.localdate(now))
    if late and campaign.late_policy == LatePolicy.REFUSE:
        raise ValidationError(
            _("The deadline (%(due)s) has passed: this campaign takes no late returns.")
            % {"due": campaign.due_on.strftime("%d/%m/%Y")},
            code="deadline",
        )
    forms = selectors.live_forms(unit, campaign, ret)
    found = problems(forms)
    if found:
        raise ValidationError([ValidationError(m, code="does_not_add_up") for m in found])
    if ret is None:
        ret = _new(unit, campaign)
    ret.state = state
    ret.snapshot = {"forms": forms, "computed_at": now.isoformat()}
    ret.submitted_at, ret.submitted_by, ret.late = now, actor if actor else None, late
    ret.comment = ""
    ret.save()
    audit.record(
        actor=actor,
        action="return.submitted",
        target=ret,
        unit_path=unit.path,
        summary=str(campaign) + (" · late" if late else ""),
    )
    return ret


@atomic
def return_accept(*, actor, unit: Unit, campaign: Campaign) -> Return:
    ret = _locked(unit, campaign)
    ret_state = workflow.next_state(ret.state if ret else None, "accept")
    ret.state, ret.decided_at, ret.decided_by = ret_state, timezone.now(), actor
    ret.save(update_fields=["state", "decided_at", "decided_by", "updated_at"])
    audit.record(
        actor=actor,
        action="return.accepted",
        target=ret,
        unit_path=unit.path,
        summary=str(campaign),
    )
    return ret


@atomic
def return_send_back(*, actor, unit: Unit, campaign: Campaign, comment: str) -> Return:
    """Return it to the unit with a comment (required): it is corrected and submitted again."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": [_("Say what must be corrected.")]}, code="comment_required"
        )
    ret = _locked(unit, campaign)
    state = workflow.next_state(ret.state if ret else None, "return")
    ret.state, ret.comment = state, comment[:2000]
    ret.decided_at, ret.decided_by = timezone.now(), actor
    ret.save(update_fields=["state", "comment", "decided_at", "decided_by", "updated_at"])
    audit.record(
        actor=actor,
        action="return.returned",
        target=ret,
        unit_path=unit.path,
        summary=comment[:200],
    )
    return ret
