from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .text import strip_invisible, validate_text


def _text_fields(form: forms.BaseForm):
    """The fields of `form` that take text as typed (never a password)."""
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
            yield name, field


class TextForm(forms.Form):
    """A form that keeps the text rule (core/text.py), like the API and the imports: the
    invisible characters are taken out of what is typed, and text holding a control character
    or a bidirectional override is refused with a message naming it. Every form of the product
    derives from it (fields added in __init__ included: the rule is put on at validation)."""

    def full_clean(self):
        if self.is_bound:
            data = self.data.copy()
            for name, field in _text_fields(self):
                key = self.add_prefix(name)
                if hasattr(data, "getlist"):
                    values = data.getlist(key)
                    if values:
                        data.setlist(
                            key, [strip_invisible(v) if isinstance(v, str) else v for v in values]
                        )
                elif isinstance(data.get(key), str):
                    data[key] = strip_invisible(data[key])
                if validate_text not in field.validators:
                    field.validators.append(validate_text)
            self.data = data
        super().full_clean()


def apply_errors(form, error: ValidationError, default_field: str | None = None) -> None:
    """Put a service's ValidationError on the form: on its fields where they exist."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            target = name if name in form.fields else default_field
            for message in errors:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(default_field or NON_FIELD_ERRORS, message)


def error_messages(error: ValidationError) -> dict[str, list[str]]:
    """A service error as {field: [messages]}; errors without a field under "__all__"."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": list(error.messages)}
