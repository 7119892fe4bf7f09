import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Mailbox
from mailadmin import passwords
from tests.panel.conftest import MAIL_PASSWORD

URL = "/domains/example.org/mailboxes/add/"


def post(client, **data):
    fields = {
        "local_part": "anna",
        "name": "Anna",
        "password1": MAIL_PASSWORD,
        "password2": MAIL_PASSWORD,
        "quota": "",
        "enabled": "on",
        "change_password": "on",
    }
    return client.post(URL, fields | data)


def errors(response) -> dict:
    assert response.status_code == 200
    return response.context["form"].errors


def test_a_domain_admin_adds_a_mailbox_with_a_quota_in_human_units(a_client):
    response = post(a_client, quota="500 MB")
    assert response.url == "/domains/example.org/"
    mailbox = Mailbox.objects.get(address="anna@example.org")
    assert mailbox.quota == "524288000S"
    assert mailbox.maildir == "example.org/anna/"
    assert mailbox.clear == ""
    assert passwords.verify_password(MAIL_PASSWORD, mailbox.crypt).correct
    assert Alias.objects.get(mail="anna@example.org").destination == "anna@example.org"
    entry = AuditEntry.objects.get(action="create", object_id="anna@example.org")
    assert entry.actor == "alice"
    assert MAIL_PASSWORD not in str(entry.after)
    assert "Mailbox anna@example.org created." in a_client.get(response.url).content.decode()


def test_the_two_passwords_must_match(a_client):
    assert "password2" in errors(post(a_client, password2="Something-else-12"))
    assert not Mailbox.objects.filter(address="anna@example.org").exists()


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("84736251947362", "entirely numeric"),
        ("anna@example.org", "too similar"),
    ],
)
def test_django_password_validators_apply_to_mail_passwords(a_client, password, reason):
    messages = errors(post(a_client, password1=password, password2=password))["password1"]
    assert any(reason in m for m in messages)
    assert not Mailbox.objects.filter(address="anna@example.org").exists()


def test_a_duplicate_address_is_refused_beside_the_address(a_client):
    assert errors(post(a_client, local_part="John")) == {
        "local_part": ["Mailbox john@example.org already exists."]
    }


def test_an_address_that_is_already_an_alias_is_refused(a_client):
    message = errors(post(a_client, local_part="sales"))["local_part"][0]
    assert "already an alias" in message


@pytest.mark.parametrize("local_part", ["a b", "x" * 110, "anna@other.org", "<script>", ""])
def test_a_malformed_or_too_long_address_is_refused(a_client, local_part):
    assert "local_part" in errors(post(a_client, local_part=local_part))
    assert Mailbox.objects.filter(domain_name="example.org").count() == 1


@pytest.mark.parametrize("quota", ["10 parsecs", "-5M", "9" * 70, "1e9", "500M,500M"])
def test_a_hostile_quota_is_refused(a_client, quota):
    assert "quota" in errors(post(a_client, quota=quota))


def test_markup_in_the_name_is_shown_as_text(a_client):
    post(a_client, name="<script>alert(1)</script>")
    html = a_client.get("/domains/example.org/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
