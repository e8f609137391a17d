from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

DATE_INPUT = forms.TextInput(
    attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "bday"}
)


class ActivateForm(TextForm):
    code = forms.CharField(
        label=_("Activation code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "one-time-code"}
        ),
        help_text=_("On the slip your branch gave you, e.g. 7KQ2M-XW9TD."),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=DATE_INPUT,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 05/09/2007.")},
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocomplete": "username"}),
        help_text=_("Leave empty to use your member identifier."),
    )
    password1 = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class NotMeCloseForm(TextForm):
    note = forms.CharField(label=_("What was done"), max_length=300)
