from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from ..models import Continuation

DATE_INPUT = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class LeaveForm(TextForm):
    KINDS = [
        ("removed", _("Removal from the roll")),
        ("expelled", _("Expulsion (discipline)")),
        ("matured_out", _("Maturing out at the age limit")),
    ]
    kind = forms.ChoiceField(label=_("Kind"), choices=KINDS, widget=forms.RadioSelect)
    on = forms.DateField(
        label=_("From"),
        widget=DATE_INPUT,
        help_text=_("For maturing out: the date of the ceremony."),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReinstateForm(TextForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), widget=forms.Textarea(attrs={"rows": 2})
    )


class MatureOutForm(TextForm):
    on = forms.DateField(label=_("Date of the maturing-out ceremony"), widget=DATE_INPUT)


class ContinuationForm(TextForm):
    """Continues past the age limit as an elected or full-time cadre; or withdraw it."""

    kind = forms.ChoiceField(
        label=_("He continues as"), widget=forms.RadioSelect, required=False, choices=()
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(value, label) for value, label in Continuation.choices if value != current]
        if current:
            choices.append(("", _("He no longer continues: withdraw it")))
        self.fields["kind"].choices = choices
        self.fields["kind"].initial = choices[0][0]
        self.fields["kind"].required = not current  # "" (withdraw) is a choice only then


class KeepForm(TextForm):
    """The branch keeps the member past the age limit until a date; or ends the decision."""

    until = forms.DateField(
        label=_("Kept until"),
        widget=DATE_INPUT,
        required=False,
        help_text=_("Leave it empty to end the branch's decision."),
    )
    reason = forms.CharField(
        label=_("Reason (the branch's decision)"),
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HonoraryForm(TextForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
