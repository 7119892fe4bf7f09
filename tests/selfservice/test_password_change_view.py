import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from mailadmin import passwords
from selfservice import auth
from tests.selfservice.conftest import ADDRESS, PASSWORD, log_in

NEW = "Brand-new-secret-7"


def _change(client, current=PASSWORD, new1=NEW, new2=None):
    return client.post(
        "/account/password/",
        {"current_password": current, "new_password1": new1, "new_password2": new2 or new1},
    )


def test_the_owner_changes_the_password(mailbox_client, settings):
    settings.MAILADMIN_CRYPT_ROUNDS = 6000
    Mailbox.objects.filter(address=ADDRESS).update(clear="ChangeMe")
    response = _change(mailbox_client)
    assert response.status_code == 302 and response.url == "/account/"
    stored = Mailbox.objects.get()
    assert stored.crypt.startswith("$6$rounds=6000$")
    assert stored.clear == ""
    assert passwords.verify_password(NEW, stored.crypt).correct
    assert not passwords.verify_password(PASSWORD, stored.crypt).correct


def test_the_change_is_audited_without_the_password(mailbox_client):
    _change(mailbox_client, new1=NEW)
    entry = AuditEntry.objects.first()
    assert (entry.actor, entry.action, entry.object_id) == (ADDRESS, "password", ADDRESS)
    assert entry.message == "password changed by the user"
    assert entry.ip == "127.0.0.1"
    text = f"{entry.message} {entry.before} {entry.after}"
    assert NEW not in text and PASSWORD not in text


def test_the_session_goes_on_and_the_new_password_logs_in(mailbox_client):
    _change(mailbox_client)
    assert mailbox_client.get("/account/").status_code == 200
    mailbox_client.post("/account/logout/")
    assert log_in(mailbox_client).status_code == 200  # the old one is refused
    assert log_in(mailbox_client, password=NEW).status_code == 302


def test_other_sessions_of_the_mailbox_end(mailbox_client, mailbox):
    other = Client()
    log_in(other)
    _change(mailbox_client)
    assert other.get("/account/").status_code == 302


def test_a_wrong_current_password_is_refused_and_counted(mailbox_client):
    response = _change(mailbox_client, current="Not-the-password-1")
    assert response.status_code == 200
    assert response.context["form"].errors["current_password"] == [
        "Your current password is not correct."
    ]
    assert passwords.verify_password(PASSWORD, Mailbox.objects.get().crypt).correct
    for _ in range(4):
        _change(mailbox_client, current="Not-the-password-1")
    response = _change(mailbox_client)  # right this time, but the address is throttled
    assert response.status_code == 429
    assert passwords.verify_password(PASSWORD, Mailbox.objects.get().crypt).correct


@pytest.mark.parametrize(
    "new, message",
    [
        ("Sh0rt!", "This password is too short. It must contain at least 8 characters."),
        ("password123", "This password is too common."),
        ("83920174651", "This password is entirely numeric."),
        ("johnexample", "The password is too similar to the mail address."),
    ],
)
def test_the_password_validators_apply(mailbox_client, new, message):
    before = Mailbox.objects.get().crypt
    response = _change(mailbox_client, new1=new)
    assert response.status_code == 200
    assert message in response.context["form"].errors["new_password2"]
    assert Mailbox.objects.get().crypt == before


def test_the_two_new_passwords_must_match(mailbox_client):
    response = _change(mailbox_client, new1=NEW, new2=NEW + "x")
    assert response.context["form"].errors["new_password2"] == ["The two new passwords differ."]


def test_the_new_password_must_differ(mailbox_client):
    response = _change(mailbox_client, new1=PASSWORD)
    assert response.context["form"].errors["new_password2"] == [
        "The new password must differ from the current one."
    ]


def test_a_locked_mailbox_is_told_and_cannot_change(mailbox_client, actor):
    services.update_mailbox(ADDRESS, actor=actor, change_password=False)
    page = mailbox_client.get("/account/password/")
    assert page.status_code == 200
    assert str(auth.LOCKED_MESSAGE) in page.content.decode()
    assert b'name="new_password1"' not in page.content
    before = Mailbox.objects.get().crypt
    response = _change(mailbox_client)
    assert response.status_code == 403
    assert str(auth.LOCKED_MESSAGE) in response.content.decode()
    assert Mailbox.objects.get().crypt == before
    assert "Locked by your postmaster" in mailbox_client.get("/account/").content.decode()


def test_the_lock_is_checked_again_when_writing(mailbox, actor):
    services.update_mailbox(ADDRESS, actor=actor, change_password=False)
    with pytest.raises(ValidationError, match="locked"):
        auth.change_own_password(ADDRESS, PASSWORD, NEW, actor=actor)


def test_changing_needs_a_mailbox_login(client, mailbox):
    response = _change(client)
    assert response.status_code == 302
    assert response.url == "/account/login/?next=/account/password/"
    assert passwords.verify_password(PASSWORD, Mailbox.objects.get().crypt).correct


def test_the_change_needs_a_csrf_token(mailbox):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/account/login/")
    token = browser.cookies["csrftoken"].value
    browser.post(
        "/account/login/",
        {"address": ADDRESS, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert browser.get("/account/").status_code == 200
    response = _change(browser)
    assert response.status_code == 403
    assert passwords.verify_password(PASSWORD, Mailbox.objects.get().crypt).correct
