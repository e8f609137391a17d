from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import IssuerLevel


class DecisionForm(TextForm):
    decision_no = forms.CharField(label=_("Decision number"), max_length=60)
    date = forms.DateField(label=_("Date"))
    form = forms.ChoiceField(label=_("Form"))
    issued_by = forms.ChoiceField(label=_("Issued by"), required=False)
    issued_by_name = forms.CharField(label=_("Or another body"), required=False, max_length=200)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", "—"), *IssuerLevel.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)

    def __init__(self, *args, forms_choices=(), issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["form"].choices = forms_choices
        self.fields["issued_by"].choices = [("", "—")] + [(u.pk, u.name) for u in issuers]
