from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.core.forms import TextForm

from .models import Kind


class MeetingForm(TextForm):
    date = forms.DateField(label=_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    theme = forms.TypedChoiceField(label=_("Published theme"), required=False, coerce=int)
    theme_text = forms.CharField(label=_("Or a theme of the branch's own"), required=False)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea)
    minutes_file = forms.FileField(label=_("Minutes file"), required=False)
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.fields["theme"].choices = [("", "—")] + [
            (t.pk, f"{t.month:02d}/{t.year} · {t.title}") for t in themes
        ]


class ThemeForm(TextForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    month = forms.IntegerField(label=_("Month"), min_value=1, max_value=12)
    title = forms.CharField(label=_("Theme"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
