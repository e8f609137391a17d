from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Audience


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern): a list, maybe empty."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class UnitIdsField(forms.Field):
    """The ids of the units ticked in the unit chooser (units/_chooser.html): the service checks
    that each is an active unit under the issuing unit."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose units from the list.")) from None


class PublishForm(TextForm):
    number = forms.CharField(label=_("Number"), max_length=50)
    title = forms.CharField(label=_("Title"), max_length=300)
    issued_on = forms.DateField(label=_("Date"))
    body = forms.CharField(label=_("Body"), required=False, widget=forms.Textarea)
    audience = forms.ChoiceField(
        label=_("Sent to"), choices=Audience.choices, widget=forms.RadioSelect
    )
    units = UnitIdsField(
        label=_("Chosen units"),
        required=False,
        help_text=_("Only when the directive is sent to chosen units."),
    )
    due_on = forms.DateField(label=_("Due date"), required=False)
    reply_required = forms.BooleanField(label=_("A reply is required"), required=False)
    files = MultipleFileField(
        label=_("Attached files"),
        required=False,
        help_text=_("PDF, DOCX or XLSX."),
    )
    supersedes = forms.TypedChoiceField(
        label=_("Supersedes"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, replaceable=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("issued_on", "due_on"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["supersedes"].choices = [("", "—")] + [(d.pk, str(d)) for d in replaceable]


class ReplyForm(TextForm):
    reply = forms.CharField(label=_("Reply"), required=False, widget=forms.Textarea)
    files = MultipleFileField(
        label=_("Attached files"), required=False, help_text=_("PDF, DOCX or XLSX.")
    )


class WithdrawForm(TextForm):
    reason = forms.CharField(label=_("Reason for withdrawal"), widget=forms.Textarea)
