from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.members.models import Sex

from .models import Course, Post


class CommitteeForm(TextForm):
    term_start = forms.DateField(label=_("Term starts"))
    term_end = forms.DateField(
        label=_("Term ends"),
        required=False,
        help_text=_("Empty: the unit's term length."),
    )
    secretary = forms.CharField(label=_("Secretary (member identifier)"), required=False)
    deputies = forms.CharField(label=_("Deputy secretaries (identifiers)"), required=False)
    others = forms.CharField(label=_("Other committee members (identifiers)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("term_start", "term_end"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HolderForm(TextForm):
    """The person who takes a post: a member by his identifier, or a person who is not a
    member (name, date of birth, sex, optional account)."""

    member_code = forms.CharField(label=_("Member identifier"), required=False)
    full_name = forms.CharField(
        label=_("Or the name of a person who is not a member"), required=False, max_length=120
    )
    date_of_birth = forms.DateField(
        label=_("His date of birth"),
        required=False,
        help_text=_("For a person who is not a member."),
    )
    sex = forms.ChoiceField(label=_("His sex"), required=False, choices=[("", "—"), *Sex.choices])
    account = forms.CharField(
        label=_("His user account (optional)"),
        required=False,
        help_text=_("The username: the roles of the post follow it."),
    )
    DATES = ("date_of_birth",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DATES:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def clean(self):
        data = super().clean()
        if not data.get("member_code") and not data.get("full_name"):
            self.add_error(
                "member_code",
                _("Give the member's identifier, or the name of a person who is not a member."),
            )
        return data

    def holder(self, members) -> dict:
        """The holder as the services take him (`members`: those the user sees; an unknown
        identifier is kept so that the service names it)."""
        d = self.cleaned_data
        item = {
            "full_name": d["full_name"],
            "date_of_birth": d["date_of_birth"],
            "sex": d["sex"],
            "account": d["account"],
        }
        if d["member_code"]:
            found = (
                members.filter(member_code__iexact=d["member_code"])
                .values_list("pk", flat=True)
                .first()
            )
            item["member"] = found or f"?{d['member_code']}"
        return item


class PostAddForm(HolderForm):
    post = forms.ChoiceField(label=_("Post"), choices=Post.Kind.choices)
    started_on = forms.DateField(label=_("From"))
    DATES = ("date_of_birth", "started_on")


class PostReplaceForm(HolderForm):
    """A post handed over mid-term: the new holder, from a date, and why."""

    on = forms.DateField(label=_("Handed over on"))
    reason = forms.CharField(label=_("Reason"), max_length=255)
    DATES = ("date_of_birth", "on")


class PostEndForm(TextForm):
    ended_on = forms.DateField(label=_("Until"))
    reason = forms.CharField(label=_("Reason"))


class CourseForm(TextForm):
    name = forms.CharField(label=_("Course"))
    level = forms.ChoiceField(label=_("Level"), choices=Course.Level.choices)
    started_on = forms.DateField(label=_("From"))
    ended_on = forms.DateField(label=_("Until"), required=False)
