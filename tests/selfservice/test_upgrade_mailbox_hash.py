from passlib.hash import md5_crypt

from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from tests.selfservice.conftest import ADDRESS, PASSWORD


def test_it_rewrites_a_legacy_hash_and_records_it_without_the_password(mailbox, actor):
    Mailbox.objects.filter(address=ADDRESS).update(crypt=md5_crypt.hash("1234"))
    assert services.upgrade_mailbox_hash(ADDRESS, "1234", actor=actor) is True
    stored = Mailbox.objects.get()
    assert stored.crypt.startswith("$6$")
    entry = AuditEntry.objects.first()
    assert entry.message == "hash upgraded from md5_crypt at login"
    assert "1234" not in entry.message


def test_it_writes_nothing_when_the_password_does_not_match(mailbox, actor):
    legacy = md5_crypt.hash(PASSWORD)
    Mailbox.objects.filter(address=ADDRESS).update(crypt=legacy)
    count = AuditEntry.objects.count()
    assert services.upgrade_mailbox_hash(ADDRESS, "not-it", actor=actor) is False
    assert Mailbox.objects.get().crypt == legacy
    assert AuditEntry.objects.count() == count


def test_it_writes_nothing_when_the_hash_is_already_strong(mailbox, actor):
    before = Mailbox.objects.get().crypt
    assert services.upgrade_mailbox_hash(ADDRESS, PASSWORD, actor=actor) is False
    assert Mailbox.objects.get().crypt == before
