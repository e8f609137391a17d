import re

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Level, Sector, Unit

# An object of the audit trail as its list shows it: "member #123", "member 123", or "member".
OBJECT = re.compile(r"([A-Za-z_]{1,20})(?:\s*#?\s*(\d{1,18}))?")
DATE_INPUT = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class UnitForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40)
    level = forms.ModelChoiceField(label=_("Level"), queryset=Level.objects.all())
    kind = forms.ChoiceField(label=_("Kind"), choices=Unit.Kind.choices)
    sector = forms.ChoiceField(
        label=_("Sector"),
        choices=[("", _("(several sectors)")), *Sector.choices],
        required=False,
    )


class UnitEditForm(UnitForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class UnitCodeForm(TextForm):
    """Names another unit by its code: the tree is too large for a drop-down list."""

    code = forms.CharField(label=_("Code of the destination unit"), max_length=40)


class AuditSearchForm(TextForm):
    """The audit page's search: a person (user name), an action or a family ("unit."), an
    object ("member #123", or a type alone), a period, and the reads of full ID numbers alone or
    left out."""

    actor = forms.CharField(label=_("Person (user name)"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=40, required=False)
    object = forms.CharField(
        label=_("Object"),
        max_length=40,
        required=False,
        help_text=_("As the list shows it, e.g. member #123"),
    )
    since = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("To"), required=False, widget=DATE_INPUT)
    reads = forms.ChoiceField(
        label=_("Reads of full ID numbers"),
        required=False,
        choices=[
            ("", _("With the other events")),
            ("only", _("Only them")),
            ("without", _("Without them")),
        ],
    )

    def clean_object(self) -> tuple[str, int | None]:
        text = self.cleaned_data.get("object", "").strip()
        if not text:
            return ("", None)
        found = OBJECT.fullmatch(text)
        if found is None:
            raise forms.ValidationError(
                _("Write the object as the list shows it, e.g. member #123, or its type alone.")
            )
        kind, number = found.group(1).lower(), found.group(2)
        return (kind, int(number) if number else None)
