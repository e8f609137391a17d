from django import forms
from django.utils.translation import gettext_lazy as _

from doanvien.training.forms import area_field_name, points_text


class SelfAssessmentForm(forms.Form):
    """The member's own points per content area, and a comment. Checked by the service."""

    def __init__(self, *args, areas, registration=None, **kwargs):
        if registration is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                area_field_name(code): points_text(value)
                for code, value in registration.self_points.items()
            } | {"comment": registration.self_comment}
        super().__init__(*args, **kwargs)
        for area in areas:
            field = forms.CharField(
                label=str(area),
                required=False,
                max_length=6,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            field.max_points = points_text(area.max_points)
            self.fields[area_field_name(area.code)] = field
        self.fields["comment"] = forms.CharField(
            label=_("What I did, what I did not manage"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
        self.areas = list(areas)

    def area_fields(self):
        return [self[area_field_name(a.code)] for a in self.areas]

    def points(self) -> dict[str, str]:
        return {a.code: self.cleaned_data.get(area_field_name(a.code), "") for a in self.areas}
