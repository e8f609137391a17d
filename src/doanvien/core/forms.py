from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
