from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanvien.core.forms import TextForm
from doanvien.core.spreadsheets.reading import max_bytes

from ..columns import EXPORT_COLUMNS, NATIONAL_COLUMNS, SPECS, in_list_order
from ..exports import COLUMN_GROUPS


class ImportForm(TextForm):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx, .xls or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.ods"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB; at most %(limit)s MB). Split it in parts.")
                % {"size": round(upload.size / 2**20, 1), "limit": max_bytes() // 2**20}
            )
        return upload


class ExportForm(TextForm):
    """The columns of a member list export: the national column set, or the columns chosen
    from EXPORT_COLUMNS (written in that order, whatever the order they were ticked in)."""

    NATIONAL, CHOSEN = "national", "chosen"

    column_set = forms.ChoiceField(
        label=gettext_lazy("Columns of the file"),
        choices=[
            (NATIONAL, gettext_lazy("National column set")),
            (CHOSEN, gettext_lazy("Choose columns")),
        ],
        initial=NATIONAL,
        required=False,  # the national set unless said otherwise
        widget=forms.RadioSelect,
    )
    columns = forms.MultipleChoiceField(
        label=gettext_lazy("Columns"),
        # The headers the file will have: a file format shared with the national software.
        choices=[(name, SPECS[name].header) for name in EXPORT_COLUMNS],
        initial=list(NATIONAL_COLUMNS),  # "Choose columns" starts from the national set
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("There is no column “%(value)s”.")},
    )

    def clean(self):
        data = super().clean()
        if data.get("column_set") == self.CHOSEN and "columns" in data and not data["columns"]:
            self.add_error("columns", _("Choose at least one column."))
        return data

    @property
    def chosen(self) -> bool:
        """Whether "Choose columns" is selected (as posted, or as the form starts)."""
        if self.is_bound:
            return self.data.get(self.add_prefix("column_set")) == self.CHOSEN
        return self.initial.get("column_set") == self.CHOSEN

    def chosen_columns(self) -> list[str] | None:
        """The chosen columns in the order of EXPORT_COLUMNS, or None for the national set."""
        if self.cleaned_data.get("column_set") != self.CHOSEN:
            return None
        return in_list_order(self.cleaned_data["columns"])

    def groups(self):
        """The column checkboxes by group (exports.COLUMN_GROUPS), for the page."""
        boxes = {box.data["value"]: box for box in self["columns"]}
        return [(label, [boxes[name] for name in names]) for label, names in COLUMN_GROUPS]
