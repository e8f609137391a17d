"""The forms of the yearly report page (the header's fields and one text per section) and of a
good model. They take what is typed; the services check it (lengths, dates, years) and their
messages are put on the fields."""

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .rules import FIELD_MAX, PARAGRAPH_MAX, TEXT_MAX, TITLE_MAX

PARAGRAPH_PREFIX = "paragraph_"
# The fields of the report's header and signature block, as the form and the service name them.
HEADER_FIELDS = ("number", "date", "place", "signer_role", "signer_name")


def field_for(error_key: str) -> str:
    """The form field of a service's error key ("paragraphs.process" → "paragraph_process")."""
    if error_key.startswith("paragraphs."):
        return PARAGRAPH_PREFIX + error_key.removeprefix("paragraphs.")
    return error_key


class YearlyReportForm(TextForm):
    number = forms.CharField(
        label=_("Report number"), required=False, max_length=FIELD_MAX["number"]
    )
    date = forms.CharField(
        label=_("Date of the report"),
        required=False,
        help_text=_("dd/mm/yyyy; today's date when left empty."),
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=FIELD_MAX["place"])
    signer_role = forms.CharField(
        label=_("Signer's role"),
        required=False,
        max_length=FIELD_MAX["signer_role"],
        widget=forms.TextInput(attrs={"placeholder": _("SECRETARY")}),
    )
    signer_name = forms.CharField(
        label=_("Signer's name"), required=False, max_length=FIELD_MAX["signer_name"]
    )

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        limit = number_format(PARAGRAPH_MAX, force_grouping=True)
        for key in keys:
            self.fields[PARAGRAPH_PREFIX + key] = forms.CharField(
                label=_("Text of this section"),
                required=False,
                strip=False,
                help_text=_("At most %(limit)s characters; one paragraph a line.")
                % {"limit": limit},
                widget=forms.Textarea(attrs={"rows": 5}),
            )

    def data_for_service(self) -> dict:
        """The cleaned fields as the service takes them."""
        clean = self.cleaned_data
        paragraphs = {
            name.removeprefix(PARAGRAPH_PREFIX): value
            for name, value in clean.items()
            if name.startswith(PARAGRAPH_PREFIX)
        }
        return {
            "paragraphs": paragraphs,
            **{name: clean[name] for name in HEADER_FIELDS},
        }


def initial_from(report, keys: list[str]) -> dict:
    if report is None:
        return {}
    initial = {
        "number": report.number,
        "date": report.dated.strftime("%d/%m/%Y") if report.dated else "",
        "place": report.place,
        "signer_role": report.signer_role,
        "signer_name": report.signer_name,
    }
    for key in keys:
        initial[PARAGRAPH_PREFIX + key] = report.paragraphs.get(key, "")
    return initial


YEAR_MESSAGE = _("Give a year between 2000 and 2100.")


class GoodModelForm(TextForm):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": YEAR_MESSAGE,
            "min_value": YEAR_MESSAGE,
            "max_value": YEAR_MESSAGE,
        },
    )
    title = forms.CharField(label=_("Name of the model or solution"), max_length=TITLE_MAX)
    description = forms.CharField(
        label=_("What it is, how it is done"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    result = forms.CharField(
        label=_("Result"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
