from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.members.models import Member

from .rules import REQUESTABLE_FIELDS


class ChangeRequestForm(TextForm):
    """The fields a member may propose, filled with his record's values; the ones he changes
    make the request. Values are checked by the member form's rules (the service)."""

    photo = forms.FileField(
        label=_("New photo for my card"),
        required=False,
        help_text=_("A JPEG, PNG or WebP photo of your face; your branch checks it first."),
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required for a new full name or date of birth."),
    )

    def __init__(self, *args, member: Member, **kwargs):
        initial = {}
        for name in REQUESTABLE_FIELDS:
            value = getattr(member, name)
            initial[name] = value.strftime("%d/%m/%Y") if hasattr(value, "strftime") else value
        super().__init__(*args, initial=initial, **kwargs)
        fields = {}
        for name in REQUESTABLE_FIELDS:
            model_field = Member._meta.get_field(name)
            attrs = {"autocomplete": "off"}
            if name == "date_of_birth":
                attrs["placeholder"] = "dd/mm/yyyy"
            if name == "phone":
                attrs["inputmode"] = "tel"
            fields[name] = forms.CharField(
                label=capfirst(model_field.verbose_name),
                required=False,
                widget=forms.TextInput(attrs=attrs),
            )
        fields["photo"] = self.fields.pop("photo")
        # The record's fields first, then the photo, the reason last.
        fields["reason"] = self.fields.pop("reason")
        self.fields = fields

    def changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name in REQUESTABLE_FIELDS
        }


class RejectForm(TextForm):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
