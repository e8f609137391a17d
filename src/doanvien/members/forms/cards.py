"""Forms of the card-number pages (ranges, assignment) and the card choice an admission
approval shares. They only collect what is typed: the rules live in services/cards.py."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.units.models import Unit

from ..models import CARD_DIGITS

CARD_CHOICES = [
    ("auto", _("Next free number of the range")),
    ("manual", _("A number typed by hand")),
    ("later", _("No card number for now")),
]


def card_field(label, required=False, help_text="") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=CARD_DIGITS + 4,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class CardChoiceMixin(TextForm):
    card = forms.ChoiceField(
        label=_("Member card number"),
        choices=CARD_CHOICES,
        initial="auto",
        widget=forms.RadioSelect,
    )
    card_number = card_field(_("Card number typed by hand"))

    def __init__(self, *args, ranges_cover: bool = True, **kwargs):
        """`ranges_cover`: whether a card-number range covers the branch. Without one the next
        free number cannot be drawn, so that option is not offered (nor preselected)."""
        super().__init__(*args, **kwargs)
        if not ranges_cover:
            card = self.fields["card"]
            card.choices = [c for c in card.choices if c[0] != "auto"]
            card.initial = "later" if "later" in dict(card.choices) else "manual"
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


class CardRangeAllocateForm(TextForm):
    unit = forms.ModelChoiceField(label=_("Unit receiving the range"), queryset=Unit.objects.none())
    first = card_field(_("First number"), required=True)
    last = card_field(_("Last number"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.fields["unit"].initial = units.first().pk


class CardRangeReleaseForm(TextForm):
    reason = forms.CharField(label=_("Reason for the release"), max_length=500)


class CardAssignForm(CardChoiceMixin):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = CARD_CHOICES[:2]


class PhotoForm(forms.Form):
    """The member's photo for his card: a new one, or none."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A JPEG, PNG or WebP photo of the face; it is stored small."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("photo") and not data.get("remove"):
            raise forms.ValidationError(gettext("Choose a photo, or tick “Remove the photo”."))
        return data
