"""Forms of the assessments: the member's self-assessment and the branch's row per member.
They only collect what is typed: the rules live in the services."""

from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm, error_messages


class SelfAssessmentForm(TextForm):
    """The member's own points per content area, and a comment. Checked by the service."""

    def __init__(self, *args, areas, registration=None, **kwargs):
        if registration is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                area_field_name(code): points_text(value)
                for code, value in registration.self_points.items()
            } | {"comment": registration.self_comment}
        super().__init__(*args, **kwargs)
        for area in areas:
            field = forms.CharField(
                label=str(area),
                required=False,
                max_length=6,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            field.max_points = points_text(area.max_points)
            self.fields[area_field_name(area.code)] = field
        self.fields["comment"] = forms.CharField(
            label=_("What I did, what I did not manage"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.areas = list(areas)

    def area_fields(self):
        return [self[area_field_name(a.code)] for a in self.areas]

    def points(self) -> dict[str, str]:
        return {a.code: self.cleaned_data.get(area_field_name(a.code), "") for a in self.areas}


def area_field_name(code: str) -> str:
    return f"area_{code}"


def points_errors(error: ValidationError) -> dict[str, list[str]]:
    """The services name point errors `areas.<code>`: rename them after the form's fields."""
    return {
        area_field_name(name[len("areas.") :]) if name.startswith("areas.") else name: messages
        for name, messages in error_messages(error).items()
    }


def points_text(value) -> str:
    """Stored points ("18.0") as typed back into a field ("18")."""
    if value in (None, ""):
        return ""
    text = str(value)
    return text[:-2] if text.endswith(".0") else text


@dataclass
class AssessmentRow:
    """One member's row on the branch assessment screen."""

    registration: object
    areas: list
    values: dict[str, str] = field(default_factory=dict)
    comment: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    eligible: bool = True
    saved: bool = False
    pending: bool = False  # an incomplete row, not saved yet
    # The activities he took part in during the year (evidence shown beside the self-score,
    # never a score: activities.selectors.participation_titles).
    activities: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, registration, areas, data=None, **kwargs) -> "AssessmentRow":
        row = cls(registration, areas, **kwargs)
        if data is None:
            row.values = {
                a.code: points_text(registration.branch_points.get(a.code)) for a in areas
            }
            row.comment = registration.branch_comment
        else:
            row.values = {a.code: data.get(area_field_name(a.code), "").strip() for a in areas}
            row.comment = data.get("comment", "").strip()
        return row

    @property
    def member(self):
        return self.registration.member

    @property
    def cells(self) -> list[dict]:
        own = self.registration.self_points
        return [
            {
                "area": a,
                "name": area_field_name(a.code),
                "value": self.values.get(a.code, ""),
                "self": points_text(own.get(a.code)),
                "errors": self.errors.get(area_field_name(a.code), []),
            }
            for a in self.areas
        ]

    @property
    def other_errors(self) -> list[str]:
        names = {area_field_name(a.code) for a in self.areas}
        return [m for name, msgs in self.errors.items() if name not in names for m in msgs]

    @property
    def complete(self) -> bool:
        return all(self.values.get(a.code) for a in self.areas)

    def points(self) -> dict[str, str]:
        return dict(self.values)
