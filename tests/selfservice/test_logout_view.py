from django.contrib.auth import SESSION_KEY as STAFF_SESSION_KEY
from django.contrib.auth.models import User
from django.test import Client

from selfservice import auth
from tests.selfservice.conftest import ADDRESS, PASSWORD, log_in


def test_logging_out_ends_the_mailbox_session(mailbox_client):
    response = mailbox_client.post("/account/logout/")
    assert response.status_code == 302 and response.url == "/account/login/"
    assert auth.SESSION_KEY not in mailbox_client.session
    assert mailbox_client.get("/account/").status_code == 302


def test_logging_out_needs_a_post(mailbox_client):
    assert mailbox_client.get("/account/logout/").status_code == 405
    assert mailbox_client.get("/account/").status_code == 200


def test_logging_out_needs_a_csrf_token(mailbox):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/account/login/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        "/account/login/", {"address": ADDRESS, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert browser.post("/account/logout/").status_code == 403
    assert browser.get("/account/").status_code == 200


def test_a_staff_login_in_the_same_browser_survives(client, mailbox):
    User.objects.create_superuser("boss", password="Boss-password-1")
    client.force_login(User.objects.get(username="boss"))
    log_in(client)
    client.post("/account/logout/")
    assert STAFF_SESSION_KEY in client.session
    assert auth.SESSION_KEY not in client.session


def test_the_session_key_changes_at_logout(mailbox_client):
    before = mailbox_client.session.session_key
    mailbox_client.post("/account/logout/")
    assert mailbox_client.session.session_key != before
