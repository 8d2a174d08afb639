from typing import Annotated

from ninja import Path, Schema
from pydantic import Field, WithJsonSchema

from enablement.core.params import BIGINT_MAX

# An id in a path: a larger number than a bigint holds is a 422, never a query.
PathId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]
# A service's short code in a path, as long as the column.
PathCode = Annotated[str, Path(max_length=30)]
# An id in a body or a query string.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def decimal_schema(*, maximum: int, minimum: int = 0, max_length: int = 20) -> WithJsonSchema:
    """The schema of a Decimal field, which may come as a number or a string: pydantic says
    only "string" for the latter, and every string a client may send has a maximum length."""
    return WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": minimum, "maximum": maximum},
                {"type": "string", "maxLength": max_length},
                {"type": "null"},
            ]
        }
    )


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
