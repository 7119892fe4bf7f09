import pytest
from django.core.exceptions import ValidationError

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Mailbox
from mailadmin import passwords

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def example(db, actor):
    services.create_domain("example.org", actor=actor)


def test_a_mailbox_gets_its_maildir_ids_hash_and_self_alias(example, actor, settings):
    mailbox = services.create_mailbox(
        "John.Doe@Example.org", PASSWORD, actor=actor, name="John", quota_text="500M"
    )
    mailbox = Mailbox.objects.get(pk="john.doe@example.org")
    assert mailbox.maildir == "example.org/john.doe/"
    assert mailbox.home == settings.MAILADMIN_MAIL_HOME
    assert (mailbox.uid, mailbox.gid) == (5000, 5000)
    assert mailbox.clear == ""
    assert mailbox.crypt.startswith("$6$")
    assert passwords.verify_password(PASSWORD, mailbox.crypt)
    assert mailbox.quota == "524288000S"
    assert mailbox.enabled and mailbox.change_password
    assert mailbox.domain_name == "example.org"
    alias = Alias.objects.get()
    assert (alias.mail, alias.destination, alias.enabled) == (mailbox.address,) * 2 + (True,)
    entry = AuditEntry.objects.first()
    assert entry.action == "create" and entry.object_id == "john.doe@example.org"
    assert PASSWORD not in str(entry.after) and mailbox.crypt not in str(entry.after)


def test_a_mailbox_needs_a_hosted_domain(db, actor):
    with pytest.raises(ValidationError, match="not hosted"):
        services.create_mailbox("a@nowhere.org", PASSWORD, actor=actor)
    assert not Mailbox.objects.exists()


def test_a_mailbox_cannot_be_created_twice(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    with pytest.raises(ValidationError, match="already exists"):
        services.create_mailbox("A@EXAMPLE.ORG", PASSWORD, actor=actor)


def test_a_mailbox_cannot_take_over_an_existing_forward(example, actor):
    alias_services.create_alias("sales@example.org", "x@elsewhere.net", actor=actor)
    with pytest.raises(ValidationError, match="already an alias"):
        services.create_mailbox("sales@example.org", PASSWORD, actor=actor)
    assert not Mailbox.objects.exists()


@pytest.mark.parametrize("password", ["", "short", "12345678901", "password123", "example.org"])
def test_weak_passwords_are_refused(example, actor, password):
    with pytest.raises(ValidationError):
        services.create_mailbox("john@example.org", password, actor=actor)
    assert not Mailbox.objects.exists()


def test_a_password_similar_to_the_address_is_refused(example, actor):
    with pytest.raises(ValidationError, match="similar"):
        services.create_mailbox("johnathan@example.org", "johnathan1", actor=actor)


def test_a_bad_quota_is_refused_and_nothing_is_written(example, actor):
    with pytest.raises(ValidationError, match="quota"):
        services.create_mailbox("a@example.org", PASSWORD, actor=actor, quota_text="10 lots")
    assert not Mailbox.objects.exists() and not Alias.objects.exists()


def test_an_address_too_long_for_the_alias_column_is_refused(example, actor):
    with pytest.raises(ValidationError, match="too long"):
        services.create_mailbox("a" * 64 + "@" + "b" * 50 + ".example.org", PASSWORD, actor=actor)


def test_creating_a_mailbox_is_all_or_nothing(example, actor, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Alias.objects, "create", fail)
    with pytest.raises(RuntimeError):
        services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    assert not Mailbox.objects.exists()
    assert not AuditEntry.objects.filter(object_type="mailbox").exists()


def test_setting_a_password_rehashes_and_empties_clear(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    Mailbox.objects.filter(pk="a@example.org").update(clear="ChangeMe", crypt="sdtrusfX0Jj66")
    services.set_mailbox_password("a@example.org", "Another-long-pass-2", actor=actor)
    mailbox = Mailbox.objects.get()
    assert mailbox.clear == ""
    assert passwords.verify_password("Another-long-pass-2", mailbox.crypt)
    assert not passwords.verify_password("ChangeMe", mailbox.crypt)
    entry = AuditEntry.objects.first()
    assert entry.action == "password" and "Another" not in str(entry.__dict__)


def test_disabling_a_mailbox_disables_its_self_alias_too(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.set_mailbox_enabled("a@example.org", False, actor=actor)
    assert not Mailbox.objects.get().enabled
    assert not Alias.objects.get(mail="a@example.org").enabled
    services.set_mailbox_enabled("a@example.org", True, actor=actor)
    assert Mailbox.objects.get().enabled
    assert Alias.objects.get(mail="a@example.org").enabled


def test_disabling_leaves_a_forward_row_of_the_mailbox_alone(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    alias_services.replace_alias("a@example.org", "a@example.org,b@else.net", actor=actor)
    services.set_mailbox_enabled("a@example.org", False, actor=actor)
    assert Alias.objects.get(mail="a@example.org").enabled


def test_updating_name_quota_and_lock(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.update_mailbox(
        "a@example.org", actor=actor, name="Ann", quota_text="1G,100C", change_password=False
    )
    mailbox = Mailbox.objects.get()
    assert (mailbox.name, mailbox.quota, mailbox.change_password) == (
        "Ann",
        "1073741824S,100C",
        False,
    )
    assert AuditEntry.objects.first().before["quota"] == ""


def test_removing_a_mailbox_takes_its_aliases_and_drops_it_from_lists(example, actor):
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.create_mailbox("b@example.org", PASSWORD, actor=actor)
    alias_services.create_alias("@example.org", "a@example.org", actor=actor)
    alias_services.create_alias("team@example.org", "a@example.org,b@example.org", actor=actor)
    alias_services.create_alias("aa@example.org", "aa.a@example.org", actor=actor)

    removed = services.remove_mailbox("a@example.org", actor=actor)

    assert (removed.aliases, removed.destinations_dropped) == (2, 2)
    assert not Mailbox.objects.filter(pk="a@example.org").exists()
    assert dict(Alias.objects.values_list("mail", "destination")) == {
        "b@example.org": "b@example.org",
        "team@example.org": "b@example.org",
        "aa@example.org": "aa.a@example.org",
    }


def test_an_unknown_mailbox_is_a_clear_error(example, actor):
    with pytest.raises(ValidationError, match="no mailbox"):
        services.remove_mailbox("ghost@example.org", actor=actor)


def _measured(address):
    from django.utils import timezone

    from usage.models import MailboxUsage

    MailboxUsage.objects.create(
        mailbox_id=address, bytes=5, messages=1, source="walk", measured_at=timezone.now()
    )


def test_a_mailbox_made_again_under_a_removed_address_starts_unmeasured(example, actor):
    from usage.models import MailboxUsage

    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.create_mailbox("b@example.org", PASSWORD, actor=actor)
    _measured("a@example.org")
    _measured("b@example.org")

    services.remove_mailbox("a@example.org", actor=actor)
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)

    assert list(MailboxUsage.objects.values_list("mailbox_id", flat=True)) == ["b@example.org"]


def test_removing_a_domain_drops_the_usage_of_its_mailboxes_only(example, actor):
    from usage.models import MailboxUsage

    services.create_domain("other.org", actor=actor)
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.create_mailbox("c@other.org", PASSWORD, actor=actor)
    _measured("a@example.org")
    _measured("c@other.org")

    services.remove_domain("example.org", actor=actor)

    assert list(MailboxUsage.objects.values_list("mailbox_id", flat=True)) == ["c@other.org"]
