"""Forms of the transfer pages: request, accept (choosing the branch), reject."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm
from doanvien.units.selectors import units_matching_anywhere, with_parents

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
        label=_("Receiving unit"),
        max_length=200,
        help_text=_(
            "Any unit in the country: type its name (diacritics not needed) or its code, then "
            "choose it in the list."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "enterkeyhint": "search"}),
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *args, **kwargs):
        # A unit chosen in the list ("pick_unit", its code) is the unit typed.
        if data is not None and data.get("pick_unit"):
            data = data.copy()
            data["to_unit"] = data["pick_unit"]
        super().__init__(data, *args, **kwargs)
        self.found: list = []  # [(unit, parent name)] matching what was typed
        self.chosen = None  # (unit, parent name) once the unit is known

    def clean_to_unit(self):
        term = self.cleaned_data["to_unit"]
        unit = unit_lookup(term)
        if unit is not None:
            self.chosen = with_parents([unit])[0]
            return unit
        self.found = with_parents(units_matching_anywhere(term))
        if self.found:
            raise forms.ValidationError(_("Choose the receiving unit in the list below."))
        raise forms.ValidationError(
            _("No active unit has this code or a name containing these words.")
        )

    def look_up(self) -> None:
        """Find or choose the unit without requesting: only the unit's errors are shown."""
        self.is_valid()
        for name in [n for n in self.errors if n != "to_unit"]:
            del self.errors[name]


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
