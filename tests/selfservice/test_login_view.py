import pytest
from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.test import Client
from passlib.hash import md5_crypt

from domains import services
from domains.models import Domain, Mailbox
from selfservice import auth
from tests.selfservice.conftest import ADDRESS, PASSWORD, log_in

REFUSED = "Unknown address or wrong password."


def test_the_login_page_is_open_to_anonymous_visitors(client, db):
    response = client.get("/account/login/")
    assert response.status_code == 200
    assert b'name="address"' in response.content and b'name="password"' in response.content


def test_the_owner_logs_in_and_lands_on_the_account_page(client, mailbox):
    response = log_in(client)
    assert response.status_code == 302
    assert response.url == "/account/"
    assert client.session[auth.SESSION_KEY] == ADDRESS
    assert client.get("/account/").status_code == 200


def test_a_mailbox_login_is_not_a_staff_login(client, mailbox):
    log_in(client)
    assert STAFF_SESSION_KEY not in client.session
    response = client.get("/account/")
    assert not response.wsgi_request.user.is_authenticated


def test_the_session_key_changes_at_login(client, mailbox):
    client.get("/account/login/")
    client.session.save()
    before = client.session.session_key
    log_in(client)
    assert client.session.session_key != before


def _refuse(case, actor):
    if case == "unknown address":
        return "nobody@example.org", PASSWORD
    if case == "wrong password":
        return ADDRESS, "Wrong-password-1"
    if case == "disabled mailbox":
        services.set_mailbox_enabled(ADDRESS, False, actor=actor)
    elif case == "disabled domain":
        services.set_domain_enabled("example.org", False, actor=actor)
    elif case == "missing domain":
        Domain.objects.filter(domain="example.org").delete()
    return ADDRESS, PASSWORD


@pytest.mark.parametrize(
    "case",
    ["unknown address", "wrong password", "disabled mailbox", "disabled domain", "missing domain"],
)
def test_every_refusal_gives_the_same_generic_message(client, mailbox, actor, case):
    address, password = _refuse(case, actor)
    response = log_in(client, address, password)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [REFUSED]
    assert auth.SESSION_KEY not in client.session
    # nothing else on the page tells the cases apart
    body = response.content.decode()
    for hint in ("disabled", "not hosted", "no mailbox", "locked"):
        assert hint not in body.lower()


def test_a_legacy_hash_user_notices_nothing_but_the_hash_is_upgraded(client, mailbox):
    Mailbox.objects.filter(address=ADDRESS).update(crypt=md5_crypt.hash(PASSWORD))
    response = log_in(client)
    assert response.status_code == 302 and response.url == "/account/"
    assert Mailbox.objects.get().crypt.startswith("$6$")
    assert client.get("/account/").status_code == 200
    client.post("/account/logout/")
    assert log_in(client).status_code == 302


def test_a_logged_in_owner_visiting_the_login_page_goes_to_the_account(mailbox_client):
    response = mailbox_client.get("/account/login/")
    assert response.status_code == 302 and response.url == "/account/"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/account/",
        "/\\evil.example/account/",
        "\\\\evil.example",
        "http://testserver/account/",
        "javascript:alert(1)",
        "/domains/",
        "/account/../domains/",
    ],
)
def test_next_never_leaves_the_self_service_pages(client, mailbox, target):
    response = client.post(
        "/account/login/", {"address": ADDRESS, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.url == "/account/"


def test_next_inside_the_self_service_pages_is_followed(client, mailbox):
    response = client.post(
        "/account/login/?next=/account/password/", {"address": ADDRESS, "password": PASSWORD}
    )
    assert response.url == "/account/password/"


def test_an_unsafe_next_is_not_echoed_into_the_form(client, db):
    response = client.get("/account/login/?next=https://evil.example/")
    assert b"evil.example" not in response.content


def test_the_login_form_needs_a_csrf_token(mailbox):
    browser = Client(enforce_csrf_checks=True)
    response = log_in(browser)
    assert response.status_code == 403
    assert auth.SESSION_KEY not in browser.session


def test_the_login_form_works_with_its_csrf_token(mailbox):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/account/login/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/account/login/",
        {"address": ADDRESS, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response.url == "/account/"


def test_the_password_is_not_kept_in_the_form_after_a_refusal(client, mailbox):
    response = log_in(client, ADDRESS, "Wrong-password-1")
    assert b"Wrong-password-1" not in response.content
