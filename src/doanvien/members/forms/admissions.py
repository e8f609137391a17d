"""Forms of the admission pages. They only collect what is typed: the rules live in
services/admissions.py."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from ..models import AdmissionRequest, Member
from ..services.admissions import PROPOSAL_FIELDS
from ..validation import DATE_FIELDS
from .cards import CardChoiceMixin


def _date_field(label, required=False) -> forms.CharField:
    """Dates are typed as text and parsed by the rules, so every problem is reported at once."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )


class AdmissionProposeForm(TextForm):
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


class AdmissionApproveForm(CardChoiceMixin):
    resolution_no = forms.CharField(label=_("Admission resolution number"), max_length=40)
    resolution_date = _date_field(_("Admission resolution date"), required=True)
    field_order = ["resolution_no", "resolution_date", "card", "card_number"]


class AdmissionRejectForm(TextForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AdmissionWithdrawForm(TextForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class AdmissionAnnulForm(TextForm):
    reason = forms.CharField(
        label=_("Reason for the annulment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The member is taken off the roll; his record and card number are kept."),
    )


class AdmissionStateFilterForm(TextForm):
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *AdmissionRequest.State.choices]
