"""Forwarding a mailbox: its own alias row, rewritten only by the explicit service."""

import pytest
from django.core.exceptions import ValidationError

from aliases import services
from aliases.models import Alias
from audit.models import AuditEntry
from domains import services as domain_services

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def ann(db, actor):
    domain_services.create_domain("example.org", actor=actor)
    domain_services.create_mailbox("ann@example.org", PASSWORD, actor=actor)


def own_row() -> str:
    return Alias.objects.get(mail="ann@example.org").destination


def test_forwarding_keeps_a_copy_by_default(ann, actor):
    services.forward_mailbox("Ann@example.org", "a@gmail.com, b@gmail.com", actor=actor)
    assert own_row() == "ann@example.org,a@gmail.com,b@gmail.com"
    entry = AuditEntry.objects.get(action="forward")
    assert entry.object_type == "mailbox" and entry.object_id == "ann@example.org"
    assert entry.message == "forwarded to a@gmail.com, b@gmail.com, copy kept"
    assert entry.before["destination"] == "ann@example.org"


def test_forwarding_without_a_copy_is_said_in_the_history(ann, actor):
    services.forward_mailbox("ann@example.org", "a@gmail.com", actor=actor, keep_copy=False)
    assert own_row() == "a@gmail.com"
    assert AuditEntry.objects.get(action="forward").message.endswith("no local copy")


def test_stopping_the_forward_restores_the_self_alias(ann, actor):
    services.forward_mailbox("ann@example.org", "a@gmail.com", actor=actor, keep_copy=False)
    services.stop_forwarding_mailbox("ann@example.org", actor=actor)
    assert own_row() == "ann@example.org"
    assert AuditEntry.objects.get(action="unforward").after["destination"] == "ann@example.org"


def test_a_forward_with_neither_destination_nor_copy_is_refused(ann, actor):
    with pytest.raises(ValidationError, match="keep a copy"):
        services.forward_mailbox("ann@example.org", "", actor=actor, keep_copy=False)
    assert own_row() == "ann@example.org"


def test_a_mailbox_is_not_forwarded_to_a_domain(ann, actor):
    with pytest.raises(ValidationError, match="not to a domain"):
        services.forward_mailbox("ann@example.org", "@example.org", actor=actor)


def test_only_a_mailbox_is_forwarded_as_one(ann, actor):
    with pytest.raises(ValidationError, match="no mailbox"):
        services.forward_mailbox("bob@example.org", "a@gmail.com", actor=actor)


def test_a_mailbox_without_its_own_row_gets_one(ann, actor):
    Alias.objects.filter(mail="ann@example.org").delete()
    services.forward_mailbox("ann@example.org", "a@gmail.com", actor=actor)
    assert own_row() == "ann@example.org,a@gmail.com"


def test_replacing_a_mailbox_row_without_the_mailbox_is_refused(ann, actor):
    with pytest.raises(ValidationError, match="is a mailbox") as error:
        services.replace_alias("ann@example.org", "a@gmail.com", actor=actor)
    assert error.value.error_list[0].code == "mailbox_forward"
    assert own_row() == "ann@example.org"


def test_replacing_a_mailbox_row_that_keeps_the_mailbox_still_works(ann, actor):
    services.replace_alias("ann@example.org", "ann@example.org,a@gmail.com", actor=actor)
    assert own_row() == "ann@example.org,a@gmail.com"


def test_an_alias_row_for_a_mailbox_without_one_must_deliver_to_it(ann, actor):
    Alias.objects.filter(mail="ann@example.org").delete()
    with pytest.raises(ValidationError, match="is a mailbox"):
        services.create_alias("ann@example.org", "a@gmail.com", actor=actor)
    assert not Alias.objects.filter(mail="ann@example.org").exists()


def test_the_delivery_of_a_mailbox_is_read_from_its_own_row():
    of = services.MailboxDelivery.of
    assert of("ann@x.org", "ann@x.org").summary == ""
    assert of("ann@x.org", None).keeps_copy
    assert of("ann@x.org", "ann@x.org,b@y.org").summary == "forwarded to b@y.org, copy kept"
    assert of("ann@x.org", "joann@x.org").summary == "forwarded to joann@x.org, no local copy"


def test_mail_check_notes_a_mailbox_that_receives_nothing(ann, actor):
    from audit.findings.kinds import INFO
    from audit.findings.report import run_checks

    def noted():
        return [f for f in run_checks().findings if f.kind == "receives-nothing"]

    services.forward_mailbox("ann@example.org", "a@gmail.com", actor=actor)
    assert noted() == []  # a copy is kept
    services.forward_mailbox("ann@example.org", "a@gmail.com", actor=actor, keep_copy=False)
    (finding,) = noted()
    assert (finding.level, finding.object_id) == (INFO, "ann@example.org")
    assert "receives nothing" in finding.message and "a@gmail.com" in finding.message
    assert finding.link == "/domains/mailboxes/ann@example.org/forward/"
    assert run_checks(["other.org"]).findings == []  # a domain admin of another domain
    domain_services.set_mailbox_enabled("ann@example.org", False, actor=actor)
    assert noted() == []  # a disabled mailbox has findings of its own
