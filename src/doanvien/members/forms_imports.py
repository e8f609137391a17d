from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .spreadsheet import max_bytes


class ImportForm(forms.Form):
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
