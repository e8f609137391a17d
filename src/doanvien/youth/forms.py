"""The "1+1" forms: thin shapes; the services check the values (dates typed dd/mm/yyyy)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Group, Situation, YouthSex
from .workflow import HAND_STEPS

DATE_HELP = _("dd/mm/yyyy")


def _date(label, required=False):
    return forms.CharField(label=label, required=required, help_text=DATE_HELP, max_length=20)


class YouthForm(TextForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    date_of_birth = _date(_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *YouthSex.choices], required=False)
    phone = forms.CharField(label=_("Phone or contact"), max_length=60, required=False)
    place = forms.CharField(
        label=_("Where he lives, studies or works"), max_length=200, required=False
    )
    situation = forms.ChoiceField(
        label=_("Situation"), choices=[("", "—"), *Situation.choices], required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class YouthSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=120)


class GroupForm(TextForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Group.Kind.choices)
    contact = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    attached_on = _date(_("Attached to the Union's activities on"))


STEP_LABELS = {
    "taking_part": _("Taking part"),
    "joined_federation": _("Joined the Federation"),
    "proposed": _("Proposed for admission"),
    "dropped": _("Dropped"),
}


class ProgressForm(TextForm):
    step = forms.ChoiceField(label=_("Step"), choices=[(s, STEP_LABELS[s]) for s in HAND_STEPS])
    on = _date(_("Date"), required=True)
    note = forms.CharField(
        label=_("Note (the reason, for a drop)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class IntroduceForm(TextForm):
    full_name = forms.CharField(label=_("Full name of the youth"), max_length=120)
    date_of_birth = _date(_("Date of birth"))
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *YouthSex.choices], required=False)
    phone = forms.CharField(label=_("Phone or contact"), max_length=60, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class ExtensionForm(TextForm):
    code = forms.CharField(label=_("Code of the unit that reports"), max_length=40)
    extended_to = _date(_("New deadline"), required=True)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


def _count(label):
    return forms.IntegerField(label=label, min_value=0, required=False, initial=0)


class SurveyForm(TextForm):
    surveyed_on = _date(_("Surveyed on"), required=True)
    age_16_18 = _count(_("Youths aged 16–18"))
    age_19_24 = _count(_("Youths aged 19–24"))
    age_25_30 = _count(_("Youths aged 25–30"))
    studying = _count(_("Studying"))
    working = _count(_("Working"))
    neither = _count(_("Neither studying nor working"))
    members = forms.IntegerField(
        label=_("Union members among them"),
        min_value=0,
        required=False,
        help_text=_(
            "Prefilled with the branch's members on the survey's day (today for a new survey);"
            " correct it if some were not counted. Left empty: the branch's members."
        ),
    )
    federation_members = _count(_("Federation members among them"))
    groups_found = _count(_("Clubs, teams and groups found"))
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
