"""The training programme's forms. They only collect what is typed: the rules live in the
services, whose ValidationErrors are put back next to the fields they name."""

import re
from dataclasses import dataclass, field
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doanvien.core.dates import parse_date
from doanvien.core.forms import TextForm, error_messages

from ..models import Registration

ITEM_ERROR = re.compile(r"^items\[(\d+)\]\.(criterion|plan|target_date)$")


def date_text(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


# --- The criteria, area by area (the member's registration and the branch's default set) -----


@dataclass
class CriterionRow:
    criterion: object
    checked: bool = False
    plan: str = ""
    target: str = ""
    errors: list[str] = field(default_factory=list)
    plan_errors: list[str] = field(default_factory=list)
    target_errors: list[str] = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.criterion.pk

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.plan_errors or self.target_errors)


@dataclass
class AreaRows:
    area: object
    rows: list[CriterionRow]

    @property
    def checked(self) -> int:
        return sum(r.checked for r in self.rows)

    @property
    def has_errors(self) -> bool:
        return any(r.has_errors for r in self.rows)


class CriteriaForm:
    """Every criterion the member may pick, area by area: a checkbox, and for a checked one a
    plan and a target date (dd/mm/yyyy). Posted as `criterion` (the checked ids), `plan-<id>`
    and `target-<id>`.

    A checked id that is not one of the rows (a page shown before the criterion was marked for
    another member group, or one made by hand) goes to the services with the rest, which refuse
    it and say why. Items of a saved registration that are not among the rows any more are
    `dropped`: the page names them, and saving the form leaves them out."""

    def __init__(
        self,
        *,
        framework,
        criteria,
        data=None,
        items=None,
        preselect_mandatory=True,
        minimum: int | None = None,
    ):
        self.framework = framework
        self.minimum = framework.min_criteria if minimum is None else minimum
        self.errors: list[str] = []
        chosen = {i.criterion_id: i for i in (items or [])}
        posted = data.getlist("criterion") if data is not None else []
        checked = set(posted)
        self.rows: list[CriterionRow] = []
        for c in criteria:
            row = CriterionRow(c)
            if data is not None:
                row.checked = str(c.pk) in checked
                row.plan = data.get(f"plan-{c.pk}", "").strip()
                row.target = data.get(f"target-{c.pk}", "").strip()
            elif c.pk in chosen:
                item = chosen[c.pk]
                row.checked, row.plan, row.target = True, item.plan, date_text(item.target_date)
            else:
                row.checked = preselect_mandatory and c.mandatory
            self.rows.append(row)
        self._by_id = {r.pk: r for r in self.rows}
        shown = {str(pk) for pk in self._by_id}
        self.unknown = [
            {
                "criterion": value,
                "plan": data.get(f"plan-{value}", "").strip(),
                "target_date": data.get(f"target-{value}", "").strip(),
            }
            for value in dict.fromkeys(posted)
            if value not in shown
        ]
        self.dropped = [i.criterion for i in chosen.values() if i.criterion_id not in self._by_id]

    @cached_property
    def areas(self) -> list[AreaRows]:
        by_code: dict[str, list[CriterionRow]] = {}
        for row in self.rows:
            by_code.setdefault(row.criterion.area_code, []).append(row)
        return [AreaRows(a, by_code.get(a.code, [])) for a in self.framework.areas.all()]

    @property
    def checked_rows(self) -> list[CriterionRow]:
        return [r for r in self.rows if r.checked]

    def items(self) -> list[dict]:
        """The checked criteria as the services take them, in the order shown, then any
        checked id that is not shown (`unknown`)."""
        return [
            {"criterion": r.pk, "plan": r.plan, "target_date": r.target} for r in self.checked_rows
        ] + self.unknown

    def undated(self) -> list[CriterionRow]:
        """Checked rows without a target date: a draft cannot keep them (the date is required
        by the model), so the view says so next to each."""
        return [r for r in self.checked_rows if not r.target]

    @property
    def has_row_errors(self) -> bool:
        return any(r.has_errors for r in self.rows)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or self.has_row_errors

    def add_errors(self, error: ValidationError, order: list[int]) -> None:
        """Put a service error next to the rows it names: `items[i].<field>` is the i-th item
        in `order` (criterion ids); `items` and the rest go on top."""
        for name, messages in error_messages(error).items():
            match = ITEM_ERROR.match(name)
            index = int(match.group(1)) if match else -1
            row = self._by_id.get(order[index]) if 0 <= index < len(order) else None
            if row is None:
                self.errors.extend(messages)
            elif match.group(2) == "plan":
                row.plan_errors.extend(messages)
            elif match.group(2) == "target_date":
                row.target_errors.extend(messages)
            else:
                row.errors.extend(messages)


# --- Review, notes ----------------------------------------------------------------------------


class ReturnForm(TextForm):
    comment = forms.CharField(
        label=_("What should the member change?"),
        required=False,  # required by the service, which says so next to the field
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NoteForm(TextForm):
    text = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Progress made, difficulties met, the help the branch will give."),
    )
    on = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=10,
        help_text=_("Empty: today."),
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )

    def clean_on(self):
        try:
            return parse_date(self.cleaned_data["on"])
        except ValueError:
            raise ValidationError(_("Enter the date as dd/mm/yyyy.")) from None


# --- Points per content area (self-assessment, branch assessment) ------------------------------


# --- Exporting the registrations ---------------------------------------------------------------


class RegistrationExportForm(TextForm):
    """Which registrations go into the Excel file: all of the year's, or those in one state."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("All")), *Registration.State.choices],
    )
