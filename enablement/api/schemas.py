from ninja import Schema


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error: a sentence for people and a list of field errors for programs."""

    detail: str
    errors: list[FieldError] = []


def responses(ok: dict) -> dict:
    # 503: the database could not be reached; nothing was saved and the call may be repeated.
    # 429: too many wrong API tokens from the client's address (api/auth.py).
    return {
        **ok,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
        429: ErrorOut,
    }
