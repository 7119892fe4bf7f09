"""`format_html` for the tables' rows: Django's, without its lazy-string checks.

Django's `format_html` escapes each argument through `conditional_escape` and `escape`,
both wrapped by `keep_lazy`, which inspects every argument of every call for a lazy
string: on a list of fifty rows that is 600 calls and about a millisecond of a 5 ms page.
This one escapes exactly as they do (`__html__` when the value has it, otherwise
`html.escape(str(value))`, quotes included) and returns the same `SafeString`.
"""

from html import escape

from django.utils.safestring import SafeString


def format_html(format_string: str, *args, **kwargs) -> SafeString:
    def escaped(value) -> str:
        return value.__html__() if hasattr(value, "__html__") else escape(str(value))

    return SafeString(
        format_string.format(
            *map(escaped, args), **{name: escaped(value) for name, value in kwargs.items()}
        )
    )
