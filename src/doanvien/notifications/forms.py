from django import forms

from .models import Channel, Kind


class ChannelsForm(forms.Form):
    """One choice per kind: in the app only, or in the app and by e-mail."""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=Channel.choices,
                initial=current[kind],
                widget=forms.RadioSelect,
            )
