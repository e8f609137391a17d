from django import forms
from django.utils import timezone
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
    campaign = forms.ChoiceField(label=_("Part of the campaign"), required=False)
    value = forms.IntegerField(label=_("Value (VND)"), min_value=0, required=False)

    def __init__(self, *args, units=(), campaigns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k.code, k.name) for k in ActivityKind.objects.filter(active=True)
        ]
        self.fields["units"].choices = [(u.pk, u.name) for u in units]
        self.fields["campaign"].choices = [("", _("None"))] + [
            (
                c.pk,
                f"{c.title} ({c.starts_on:%d/%m/%Y} – {c.ends_on:%d/%m/%Y}, {c.unit.name})",
            )
            for c in campaigns
        ]

    @classmethod
    def initial_of(cls, activity: Activity) -> dict:
        """The form's values for an activity being changed."""
        local = timezone.localtime
        return {
            "title": activity.title,
            "kind": activity.kind.code,
            "areas": list(activity.areas.values_list("code", flat=True)),
            "starts_at": local(activity.starts_at).replace(tzinfo=None),
            "ends_at": local(activity.ends_at).replace(tzinfo=None),
            "place": activity.place,
            "audience": activity.audience,
            "units": [str(pk) for pk in activity.invites.values_list("unit_id", flat=True)],
            "capacity": activity.capacity,
            "organiser": activity.organiser,
            "campaign": activity.campaign_id or "",
            "value": activity.value,
        }


class CampaignForm(TextForm):
    title = forms.CharField(label=_("Name of the campaign"), max_length=200)
    starts_on = forms.DateField(
        label=_("Starts on"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Ends on"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @staticmethod
    def initial_of(campaign) -> dict:
        return {
            "title": campaign.title,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "description": campaign.description,
        }
