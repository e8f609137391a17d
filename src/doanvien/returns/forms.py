"""The forms of the returns' pages: a unit's own campaign."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import FormDefinition, LatePolicy

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _date_field(label):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class DocumentForm(TextForm):
    """The number, place and signer of a return's document (its PDF): when submitting, or
    later. Blank parts print as the official form has them."""

    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=60,
        required=False,
        help_text=_("e.g. 12-BC/ĐTN; blank: dots to fill in by hand."),
    )
    doc_place = forms.CharField(label=_("Place"), max_length=60, required=False)
    signer_on_behalf = forms.CharField(
        label=_("Signing on behalf of"),
        max_length=100,
        required=False,
        help_text=_("Blank: ON BEHALF OF THE STANDING COMMITTEE."),
    )
    signer_role = forms.CharField(
        label=_("Signer's title"),
        max_length=100,
        required=False,
        help_text=_("Blank: SECRETARY."),
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100, required=False)


class CampaignForm(TextForm):
    """What a unit asks the unions under it: the shared forms it chooses and, if it wants, a
    survey of its own (one row a line, one column a line; every cell typed)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    starts_on = _date_field(_("Figures from"))
    ends_on = _date_field(_("Figures until"))
    due_on = _date_field(_("Due on"))
    late_policy = forms.ChoiceField(
        label=_("After the deadline"),
        choices=LatePolicy.choices,
        initial=LatePolicy.MARK,
        required=False,
    )
    survey_title = forms.CharField(label=_("Survey title"), max_length=300, required=False)
    survey_rows = forms.CharField(
        label=_("Survey rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One row a line, e.g. the indicators asked for."),
    )
    survey_columns = forms.CharField(
        label=_("Survey columns"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One column a line, e.g. “Total”, “Female”."),
    )

    # Last in the class body: its name hides the module's from here on.
    forms = forms.MultipleChoiceField(
        label=_("Forms asked for"), required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["title", "starts_on", "ends_on", "due_on", "late_policy", "forms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forms"].choices = [
            (str(f.number), str(f)) for f in FormDefinition.objects.filter(owner=None)
        ]
