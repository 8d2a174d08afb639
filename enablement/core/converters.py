"""The `<id:pk>` path converter: a database id in a URL.

Django's `<int:…>` takes any run of digits, and an id of twenty digits overflows a
PostgreSQL bigint wherever the number reaches the database other than by a plain `=`
(an `IN`, a raw query): a 500. Eighteen digits always fit, so a longer "id" matches no
URL at all and is a 404 before any view runs.
"""

from django.urls import register_converter


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


def register() -> None:
    register_converter(IdConverter, "id")
