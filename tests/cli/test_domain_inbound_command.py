"""`mail domain remove|disable` say what other domains deliver into the domain."""

import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from tests.cli.test_mail_command import mail


@pytest.fixture
def inbound(db):
    mail("domain", "add", "gone.org")
    mail("domain", "add", "stay.org")
    mail("alias", "add", "fwd@stay.org", "ann@gone.org")
    mail("alias", "add", "two@stay.org", "ann@gone.org,x@else.net")


def test_remove_keeps_them_by_default_and_prints_them(inbound):
    out = mail("domain", "remove", "gone.org")
    assert out.splitlines()[0] == "Domain gone.org removed with 0 mailbox(es) and 0 alias(es)."
    assert "2 alias(es) of other domains deliver into it, kept" in out
    assert "  fwd@stay.org → ann@gone.org" in out
    assert Alias.objects.filter(mail__in=["fwd@stay.org", "two@stay.org"]).count() == 2


def test_remove_inbound_drops_them_in_the_same_change(inbound):
    out = mail("domain", "remove", "gone.org", "--remove-inbound")
    assert "removed from their destinations" in out
    assert not Alias.objects.filter(mail="fwd@stay.org").exists()
    assert Alias.objects.get(mail="two@stay.org").destination == "x@else.net"
    entry = AuditEntry.objects.get(action="remove", object_type="domain")
    assert "removed 2 alias(es) of other domains" in entry.message


def test_keep_inbound_is_the_explicit_default(inbound):
    assert "kept" in mail("domain", "remove", "gone.org", "--keep-inbound")
    assert Alias.objects.filter(mail="fwd@stay.org").exists()


def test_disable_prints_what_is_now_relayed_out(inbound):
    out = mail("domain", "disable", "gone.org")
    assert "2 alias(es) of other domains deliver into it, now relayed out" in out


def test_without_inbound_rows_the_output_is_as_before(db):
    mail("domain", "add", "alone.org")
    assert mail("domain", "remove", "alone.org") == (
        "Domain alone.org removed with 0 mailbox(es) and 0 alias(es).\n"
    )
