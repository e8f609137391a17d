"""Forms of the admission pages and the member-card pages. They only collect what is typed: the
rules live in admissions.py and cards.py."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doanvien.units.models import Unit

from .admissions import PROPOSAL_FIELDS
from .cards import CARD_DIGITS
from .models import Member
from .validation import DATE_FIELDS


def _date_field(label, required=False) -> forms.CharField:
    """Dates are typed as text and parsed by the rules, so every problem is reported at once."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


def _card_field(label, required=False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=CARD_DIGITS + 4,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AdmissionProposeForm(forms.Form):
    """The youth's record, then who introduced him and the course he attended."""

    introducer_name = forms.CharField(label=_("Introduced by"), max_length=120, required=False)
    introducer_is_member = forms.BooleanField(
        label=_("The introducer is a Union member"), required=False, initial=True
    )
    course_name = forms.CharField(
        label=_("Course attended"),
        max_length=200,
        required=False,
        help_text=_("The course on the Union for youths who want to join."),
    )
    course_date = _date_field(_("Course date"))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model_fields = fields_for_model(Member, fields=PROPOSAL_FIELDS)
        youth = {}
        for name in PROPOSAL_FIELDS:
            field = model_fields[name]
            field.required = False  # required fields are checked by the rules, in one place
            if name in DATE_FIELDS:
                field = _date_field(field.label)
            if name in ("phone", "id_number"):
                field.widget.attrs["inputmode"] = "numeric"
            youth[name] = field
        self.fields = {**youth, **self.fields}

    def youth_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in PROPOSAL_FIELDS}


CARD_CHOICES = [
    ("auto", _("Next free number of the range")),
    ("manual", _("A number typed by hand")),
    ("later", _("No card number for now")),
]


class CardChoiceMixin(forms.Form):
    card = forms.ChoiceField(
        label=_("Member card number"),
        choices=CARD_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
    )
    card_number = _card_field(_("Card number typed by hand"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card_number"].help_text = gettext(
            "%(digits)s digits, from a range of a unit above the branch."
        ) % {"digits": CARD_DIGITS}

    def clean(self):
        data = super().clean()
        if data.get("card") == "manual" and not (data.get("card_number") or "").strip():
            self.add_error("card_number", _("Type the card number, or choose another option."))
        return data

    def card_args(self) -> dict:
        """The service's arguments: a number typed by hand, automatic, or none."""
        choice = self.cleaned_data.get("card")
        number = (self.cleaned_data.get("card_number") or "").strip()
        return {
            "card_number": number if choice == "manual" else None,
            "assign_card": choice == "auto",
        }


class AdmissionApproveForm(CardChoiceMixin):
    resolution_no = forms.CharField(label=_("Admission resolution number"), max_length=40)
    resolution_date = _date_field(_("Admission resolution date"), required=True)
    field_order = ["resolution_no", "resolution_date", "card", "card_number"]


class AdmissionRejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AdmissionWithdrawForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AdmissionAnnulForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the annulment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The member is taken off the roll; his record and card number are kept."),
    )


class AdmissionStateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import AdmissionRequest

        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *AdmissionRequest.State.choices]


class CardRangeAllocateForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit receiving the range"), queryset=Unit.objects.none())
    first = _card_field(_("First number"), required=True)
    last = _card_field(_("Last number"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first().pk


class CardRangeReleaseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the release"), max_length=500)


class CardAssignForm(CardChoiceMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = CARD_CHOICES[:2]
