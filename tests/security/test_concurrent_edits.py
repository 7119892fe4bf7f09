"""Two admins editing the same mailbox or alias at once: the second save is refused.

Each edit form carries a fingerprint of the row as it was loaded; the service compares it
under SELECT ... FOR UPDATE, so the check and the write cannot interleave with another save.
"""

import threading

import pytest
from django.db import connection

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from tests.conftest import ACTOR
from tests.panel.conftest import MAIL_PASSWORD

MAILBOX = "/domains/mailboxes/john@example.org/"
ALIAS = "/aliases/sales@example.org/"
STALE = "was changed by someone else since you opened it"


def opened(client, url) -> dict:
    """What the browser would post back: the form's initial values, fingerprint included."""
    form = client.get(url).context["form"]
    return {name: form[name].value() for name in form.fields if form[name].value() is not None}


def test_the_second_of_two_mailbox_edits_is_refused(su_client, a_client):
    first, second = opened(su_client, MAILBOX), opened(a_client, MAILBOX)
    assert first["fingerprint"] == second["fingerprint"]
    assert su_client.post(MAILBOX, {**first, "name": "John Smith"}).status_code == 302
    response = a_client.post(MAILBOX, {**second, "quota": "2G"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    mailbox = Mailbox.objects.get(address="john@example.org")
    assert (mailbox.name, mailbox.quota) == ("John Smith", "")
    assert AuditEntry.objects.filter(action="update", object_type="mailbox").count() == 1


def test_after_a_reload_the_second_admin_saves(su_client, a_client):
    su_client.post(MAILBOX, {**opened(su_client, MAILBOX), "name": "John Smith"})
    assert a_client.post(MAILBOX, {**opened(a_client, MAILBOX), "quota": "2G"}).status_code == 302
    mailbox = Mailbox.objects.get(address="john@example.org")
    assert (mailbox.name, mailbox.quota) == ("John Smith", "2147483648S")


def test_a_change_the_form_does_not_write_does_not_block_it(su_client, a_client):
    data = opened(a_client, MAILBOX)
    su_client.post(
        "/domains/mailboxes/john@example.org/password/",
        {"password1": "Another-Secret-99", "password2": "Another-Secret-99"},
    )
    su_client.post("/domains/mailboxes/john@example.org/disable/")
    assert a_client.post(MAILBOX, {**data, "name": "J."}).status_code == 302


def test_the_second_of_two_alias_edits_is_refused(su_client, a_client):
    first, second = opened(su_client, ALIAS), opened(a_client, ALIAS)
    assert su_client.post(ALIAS, {**first, "destinations": "x@gmail.com"}).status_code == 302
    response = a_client.post(ALIAS, {**second, "destinations": "y@gmail.com"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert Alias.objects.get(mail="sales@example.org").destination == "x@gmail.com"


def test_a_mailbox_row_forward_is_protected_the_same_way(su_client, a_client):
    url = "/aliases/john@example.org/"
    first, second = opened(su_client, url), opened(a_client, url)
    su_client.post(url, {**first, "destinations": "x@gmail.com", "keep_copy": "on"})
    response = a_client.post(url, {**second, "destinations": "y@gmail.com"})
    assert STALE in response.content.decode()
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org,x@gmail.com"


def test_the_services_refuse_a_stale_fingerprint_and_write_nothing(mail_data, actor):
    mailbox = services.get_mailbox("john@example.org")
    stale = services.mailbox_fingerprint(mailbox)
    services.update_mailbox("john@example.org", actor=actor, name="Changed")
    entries = AuditEntry.objects.count()
    with pytest.raises(Exception, match=STALE):
        services.update_mailbox("john@example.org", actor=actor, quota_text="1G", expected=stale)
    assert Mailbox.objects.get(address="john@example.org").quota == ""
    alias = alias_services.get_alias("sales@example.org")
    stale = alias_services.alias_fingerprint(alias)
    alias_services.replace_alias("sales@example.org", "a@gmail.com", actor=actor)
    with pytest.raises(Exception, match=STALE):
        alias_services.replace_alias(
            "sales@example.org", "b@gmail.com", actor=actor, expected=stale
        )
    assert Alias.objects.get(mail="sales@example.org").destination == "a@gmail.com"
    assert AuditEntry.objects.count() == entries + 1


def test_without_a_fingerprint_the_services_keep_their_old_behaviour(mail_data, actor):
    services.update_mailbox("john@example.org", actor=actor, name="A")
    services.update_mailbox("john@example.org", actor=actor, name="B")
    assert Mailbox.objects.get(address="john@example.org").name == "B"


@pytest.mark.mariadb
@pytest.mark.django_db(transaction=True)
def test_two_saves_racing_on_mariadb_cannot_both_win(monkeypatch):
    """The first save holds the row lock; the second waits for it, then sees the change."""
    services.create_domain("example.org", actor=ACTOR)
    services.create_mailbox("john@example.org", MAIL_PASSWORD, actor=ACTOR)
    loaded = services.mailbox_fingerprint(services.get_mailbox("john@example.org"))
    locked, release = threading.Event(), threading.Event()
    original_record = services.record

    def slow_record(*args, **kwargs):
        if threading.current_thread().name == "first":
            locked.set()
            release.wait(10)
        return original_record(*args, **kwargs)

    monkeypatch.setattr(services, "record", slow_record)
    results = {}

    def save(name: str) -> None:
        try:
            services.update_mailbox("john@example.org", actor=ACTOR, name=name, expected=loaded)
            results[name] = "saved"
        except Exception as error:
            results[name] = str(error)
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first",), name="first")
    second = threading.Thread(target=save, args=("second",), name="second")
    first.start()
    assert locked.wait(10)
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the row lock
    release.set()
    first.join(10)
    second.join(10)
    assert results["first"] == "saved"
    assert STALE in results["second"]
    assert Mailbox.objects.get(address="john@example.org").name == "first"
