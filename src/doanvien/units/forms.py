from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Level, Sector, Unit


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
