"""The forms of the evaluation pages: points per item (the unit's own and the recognising
unit's), evidence, a comment or a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm


class PointsForm(TextForm):
    """One field per item (`item_<id>`), from 0 to its maximum, and a comment."""

    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, items=(), initial_points=None, required=False, **kwargs):
        super().__init__(*args, **kwargs)
        initial_points = initial_points or {}
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=item.text,
                min_value=0,
                max_value=item.max_points,
                decimal_places=1,
                required=required,
                initial=initial_points.get(str(item.pk)),
                help_text=_("from 0 to %(max)s") % {"max": f"{item.max_points:g}"},
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )
        self.order_fields([f"item_{i.pk}" for i in self.items] + ["comment"])

    def points(self) -> dict[str, str]:
        return {
            str(item.pk): str(self.cleaned_data[f"item_{item.pk}"])
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}") is not None
        }

    def rows(self):
        """(item, bound field) for the template, grouped by the caller."""
        return [(item, self[f"item_{item.pk}"]) for item in self.items]


class EvidenceForm(TextForm):
    item = forms.TypedChoiceField(label=_("Item"), coerce=int)
    file = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    note = forms.CharField(label=_("Note"), required=False, max_length=300)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, i.text) for i in items]


class CommentForm(TextForm):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(TextForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class IntroductionProposalForm(TextForm):
    """The branch's proposal of an outstanding member to the Party."""

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    branch_resolution_no = forms.CharField(label=_("branch resolution number"), max_length=50)
    branch_resolution_date = forms.DateField(label=_("branch resolution date"))
    votes_for = forms.IntegerField(label=_("votes for"), min_value=0)
    present = forms.IntegerField(label=_("members present"), min_value=1)
    override_reason = forms.CharField(
        label=_("reason (not rated excellent)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.full_name) for m in members]


class IntroductionStepForm(TextForm):
    """The later steps, recorded by the units above the branch."""

    introduction_no = forms.CharField(
        label=_("introduction resolution number"), max_length=50, required=False
    )
    introduced_on = forms.DateField(label=_("introduced on"), required=False)
    course_on = forms.DateField(label=_("Party course on"), required=False)
    probationary_on = forms.DateField(label=_("admitted as probationary member on"), required=False)
    official_on = forms.DateField(label=_("official member on"), required=False)


class RatingPolicyForm(TextForm):
    """A unit's rating policy for its subtree; the ranges are checked by the service
    (ratings.rating_policy_set), whose messages show on the fields."""

    level_equals_programme = forms.BooleanField(
        label=_("member level = training programme level"), required=False
    )
    eligibility_months = forms.IntegerField(
        label=_("months of membership before rating"),
        help_text=_(
            "members admitted fewer months than this before the year's end are assessed, "
            "not classified"
        ),
    )
    excellent_quota_percent = forms.IntegerField(
        label=_("at most this % rated excellent (of those rated well or better)"),
        required=False,
        help_text=_("from 1 to 100; empty: no quota"),
    )
