"""`mail domain limits NAME ...` and the creating verbs held to the limits."""

import json

import pytest

from audit.models import AuditEntry
from domains.models import Mailbox
from limits.services import limits_of
from tests.cli.test_mail_command import fails, mail
from tests.limits.conftest import PASSWORD


def add_mailbox(monkeypatch, address, *extra):
    return mail(
        "mailbox",
        "add",
        address,
        "--password-stdin",
        *extra,
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )


def test_without_options_it_shows_the_limits_and_the_use(limited):
    out = mail("domain", "limits", "example.org")
    assert "example.org: 1 / 2 mailboxes" in out
    assert "example.org: 1 / 1 aliases" in out
    assert "example.org: at most 1 GB per mailbox" in out
    assert "example.org: 500 MB of 1.5 GB allocated" in out
    row = json.loads(mail("domain", "limits", "example.org", "--json"))
    assert row["mailboxes"] == 2 and row["total_quota"] == 1536 * 1024**2
    assert row["use"] == {
        "mailboxes": 1,
        "aliases": 1,
        "allocated_bytes": 500 * 1024**2,
        "mailboxes_without_quota": 0,
    }
    assert row["over"] == []


def test_it_sets_limits_with_exactly_the_documented_options(limited):
    mail(
        "domain",
        "limits",
        "example.org",
        "--mailboxes",
        "50",
        "--aliases",
        "200",
        "--max-quota",
        "2G",
        "--total-quota",
        "100G",
        "--default-quota",
        "1G",
    )
    limits = limits_of("example.org")
    assert (limits.mailboxes, limits.aliases) == (50, 200)
    assert (limits.max_quota, limits.total_quota) == (2 * 1024**3, 100 * 1024**3)
    assert limits.default_quota == f"{1024**3}S"
    assert AuditEntry.objects.filter(action="limits", object_id="example.org").count() == 2


def test_lowering_below_the_use_is_reported(limited):
    out = mail("domain", "limits", "example.org", "--mailboxes", "0")
    assert "1 / 0 mailboxes — over the limit" in out
    assert Mailbox.objects.count() == 1


def test_bad_input_is_exit_1_and_changes_nothing(limited):
    fails("domain", "limits", "example.org", "--mailboxes", "many", match="whole number")
    fails("domain", "limits", "nowhere.org", match="Domain nowhere.org is not hosted here")
    assert limits_of("example.org").mailboxes == 2


def test_a_mailbox_past_the_limit_is_refused_and_passes_with_over_limit(limited, monkeypatch):
    add_mailbox(monkeypatch, "b@example.org", "--quota", "500M")  # at the limit
    with pytest.raises(Exception, match=r"allows 2 mailboxes and has 2") as error:
        add_mailbox(monkeypatch, "c@example.org", "--quota", "1M")
    assert error.value.returncode == 1
    assert not Mailbox.objects.filter(address="c@example.org").exists()
    add_mailbox(monkeypatch, "c@example.org", "--quota", "1M", "--over-limit")
    assert "over the limit, confirmed" in AuditEntry.objects.get(object_id="c@example.org").message


def test_enabling_past_the_limit_needs_over_limit(limited, monkeypatch):
    add_mailbox(monkeypatch, "b@example.org", "--quota", "1M")
    add_mailbox(monkeypatch, "c@example.org", "--quota", "1M", "--disabled")
    fails("mailbox", "enable", "c@example.org", match="allows 2 mailbox")
    mail("mailbox", "enable", "c@example.org", "--over-limit")
    assert Mailbox.objects.get(address="c@example.org").enabled


def test_a_quota_past_the_maximum_is_refused(limited, monkeypatch):
    with pytest.raises(Exception, match="at most 1 GB per mailbox, not 2 GB"):
        add_mailbox(monkeypatch, "b@example.org", "--quota", "2G")


def test_an_alias_past_the_limit_is_refused_and_passes_with_over_limit(limited):
    fails(
        "alias",
        "add",
        "info@example.org",
        "john@example.org",
        match=r"allows 1 alias and has 1",
    )
    mail("alias", "add", "info@example.org", "john@example.org", "--disabled")
    fails("alias", "enable", "info@example.org", match="allows 1 alias")
    mail("alias", "enable", "info@example.org", "--over-limit")
    mail("alias", "add", "help@example.org", "john@example.org", "--over-limit")
