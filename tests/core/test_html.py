"""mailadmin.html.format_html gives exactly what Django's format_html gives."""

from django.utils import html as django_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from mailadmin.html import format_html

FORMAT = '<a href="{}" title="{}">{}</a>{}'


@given(st.lists(st.text(), min_size=4, max_size=4))
def test_it_escapes_any_text_as_django_does(values):
    assert format_html(FORMAT, *values) == django_html.format_html(FORMAT, *values)


def test_it_keeps_safe_strings_and_evaluates_lazy_ones_as_django_does():
    values = (mark_safe("<b>x</b>"), gettext_lazy("Enable"), 1234, None)
    result = format_html(FORMAT, *values)
    assert result == django_html.format_html(FORMAT, *values)
    assert isinstance(result, SafeString)


def test_it_escapes_named_placeholders_too():
    assert format_html("{a}<{b}>", a="'\"&", b=mark_safe("&amp;")) == "&#x27;&quot;&amp;<&amp;>"
