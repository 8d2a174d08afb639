from django.core.exceptions import ValidationError


def add_errors(form, exc: ValidationError) -> None:
    """Put an action's problems beside the fields they belong to."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
