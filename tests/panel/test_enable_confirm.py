"""Enabling a domain, and enabling or disabling a mailbox or an alias, goes through a
confirmation page that says what changes; the page (a GET) changes nothing, its Confirm
button posts to the existing enable/disable URL."""

import pytest

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from tests.conftest import ACTOR

MAILBOX = "/domains/mailboxes/john@example.org"


def _snapshot():
    return (
        list(Mailbox.objects.order_by("address").values()),
        list(Alias.objects.order_by("mail").values()),
        AuditEntry.objects.count(),
    )


def _page(client, url):
    before = _snapshot()
    response = client.get(url)
    assert response.status_code == 200
    assert _snapshot() == before
    # The page's sentences sit on lines of their own (aliases/includes/lands.html).
    return " ".join(response.content.decode().split())


def test_the_mailbox_page_and_lists_link_to_the_confirmations(a_client):
    for url in (f"{MAILBOX}/", "/domains/example.org/", "/domains/mailboxes/"):
        html = a_client.get(url).content.decode()
        assert f'href="{MAILBOX}/disable/confirm/"' in html
        assert f'action="{MAILBOX}/disable/"' not in html
    html = a_client.get("/domains/example.org/").content.decode()
    assert 'href="/aliases/sales@example.org/disable/confirm/"' in html
    assert 'action="/aliases/sales@example.org/disable/"' not in html
    html = a_client.get("/aliases/sales@example.org/").content.decode()
    assert 'href="/aliases/sales@example.org/disable/confirm/"' in html
    assert 'href="/aliases/sales@example.org/disable/confirm/"' in (
        a_client.get("/aliases/").content.decode()
    )


def test_disabling_a_mailbox_says_what_stops(a_client):
    html = _page(a_client, f"{MAILBOX}/disable/confirm/")
    assert "Disable mailbox john@example.org?" in html
    assert "Its self-alias is disabled with it" in html
    # the catch-all of example.org then takes its mail
    assert 'the catch-all <a href="/aliases/@example.org/">@example.org</a> takes it' in html
    assert "Postfix accepts what comes to the mailbox itself and then bounces it." in html
    assert "IMAP and POP logins (Courier, Dovecot) are refused." in html
    assert "sales@example.org (" in html and "is accepted and then bounced" in html
    assert f'<form method="post" action="{MAILBOX}/disable/">' in html
    assert "csrfmiddlewaretoken" in html
    assert f'href="{MAILBOX}/">Cancel</a>' in html


def test_without_a_catch_all_its_mail_is_refused_at_rcpt(a_client):
    alias_services.remove_alias("@example.org", actor=ACTOR)
    html = _page(a_client, f"{MAILBOX}/disable/confirm/")
    assert "outside senders get 550 (user unknown) at RCPT" in html
    assert "bounces it" not in html


def test_a_mailbox_forwarded_by_its_own_row_is_still_forwarded(a_client):
    alias_services.forward_mailbox("john@example.org", ["x@gmail.com"], actor=ACTOR, keep_copy=True)
    html = _page(a_client, f"{MAILBOX}/disable/confirm/")
    assert "Its own alias row is a forward and keeps its state" in html
    assert "it goes to john@example.org, x@gmail.com" in html
    assert "Postfix accepts what comes to the mailbox itself and then bounces it." in html


def test_enabling_a_mailbox_says_what_comes_back(a_client):
    services.set_mailbox_enabled("john@example.org", False, actor=ACTOR)
    html = _page(a_client, f"{MAILBOX}/enable/confirm/")
    assert "Enable mailbox john@example.org?" in html
    assert "Its self-alias is enabled with it" in html
    assert "Postfix delivers it to the mailbox john@example.org." in html
    assert "IMAP and POP logins (Courier, Dovecot) are accepted again." in html
    assert "Today, while it is disabled: For mail to john@example.org, the catch-all" in html
    assert f'<form method="post" action="{MAILBOX}/enable/">' in html


def test_a_mailbox_already_in_that_state_has_nothing_to_confirm(a_client):
    html = _page(a_client, f"{MAILBOX}/enable/confirm/")
    assert "is already enabled: nothing changes" in html
    assert f'action="{MAILBOX}/enable/"' not in html


