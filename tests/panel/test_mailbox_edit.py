from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from tests.conftest import ACTOR

URL = "/domains/mailboxes/john@example.org/"


def test_the_form_shows_the_quota_in_human_units(a_client):
    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="2G")
    assert a_client.get(URL).context["form"].initial["quota"] == "2 GB"


def test_a_domain_admin_changes_name_quota_and_the_password_lock(a_client):
    response = a_client.post(URL, {"name": "John Doe", "quota": "1.5G"})
    assert response.url == URL
    mailbox = Mailbox.objects.get(address="john@example.org")
    assert (mailbox.name, mailbox.quota, mailbox.change_password) == (
        "John Doe",
        "1610612736S",
        False,
    )
    entry = AuditEntry.objects.filter(action="update", object_id="john@example.org").first()
    assert entry.before["quota"] == "" and entry.after["quota"] == "1610612736S"


def test_an_unchanged_quota_is_not_rounded_by_its_human_form(a_client):
    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="1234567S")
    initial = a_client.get(URL).context["form"].initial["quota"]
    assert initial == "1.2 MB"
    a_client.post(URL, {"name": "Renamed", "quota": initial, "change_password": "on"})
    assert Mailbox.objects.get(address="john@example.org").quota == "1234567S"


def test_a_bad_quota_is_refused_and_nothing_changes(a_client):
    response = a_client.post(URL, {"name": "X", "quota": "lots"})
    assert "quota" in response.context["form"].errors
    assert Mailbox.objects.get(address="john@example.org").name == "John"


def test_the_page_lists_what_delivers_to_the_mailbox(a_client):
    aliases = [a.mail for a in a_client.get(URL).context["aliases"]]
    assert aliases == ["john@example.org", "@example.org", "sales@example.org"]
