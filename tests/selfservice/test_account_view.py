import time
from unittest import mock

from django.contrib.auth.models import User

from domains import services
from domains.demo import DEMO_PASSWORD
from selfservice import auth
from tests.selfservice.conftest import ADDRESS, log_in


def test_the_page_shows_the_address_and_the_quota_in_human_units(mailbox_client):
    response = mailbox_client.get("/account/")
    assert response.status_code == 200
    body = response.content.decode()
    assert ADDRESS in body
    assert "2 GB" in body
    assert "Change your password" in body


def test_without_a_mailbox_login_it_sends_to_the_mailbox_login(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url == "/account/login/?next=/account/"


def test_a_staff_login_is_not_a_mailbox_login(client, mailbox):
    User.objects.create_superuser("boss", password="Boss-password-1")
    client.force_login(User.objects.get(username="boss"))
    response = client.get("/account/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")


def test_the_page_lists_what_delivers_to_the_mailbox(client, guide_data):
    log_in(client, "xandros@blobber.org", DEMO_PASSWORD)
    response = client.get("/account/")
    labels = [source.label for source in response.context["sources"]]
    assert labels == [
        "any other address at whopper.nu",
        "xandros@lala.com",
        "xandros@mail.blobber.org",
    ]
    body = response.content.decode()
    assert "any other address at whopper.nu" in body and "xandros@lala.com" in body


def test_a_session_idle_too_long_ends(mailbox_client, settings):
    settings.MAILADMIN_SELFSERVICE_IDLE_SECONDS = 30 * 60
    later = time.time() + 30 * 60 + 5
    with mock.patch("selfservice.auth.time.time", return_value=later):
        response = mailbox_client.get("/account/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")
    assert auth.SESSION_KEY not in mailbox_client.session


def test_activity_keeps_the_session_alive(mailbox_client):
    start = time.time()
    with mock.patch("selfservice.auth.time.time") as clock:
        for minutes in (20, 40, 60):
            clock.return_value = start + minutes * 60
            assert mailbox_client.get("/account/").status_code == 200


def test_disabling_the_mailbox_ends_its_session(mailbox_client, actor):
    services.set_mailbox_enabled(ADDRESS, False, actor=actor)
    response = mailbox_client.get("/account/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")


def test_disabling_the_domain_ends_its_sessions(mailbox_client, actor):
    services.set_domain_enabled("example.org", False, actor=actor)
    assert mailbox_client.get("/account/").status_code == 302


def test_a_password_set_by_the_postmaster_ends_the_owner_session(mailbox_client, actor):
    services.set_mailbox_password(ADDRESS, "Another-long-pass-2", actor=actor)
    assert mailbox_client.get("/account/").status_code == 302


def test_the_page_is_read_only(mailbox_client):
    body = mailbox_client.get("/account/").content.decode()
    # the log-out button and the language menu, nothing to edit
    assert body.count("<form") == 2
    assert body.count('<form method="post" action="/language/"') == 1
    assert 'action="/account/logout/"' in body


def test_the_brand_link_of_self_service_pages_stays_in_self_service(client, db):
    html = client.get("/account/login/").content.decode()
    assert '<a class="navbar-brand" href="/account/">' in html