def test_disabling_a_forward_says_what_takes_its_mail(a_client):
    html = _page(a_client, "/aliases/sales@example.org/disable/confirm/")
    assert "Disable forward sales@example.org?" in html
    assert "Mail for sales@example.org will no longer go to john@example.org." in html
    assert "Once it is disabled: For mail to sales@example.org, the catch-all" in html
    assert '<form method="post" action="/aliases/sales@example.org/disable/">' in html
    assert 'href="/domains/example.org/">Cancel</a>' in html


def test_enabling_a_forward_says_where_mail_goes_and_goes_today(a_client):
    alias_services.set_alias_enabled("sales@example.org", False, actor=ACTOR)
    alias_services.set_alias_enabled("@example.org", False, actor=ACTOR)
    html = _page(a_client, "/aliases/sales@example.org/enable/confirm/")
    assert "Mail for sales@example.org will go to john@example.org." in html
    assert "Today, with the row disabled: For mail to sales@example.org, Postfix refuses it" in html
    assert '<form method="post" action="/aliases/sales@example.org/enable/">' in html


def test_disabling_a_catch_all_says_unknown_addresses_are_refused(a_client):
    html = _page(a_client, "/aliases/@example.org/disable/confirm/")
    assert "Disable catch-all @example.org?" in html
    assert "that have no alias row of their own will no longer go to john@example.org" in html
    assert "refuses such mail with 550 at RCPT" in html
    alias_services.set_alias_enabled("@example.org", False, actor=ACTOR)
    html = _page(a_client, "/aliases/@example.org/enable/confirm/")
    assert "that have no alias row of their own will go to john@example.org" in html


def test_a_domain_alias_says_the_local_part_is_kept(su_client):
    alias_services.remove_alias("@example.org", actor=ACTOR)
    alias_services.create_alias("@example.org", "@other.org", actor=ACTOR)
    html = _page(su_client, "/aliases/@example.org/disable/confirm/")
    assert (
        "Mail for anything@example.org will no longer go to the same address at other.org" in html
    )
    alias_services.set_alias_enabled("@example.org", False, actor=ACTOR)
    html = _page(su_client, "/aliases/@example.org/enable/confirm/")
    assert "will go to the same address at other.org" in html
    assert "backscatter" in html


def test_a_mailbox_row_points_to_the_mailbox(a_client):
    html = _page(a_client, "/aliases/john@example.org/disable/confirm/")
    assert "it is enabled and disabled with its mailbox" in html
    assert f'href="{MAILBOX}/disable/confirm/"' in html
    assert 'action="/aliases/john@example.org/disable/"' not in html


def test_a_disabled_domain_is_said(su_client):
    services.set_domain_enabled("example.org", False, actor=ACTOR)
    html = _page(su_client, "/aliases/sales@example.org/disable/confirm/")
    assert (
        "For mail to sales@example.org, its domain is disabled, so outside senders get 454" in html
    )
    services.set_mailbox_enabled("john@example.org", False, actor=ACTOR)
    html = _page(su_client, f"{MAILBOX}/enable/confirm/")
    assert "logins stay refused until the domain is enabled" in html


@pytest.mark.parametrize(
    "url",
    [
        f"{MAILBOX}/disable/confirm/",
        f"{MAILBOX}/enable/confirm/",
        "/aliases/sales@example.org/disable/confirm/",
        "/aliases/sales@example.org/enable/confirm/",
    ],
)
def test_another_domains_admin_gets_a_404_and_anonymous_the_login(url, b_client, client):
    before = _snapshot()
    assert b_client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/?next=")
    assert _snapshot() == before


@pytest.mark.parametrize(
    "url",
    [f"{MAILBOX}/disable/confirm/", "/aliases/sales@example.org/disable/confirm/"],
)
def test_the_confirmation_takes_no_post(url, a_client):
    before = _snapshot()
    assert a_client.post(url).status_code == 405
    assert _snapshot() == before


def test_enabling_a_domain_says_what_comes_back(su_client, a_client):
    services.set_domain_enabled("example.org", False, actor=ACTOR)
    html = su_client.get("/domains/example.org/").content.decode()
    assert 'href="/domains/example.org/enable/confirm/"' in html
    assert 'action="/domains/example.org/enable/"' not in html
    html = _page(su_client, "/domains/example.org/enable/confirm/")
    assert "Enable example.org?" in html
    assert "Postfix hosts it again" in html and "instead of getting 454" in html
    assert "Mailboxes and aliases disabled on their own stay disabled." in html
    assert '<form method="post" action="/domains/example.org/enable/">' in html
    assert a_client.get("/domains/example.org/enable/confirm/").status_code == 403
