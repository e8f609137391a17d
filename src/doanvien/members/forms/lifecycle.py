from django import forms
from django.utils.translation import gettext_lazy as _

DATE_INPUT = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class LeaveForm(forms.Form):
    KINDS = [
        ("removed", _("Removal from the roll")),
        ("expelled", _("Expulsion (discipline)")),
        ("matured_out", _("Maturing out at the age limit")),
    ]
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, widget=forms.RadioSelect)
    on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReinstateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MatureOutForm(forms.Form):
    on = forms.DateField(label=_("Matured out on"), widget=DATE_INPUT)


class HonoraryForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
