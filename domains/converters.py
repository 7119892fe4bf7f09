"""A URL path segment holding a mail address or alias source.

Local parts may contain `/`, `%`, `?` or `#`; the segment is percent-encoded so such an
address still makes one segment and a working link.
"""

from urllib.parse import quote, unquote

from django.urls import register_converter
from django.urls.converters import get_converters


class AddressConverter:
    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return unquote(value)

    def to_url(self, value: str) -> str:
        return quote(value, safe="@+!$&'()*,;=:~")


def register() -> None:
    if "address" not in get_converters():
        register_converter(AddressConverter, "address")
