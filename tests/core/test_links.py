"""The `link` filter gives exactly the URL `{% url %}` gives, for every one-argument view
the list pages link to, whatever the address holds."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from domains.templatetags.mail_tags import link

ODD_VALUES = [
    "john@example.org",
    "jo.hn+tag@example.org",
    "@example.org",
    "a/b@example.org",
    "50%off@example.org",
    "what?#now@example.org",
    "o'neil&co@example.org",
    "ünïcødé@xn--bcher-kva.example",
    "space here@example.org",
]
ODD_DOMAINS = ["example.org", "xn--bcher-kva.example", "bücher.example", "50%.example", "a?b#c"]
DOMAIN_VIEWS = ["domains:detail", "domains:mailbox_create", "domains:limits"]
ADDRESS_VIEWS = [
    "domains:mailbox",
    "domains:mailbox_delete",
    "domains:mailbox_disable_confirm",
    "domains:mailbox_enable_confirm",
    "domains:mailbox_forward",
    "aliases:edit",
    "aliases:delete",
    "aliases:disable_confirm",
    "aliases:enable_confirm",
]


@pytest.mark.parametrize("viewname", ADDRESS_VIEWS)
def test_an_address_link_is_the_url_reverse_gives(viewname):
    for value in ODD_VALUES:
        assert link(value, viewname) == reverse(viewname, args=[value]), value


@pytest.mark.parametrize("viewname", DOMAIN_VIEWS)
def test_a_domain_link_is_the_url_reverse_gives(viewname):
    for value in ODD_DOMAINS:
        assert link(value, viewname) == reverse(viewname, args=[value]), value


def test_a_link_in_a_template_is_escaped_as_any_value():
    html = Template('{% load mail_tags %}<a href="{{ a|link:"aliases:edit" }}">').render(
        Context({"a": "o'neil&co@example.org"})
    )
    assert html == '<a href="/aliases/o&#x27;neil&amp;co@example.org/">'


def test_a_link_follows_the_script_prefix_of_a_panel_served_under_a_path():
    from django.urls import set_script_prefix

    try:
        set_script_prefix("/mail/")
        assert (
            link("john@example.org", "domains:mailbox")
            == "/mail/domains/mailboxes/john@example.org/"
        )
        assert link("john@example.org", "domains:mailbox") == reverse(
            "domains:mailbox", args=["john@example.org"]
        )
    finally:
        set_script_prefix("/")


def test_a_value_no_url_matches_gives_no_link_as_url_as_does():
    source = "{% load mail_tags %}{% url 'domains:detail' d as href %}[{{ href }}]"
    source += "[{{ d|link:'domains:detail' }}]"
    html = Template(source).render(Context({"d": "bad/name"}))
    assert html == "[][]"
    assert link("", "domains:mailbox") == ""
