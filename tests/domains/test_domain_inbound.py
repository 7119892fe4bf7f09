"""Removing or disabling a domain: the rows of other domains that deliver into it."""

import pytest
from django.core.exceptions import ValidationError

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def two_domains(db, actor):
    """gone.org is about to go; rows of stay.org and alias.org deliver into it."""
    for name in ("gone.org", "stay.org", "alias.org", "gone.org.uk"):
        services.create_domain(name, actor=actor)
    services.create_mailbox("ann@gone.org", PASSWORD, actor=actor)
    services.create_mailbox("bob@stay.org", PASSWORD, actor=actor)
    alias_services.create_alias("both@stay.org", "bob@stay.org,ann@gone.org", actor=actor)
    alias_services.create_alias("only@stay.org", "ann@gone.org", actor=actor)
    alias_services.create_alias("@alias.org", "@gone.org", actor=actor)
    # Look-alikes that do not deliver into gone.org:
    alias_services.create_alias("uk@stay.org", "x@gone.org.uk", actor=actor)
    alias_services.create_alias("self@gone.org", "ann@gone.org", actor=actor)


INBOUND = ["@alias.org", "both@stay.org", "only@stay.org"]


def test_the_preview_counts_and_lists_rows_of_other_domains_delivering_into_it(two_domains):
    preview = services.removal_preview("gone.org")
    assert (preview.mailboxes, preview.aliases, preview.inbound) == (1, 2, 3)
    assert [a.mail for a in preview.inbound_rows] == INBOUND


def test_removing_keeps_them_by_default_and_the_history_names_them(two_domains, actor):
    removed = services.remove_domain("gone.org", actor=actor)
    assert (removed.inbound, removed.inbound_removed) == (3, False)
    assert Alias.objects.get(mail="only@stay.org").destination == "ann@gone.org"
    entry = AuditEntry.objects.get(action="remove", object_type="domain")
    assert "kept 3 alias(es) of other domains delivering into it: @alias.org" in entry.message
    assert [row["mail"] for row in entry.after["inbound_kept"]] == INBOUND


def test_removing_them_too_drops_the_domain_from_their_destinations(two_domains, actor):
    removed = services.remove_domain("gone.org", actor=actor, inbound="remove")
    assert removed.inbound_removed
    assert Alias.objects.get(mail="both@stay.org").destination == "bob@stay.org"
    assert not Alias.objects.filter(mail__in=["only@stay.org", "@alias.org"]).exists()
    assert Alias.objects.get(mail="uk@stay.org").destination == "x@gone.org.uk"
    entry = AuditEntry.objects.get(action="remove", object_type="domain")
    assert "removed 3 alias(es) of other domains" in entry.message
    # Each changed row has its own entry, seen in its own domain's history.
    assert AuditEntry.objects.get(action="update", object_id="both@stay.org").domain == "stay.org"
    assert AuditEntry.objects.filter(action="remove", object_type="alias").count() == 2


def test_an_unknown_inbound_choice_writes_nothing(two_domains, actor):
    with pytest.raises(ValidationError):
        services.remove_domain("gone.org", actor=actor, inbound="maybe")
    assert services.get_domain("gone.org")


def test_disabling_names_what_still_delivers_into_it(two_domains, actor):
    services.set_domain_enabled("gone.org", False, actor=actor)
    entry = AuditEntry.objects.get(action="disable")
    assert entry.message.startswith("left 3 alias(es) of other domains delivering into it")


def test_a_kept_domain_alias_into_a_removed_domain_is_noted_by_mail_check(two_domains, actor):
    from audit.findings.kinds import INFO
    from audit.findings.report import run_checks

    def notes():
        return {
            (f.level, f.object_id)
            for f in run_checks().findings
            if f.kind == "dead-end" and "not hosted here" in f.message
        }

    assert notes() == set()
    services.remove_domain("gone.org", actor=actor)
    assert notes() == {(INFO, "@alias.org")}
