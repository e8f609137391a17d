"""Forms of the pages above the branches. They only collect what is typed: numbers and dates
are text, checked by the services (services_config.py) so every problem is named at once."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.units.models import Sector

from ..models import CRITERION_AUDIENCES, Deadline, Framework

EVERY_SECTOR = [("", _("Every sector"))]
EVERY_MEMBER = [("", _("Every member"))]


def number_text(value) -> str:
    """A points value as a person would type it: 20, 17.5."""
    if isinstance(value, Decimal) and value == value.to_integral():
        return str(int(value))
    return "" if value is None else str(value)


def _number(label, *, help_text="", decimal=True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal" if decimal else "numeric"}),
    )


def _date(label, *, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=10,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
        ),
    )


class FrameworkForm(TextForm):
    """The framework's name, each area's name and points, the levels and the settings. Area
    codes are not fields: they never change."""

    def __init__(self, *args, framework: Framework, **kwargs):
        super().__init__(*args, **kwargs)
        self.framework = framework
        self.fields["name"] = forms.CharField(label=_("Name"), required=False, max_length=200)
        self.initial.setdefault("name", framework.name)
        self.area_codes = []
        for area in framework.areas.all():
            self.area_codes.append(area.code)
            name_field, points_field = f"areas.{area.code}.name", f"areas.{area.code}.max_points"
            self.fields[name_field] = forms.CharField(
                label=_("Area %(code)s") % {"code": area.code}, required=False, max_length=200
            )
            self.fields[points_field] = _number(_("Points"))
            self.initial.setdefault(name_field, area.name)
            self.initial.setdefault(points_field, number_text(area.max_points))
        self.fields["band_excellent"] = _number(
            _("Excellent from"), help_text=_("The lowest total of the level.")
        )
        self.fields["band_good"] = _number(_("Good from"))
        self.fields["band_complete"] = _number(
            _("Complete from"), help_text=_("Below it: incomplete.")
        )
        self.fields["min_criteria"] = _number(
            _("Minimum criteria"),
            decimal=False,
            help_text=_("For every member whose group has no minimum of its own."),
        )
        # Each member group's own minimum (empty: the one above).
        self.minimum_names = []
        own = framework.min_criteria_by_audience or {}
        for group, label in CRITERION_AUDIENCES:
            name = f"min_criteria.{group}"
            self.minimum_names.append((group, name))
            self.fields[name] = _number(
                _("Minimum criteria: %(group)s") % {"group": label},
                decimal=False,
                help_text=_("Empty: the same as every member."),
            )
            self.initial.setdefault(name, own.get(group, ""))
        self.fields["eligibility_months"] = _number(
            _("Months of membership before classification"),
            decimal=False,
            help_text=_("Members admitted more recently are assessed but not classified."),
        )
        self.fields["assessment_opens_months_before"] = _number(
            _("Assessment opens, months before the evaluation deadline"),
            decimal=False,
            help_text=_(
                "The branch and the members assess from that many months before the evaluation "
                "deadline that applies to the branch (0: from the deadline day). Without an "
                "evaluation deadline, assessment is open all year."
            ),
        )
        for field in ("band_excellent", "band_good", "band_complete"):
            self.initial.setdefault(field, number_text(getattr(framework, field)))
        for field in ("min_criteria", "eligibility_months", "assessment_opens_months_before"):
            self.initial.setdefault(field, getattr(framework, field))

    def area_rows(self):
        """(name field, points field) per area, for a two-column layout."""
        return [
            (self[f"areas.{code}.name"], self[f"areas.{code}.max_points"])
            for code in self.area_codes
        ]

    def settings_fields(self):
        return [
            self[name]
            for name in (
                "band_excellent",
                "band_good",
                "band_complete",
                "min_criteria",
                "eligibility_months",
                "assessment_opens_months_before",
            )
        ]

    def minimum_fields(self):
        """Each member group's own minimum number of criteria."""
        return [self[name] for _group, name in self.minimum_names]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "areas": {
                code: {
                    "name": data[f"areas.{code}.name"],
                    "max_points": data[f"areas.{code}.max_points"],
                }
                for code in self.area_codes
            },
            **{
                name: data[name]
                for name in (
                    "band_excellent",
                    "band_good",
                    "band_complete",
                    "min_criteria",
                    "eligibility_months",
                    "assessment_opens_months_before",
                )
            },
            "min_criteria_by_audience": {group: data[name] for group, name in self.minimum_names},
        }


class CriterionForm(TextForm):
    area_code = forms.ChoiceField(label=_("Content area"), required=False)
    text = forms.CharField(
        label=_("Criterion"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    sector = forms.ChoiceField(
        label=_("Only for the sector"),
        required=False,
        choices=EVERY_SECTOR + list(Sector.choices),
    )
    audience = forms.ChoiceField(
        label=_("Only for the member group"),
        required=False,
        choices=EVERY_MEMBER + CRITERION_AUDIENCES,
        help_text=_(
            "A criterion for a group is offered only to its members (each member's group is "
            "on his record)."
        ),
    )
    mandatory = forms.BooleanField(label=_("Mandatory"), required=False)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_code"].choices = [(a.code, str(a)) for a in areas]


class DeadlineForm(TextForm):
    kind = forms.ChoiceField(label=_("Deadline"), required=False, choices=Deadline.Kind.choices)
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=EVERY_SECTOR + list(Sector.choices)
    )
    due_on = _date(_("Due on"))
    extended_to = _date(_("Extended to"), help_text=_("Optional; after the due date."))
    allow_late = forms.BooleanField(
        label=_("Late actions allowed (recorded as late)"), required=False, initial=True
    )
