"""Weak passwords are refused wherever a password is set, and nothing is written.

Django's validators (length, common passwords, all digits, similarity to the address or
name) run for mail passwords (panel, self-service, command line, import) and staff ones.
"""

import io
import sys

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from bulk.importer import import_csv
from domains.models import Mailbox
from tests.conftest import ACTOR
from tests.security.conftest import MAIL_PASSWORD, mailbox_client, snapshot

WEAK = {
    "too short": "Ab1-x",
    "common": "password",
    "common, capitalised": "Password1",
    "all digits": "4815162342",
    "the local part": "johnjohn",
    "the address": "john@example.org",
    "the name": "John1234",
    "empty": "",
    "spaces only": "        ",
    "one character repeated": "aaaaaaaaaaaa",
    "two characters": "abababababab",
}


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_the_panel_refuses_a_weak_mailbox_password(su_client, password):
    before = snapshot()
    response = su_client.post(
        "/domains/mailboxes/john@example.org/password/",
        {"password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_the_panel_refuses_a_weak_password_for_a_new_mailbox(su_client, password):
    response = su_client.post(
        "/domains/example.org/mailboxes/add/",
        {"local_part": "john2", "name": "John", "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert not Mailbox.objects.filter(address="john2@example.org").exists()


@pytest.mark.parametrize("password", WEAK.values(), ids=WEAK.keys())
def test_self_service_refuses_a_weak_new_password(mail_data, password):
    client = mailbox_client()
    before = Mailbox.objects.get(address="john@example.org").crypt
    response = client.post(
        "/account/password/",
        {"current_password": MAIL_PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert Mailbox.objects.get(address="john@example.org").crypt == before


@pytest.mark.parametrize(
    "password",
    [p for p in WEAK.values() if p.strip()],
    ids=[k for k, p in WEAK.items() if p.strip()],
)
def test_the_command_line_refuses_a_weak_password(mail_data, monkeypatch, password):
    before = Mailbox.objects.get(address="john@example.org").crypt
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError) as error:
        call_command("mail", "mailbox", "passwd", "john@example.org", "--password-stdin")
    assert error.value.returncode == 1
    assert Mailbox.objects.get(address="john@example.org").crypt == before


@pytest.mark.parametrize("password", ["password", "12345678", "Ab1-x", "newbie@example.org"])
def test_the_import_refuses_a_weak_password(mail_data, password):
    text = f"kind,address,name,password\nmailbox,newbie@example.org,,{password}\n"
    report = import_csv(io.StringIO(text), actor=ACTOR, source="t.csv")
    assert not report.ok
    assert not Mailbox.objects.filter(address="newbie@example.org").exists()


@pytest.mark.parametrize("password", ["password", "12345678", "Ab1-x", "carol123", "          "])
def test_staff_passwords_are_checked_too(su_client, admin_a, password):
    before = snapshot()
    su_client.post(
        "/admins/add/", {"username": "carol", "password1": password, "password2": password}
    )
    su_client.post(
        f"/admins/{admin_a.pk}/password/", {"password1": password, "password2": password}
    )
    assert not User.objects.filter(username="carol").exists()
    assert snapshot() == before
