from audit.models import AuditEntry
from domains.models import Mailbox
from mailadmin import passwords

URL = "/domains/mailboxes/john@example.org/password/"
NEW = "Brand-New-Secret-31"


def test_staff_sets_a_new_strong_password(a_client):
    response = a_client.post(URL, {"password1": NEW, "password2": NEW})
    assert response.url == "/domains/mailboxes/john@example.org/"
    mailbox = Mailbox.objects.get(address="john@example.org")
    assert mailbox.crypt.startswith("$6$")
    assert passwords.verify_password(NEW, mailbox.crypt).correct
    entry = AuditEntry.objects.get(action="password", object_id="john@example.org")
    assert entry.message == "password set by staff"
    assert NEW not in str(entry.before) + str(entry.after) + entry.message


def test_a_weak_password_is_refused(a_client):
    before = Mailbox.objects.get(address="john@example.org").crypt
    response = a_client.post(URL, {"password1": "12345678", "password2": "12345678"})
    assert "password1" in response.context["form"].errors
    assert Mailbox.objects.get(address="john@example.org").crypt == before


def test_the_password_is_never_echoed_back(a_client):
    response = a_client.post(URL, {"password1": NEW, "password2": NEW + "x"})
    assert NEW not in response.content.decode()
