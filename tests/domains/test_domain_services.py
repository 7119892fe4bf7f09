import pytest
from django.core.exceptions import ValidationError

from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from domains.models import Domain, Mailbox

PASSWORD = "Quite-a-long-pass-1"


def test_creating_a_domain_stores_it_lower_case_with_the_guide_defaults(db, actor):
    domain = services.create_domain("Example.ORG", actor=actor)
    domain.refresh_from_db()
    assert (domain.domain, domain.transport, domain.enabled) == ("example.org", "virtual:", True)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id, entry.actor) == (
        "create",
        "domain",
        "example.org",
        "tester",
    )
    assert entry.after == {"domain": "example.org", "transport": "virtual:", "enabled": True}


def test_an_international_domain_is_stored_as_punycode(db, actor):
    assert services.create_domain("bücher.example", actor=actor).domain == "xn--bcher-kva.example"


def test_a_domain_cannot_be_created_twice_whatever_its_case(db, actor):
    services.create_domain("example.org", actor=actor)
    with pytest.raises(ValidationError, match="already exists"):
        services.create_domain("EXAMPLE.org", actor=actor)
    assert Domain.objects.count() == 1
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("transport", ["", "two words", "x" * 121])
def test_a_bad_transport_is_refused(db, actor, transport):
    with pytest.raises(ValidationError, match="transport"):
        services.create_domain("example.org", actor=actor, transport=transport)
    assert not Domain.objects.exists()


def test_a_domain_can_be_disabled_and_enabled(db, actor):
    services.create_domain("example.org", actor=actor)
    services.set_domain_enabled("example.org", False, actor=actor)
    assert not Domain.objects.get().enabled
    services.set_domain_enabled("example.org", True, actor=actor)
    assert Domain.objects.get().enabled
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [
        "enable",
        "disable",
        "create",
    ]


def test_updating_the_transport_is_audited_before_and_after(db, actor):
    services.create_domain("example.org", actor=actor)
    services.update_domain("example.org", actor=actor, transport="lmtp:unix:private/dovecot-lmtp")
    entry = AuditEntry.objects.first()
    assert entry.before["transport"] == "virtual:"
    assert entry.after["transport"] == "lmtp:unix:private/dovecot-lmtp"


def test_an_unknown_domain_is_a_clear_error(db, actor):
    with pytest.raises(ValidationError, match="not hosted"):
        services.set_domain_enabled("nowhere.org", False, actor=actor)


def test_removing_a_domain_removes_its_mailboxes_and_aliases_and_says_how_many(db, actor):
    services.create_domain("example.org", actor=actor)
    services.create_domain("other.org", actor=actor)
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)
    services.create_mailbox("b@example.org", PASSWORD, actor=actor)
    services.create_mailbox("c@other.org", PASSWORD, actor=actor)
    from aliases import services as alias_services

    alias_services.create_alias("@example.org", "a@example.org", actor=actor)
    assert services.removal_preview("example.org") == services.Removed(mailboxes=2, aliases=3)

    removed = services.remove_domain("example.org", actor=actor)

    assert (removed.mailboxes, removed.aliases) == (2, 3)
    assert list(Domain.objects.values_list("domain", flat=True)) == ["other.org"]
    assert list(Mailbox.objects.values_list("address", flat=True)) == ["c@other.org"]
    assert list(Alias.objects.values_list("mail", flat=True)) == ["c@other.org"]
    assert "2 mailbox(es) and 3 alias(es)" in AuditEntry.objects.first().message


def test_removing_a_domain_is_all_or_nothing(db, actor, monkeypatch):
    services.create_domain("example.org", actor=actor)
    services.create_mailbox("a@example.org", PASSWORD, actor=actor)

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Domain, "delete", fail)
    with pytest.raises(RuntimeError):
        services.remove_domain("example.org", actor=actor)
    assert Mailbox.objects.count() == 1
    assert Alias.objects.count() == 1
    assert Domain.objects.count() == 1


def test_a_relay_domain_can_be_a_backup_mx_and_the_audit_says_so(db, actor):
    from domains.models import RelaySetting

    domain = services.create_domain(
        "relay.test", actor=actor, transport="smtp:[10.0.0.5]:25", backup_mx=True
    )
    assert services.is_backup_mx(domain)
    assert AuditEntry.objects.get().after["backup_mx"] is True
    services.update_domain("relay.test", actor=actor, transport="smtp:[10.0.0.6]:25")
    assert services.is_backup_mx(domain)  # None keeps the setting
    services.update_domain("relay.test", actor=actor, transport="virtual:")
    assert not RelaySetting.objects.exists()  # a hosted domain is no backup MX
    entry = AuditEntry.objects.filter(action="update").order_by("pk").last()
    assert entry.before["backup_mx"] is True and "backup_mx" not in entry.after


def test_a_hosted_domain_cannot_be_a_backup_mx(db, actor):
    with pytest.raises(ValidationError) as error:
        services.create_domain("example.org", actor=actor, backup_mx=True)
    assert error.value.error_list[0].code == "backup_mx_hosted"
    assert not Domain.objects.exists() and not AuditEntry.objects.exists()


def test_removing_a_relay_domain_removes_its_setting(db, actor):
    from domains.models import RelaySetting

    services.create_domain("relay.test", actor=actor, transport="smtp:[10.0.0.5]", backup_mx=True)
    services.remove_domain("relay.test", actor=actor)
    assert not RelaySetting.objects.exists()


def test_the_transport_in_words():
    assert services.describe_transport("virtual:").startswith("Hosted here")
    assert services.describe_transport("smtp:[10.0.0.5]:25", backup_mx=True) == (
        "Relay domain: mail is relayed to [10.0.0.5]:25 via smtp; any recipient is accepted "
        "(backup MX)."
    )
