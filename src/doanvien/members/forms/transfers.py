"""Forms of the transfer pages: request, accept (choosing the branch), reject."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from ..models import Transfer
from ..selectors import receiving_branches, unit_lookup

# Above this many branches in the receiving unit, the branch is named by its code.
BRANCH_SELECT_LIMIT = 200


class TransferRequestForm(TextForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Transfer.Kind.choices,
        initial=Transfer.Kind.TRANSFER,
        required=False,  # a transfer unless said otherwise
        widget=forms.RadioSelect,
        help_text=_(
            "A residence-based or temporary activity keeps the member in his branch: he also "
            "takes part in the receiving unit's activity until it is ended."
        ),
    )
    to_unit = forms.CharField(
        label=_("Code of the receiving unit"),
        max_length=40,
        help_text=_("Any unit in the country: ask the receiving unit for its code."),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_to_unit(self):
        unit = unit_lookup(self.cleaned_data["to_unit"])
        if unit is None:
            raise forms.ValidationError(_("No active unit with this code."))
        return unit


class TransferAcceptForm(TextForm):
    """The branch the member joins: a list when the receiving unit is small, else its code."""

    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, transfer, **kwargs):
        super().__init__(*args, **kwargs)
        self.branches = receiving_branches(transfer)
        if self.branches.count() <= BRANCH_SELECT_LIMIT:
            field = forms.ModelChoiceField(label=_("Receiving branch"), queryset=self.branches)
            if transfer.to_unit.is_branch:
                field.initial = transfer.to_unit_id
        else:
            field = forms.CharField(label=_("Code of the receiving branch"), max_length=40)
        self.fields = {"branch": field, **self.fields}

    def clean_branch(self):
        value = self.cleaned_data["branch"]
        if isinstance(value, str):
            value = self.branches.filter(code=value.strip().upper()).first()
            if value is None:
                raise forms.ValidationError(_("No active branch with this code in the unit."))
        return value


class TransferRejectForm(TextForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
