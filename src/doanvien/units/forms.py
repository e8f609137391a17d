from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Level, Sector, Unit

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
    """The audit page's search: a person (user name), an action or a family ("unit."), a
    period, and the reads of full ID numbers alone or left out."""

    actor = forms.CharField(label=_("Person (user name)"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=40, required=False)
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
