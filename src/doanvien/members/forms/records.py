from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.units.models import Sector

from ..models import Audience, Member, Position, Sex, Status
from ..selectors import AGE_BANDS
from ..validation import DATE_FIELDS, EDITABLE_FIELDS

# The status and honorary membership change through the recorded lifecycle acts, the card
# number through card assignment (cards.py: from the ranges, never twice).
FORM_FIELDS = [f for f in EDITABLE_FIELDS if f not in ("status", "card_number", "honorary")]
# The order a secretary fills them in: identity, Union data, contact, the rest.
FIELD_ORDER = [
    "full_name",
    "date_of_birth",
    "sex",
    "id_number",
    "id_issued_on",
    "id_issued_place",
    "ethnicity",
    "religion",
    "home_town",
    "permanent_address",
    "phone",
    "email",
    "joined_union_on",
    "admission_resolution_no",
    "card_number",
    "position",
    "audience",
    "category",
    "federation_member",
    "honorary",
    "joined_party_on",
    "occupation",
    "education_level",
    "professional_qualification",
    "political_theory_level",
    "it_level",
    "foreign_language_level",
    "awards",
    "discipline",
]


FROM_THE_RECORD = _("From his position and occupation")
AUDIENCE_HELP = _(
    "The training criteria marked for a group are offered only to its members, and the group "
    "may have its own minimum number of criteria. Left empty: Union cadre for a member of the "
    "branch committee, else the group his occupation names (pupil, student, teacher)."
)


def initial_from(member) -> dict:
    """The form's starting values for a record: dates written dd/mm/yyyy."""
    initial = {}
    for name in FIELD_ORDER:
        value = getattr(member, name)
        initial[name] = value.strftime("%d/%m/%Y") if name in DATE_FIELDS and value else value
    return initial


class MemberForm(TextForm):
    """The member record form. Only collects what is typed; the rules live in validation.py."""

    def __init__(self, *args, show_id_number: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(Member, fields=FORM_FIELDS)
        for name in FIELD_ORDER:
            if name not in fields or (name == "id_number" and not show_id_number):
                continue
            field = fields[name]
            field.required = False  # required fields are checked by the rules, in one place
            if name in DATE_FIELDS:
                # Typed as text and parsed by the rules, so every problem is reported at once.
                field = forms.CharField(
                    label=field.label,
                    required=False,
                    max_length=10,
                    widget=forms.TextInput(
                        attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
                    ),
                )
            if name in ("awards", "discipline"):
                field.widget = forms.Textarea(attrs={"rows": 2})
            if name in ("phone", "id_number", "card_number"):
                field.widget.attrs["inputmode"] = "numeric"
            if name == "audience":
                # Empty: the group his position and occupation give (validation.py).
                field.choices = [("", FROM_THE_RECORD), *Audience.choices]
                field.help_text = AUDIENCE_HELP
            self.fields[name] = field


ALL = _("All")


def _choices(choices):
    return [("", ALL), *choices]


class MemberFilterForm(TextForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, ID number, phone, identifier"), "type": "search"}
        ),
    )
    status = forms.ChoiceField(label=_("Status"), choices=_choices(Status.choices), required=False)
    sector = forms.ChoiceField(label=_("Sector"), choices=_choices(Sector.choices), required=False)
    position = forms.ChoiceField(
        label=_("Position"), choices=_choices(Position.choices), required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=_choices(Sex.choices), required=False)
    age_band = forms.ChoiceField(
        label=_("Age"),
        choices=_choices([(c, label) for c, label, *_r in AGE_BANDS]),
        required=False,
    )


# --- Duplicate ID numbers ---------------------------------------------------------------------


class DuplicateSettleForm(TextForm):
    resolution = forms.CharField(
        label=_("How was it settled?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For instance: one person, moved without a transfer (transfer requested); or a "
            "typing error, corrected in the record."
        ),
    )
