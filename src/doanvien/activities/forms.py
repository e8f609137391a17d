from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Activity, ActivityKind

AREA_CHOICES = [(c, c) for c in ("1", "2", "3", "4", "5")]


class ActivityForm(TextForm):
    title = forms.CharField(label=_("Name of the activity"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"))
    areas = forms.MultipleChoiceField(
        label=_("Content areas of the programme it serves"),
        choices=AREA_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    audience = forms.ChoiceField(
        label=_("Invited"), choices=Activity.Audience.choices, initial="subtree"
    )
    units = forms.MultipleChoiceField(
        label=_("Units invited (chosen units)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)
    organiser = forms.CharField(label=_("Organised by"), max_length=200, required=False)
    campaign = forms.CharField(label=_("Campaign"), max_length=200, required=False)
    value = forms.IntegerField(label=_("Value (VND)"), min_value=0, required=False)

    def __init__(self, *args, units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k.code, k.name) for k in ActivityKind.objects.filter(active=True)
        ]
        self.fields["units"].choices = [(u.pk, u.name) for u in units]
