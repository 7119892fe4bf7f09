"""The `mail` command line: a contract that postmasters' scripts rely on
(docs/ARCHITECTURE.md, "The command line is a contract")."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Domain, Mailbox
from mailadmin import passwords

PASSWORD = "Quite-a-long-pass-1"


def mail(*args, stdin: str = "", monkeypatch=None) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("mail", *args, stdout=out)
    return out.getvalue()


def fails(*args, match: str, stdin: str = "", monkeypatch=None) -> None:
    with pytest.raises(CommandError, match=match) as excinfo:
        mail(*args, stdin=stdin, monkeypatch=monkeypatch)
    assert excinfo.value.returncode == 1


@pytest.fixture
def example(db):
    mail("domain", "add", "example.org")


def test_domain_add_list_disable_enable_remove(db):
    assert "Domain example.org added." in mail("domain", "add", "Example.ORG")
    rows = json.loads(mail("domain", "list", "--json"))
    assert rows == [
        {
            "domain": "example.org",
            "transport": "virtual:",
            "enabled": True,
            "mailboxes": 0,
            "aliases": 0,
        }
    ]
    assert "disabled" in mail("domain", "disable", "example.org")
    assert not Domain.objects.get().enabled
    assert "enabled" in mail("domain", "enable", "example.org")
    assert "removed with 0 mailbox(es) and 0 alias(es)" in mail("domain", "remove", "example.org")
    assert not Domain.objects.exists()


def test_domain_bad_input_exits_1_and_writes_nothing(example):
    fails("domain", "add", "example.org", match="already exists")
    fails("domain", "add", "not a domain", match="not a valid domain")
    fails("domain", "remove", "nowhere.org", match="not hosted")
    fails("domain", "enable", "nowhere.org", match="not hosted")
    assert Domain.objects.count() == 1


def test_domain_list_counts_mailboxes_and_aliases(example, monkeypatch):
    mail(
        "mailbox",
        "add",
        "a@example.org",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    mail("alias", "add", "@example.org", "a@example.org")
    text = mail("domain", "list")
    assert text.splitlines()[0].split() == [
        "DOMAIN",
        "TRANSPORT",
        "ENABLED",
        "MAILBOXES",
        "ALIASES",
    ]
    assert text.splitlines()[1].split() == ["example.org", "virtual:", "True", "1", "2"]


def test_mailbox_add_reads_the_password_from_stdin(example, monkeypatch):
    out = mail(
        "mailbox",
        "add",
        "Ann@Example.org",
        "--name",
        "Ann",
        "--quota",
        "500M",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )
    assert "Mailbox ann@example.org added (maildir example.org/ann/)." in out
    mailbox = Mailbox.objects.get()
    assert passwords.verify_password(PASSWORD, mailbox.crypt)
    assert (mailbox.name, mailbox.quota, mailbox.clear) == ("Ann", "524288000S", "")
    assert Alias.objects.filter(mail="ann@example.org", destination="ann@example.org").exists()
    assert AuditEntry.objects.first().actor.startswith("cli:")


def test_mailbox_add_refuses_bad_input_and_writes_nothing(example, monkeypatch):
    fails(
        "mailbox",
        "add",
        "a@example.org",
        "--password-stdin",
        stdin="",
        monkeypatch=monkeypatch,
        match="No password",
    )
    fails(
        "mailbox",
        "add",
        "a@example.org",
        "--password-stdin",
        stdin="123\n",
        monkeypatch=monkeypatch,
        match="too short",
    )
    fails(
        "mailbox",
        "add",
        "a@example.org",
        "--quota",
        "10 lots",
        "--password-stdin",
        stdin=PASSWORD,
        monkeypatch=monkeypatch,
        match="not a quota",
    )
    fails(
        "mailbox",
        "add",
        "a@nowhere.org",
        "--password-stdin",
        stdin=PASSWORD,
        monkeypatch=monkeypatch,
        match="not hosted",
    )
    fails(
        "mailbox",
        "add",
        "not-an-address",
        "--password-stdin",
        stdin=PASSWORD,
        monkeypatch=monkeypatch,
        match="not a mail address",
    )
    assert not Mailbox.objects.exists() and not Alias.objects.exists()


def test_mailbox_passwd_enable_disable_remove_list(example, monkeypatch):
    mail(
        "mailbox",
        "add",
        "a@example.org",
        "--password-stdin",
        stdin=PASSWORD,
        monkeypatch=monkeypatch,
    )
    assert "Password of a@example.org set." in mail(
        "mailbox",
        "passwd",
        "a@example.org",
        "--password-stdin",
        stdin="Brand-new-pass-22\n",
        monkeypatch=monkeypatch,
    )
    assert passwords.verify_password("Brand-new-pass-22", Mailbox.objects.get().crypt)
    mail("mailbox", "disable", "a@example.org")
    rows = json.loads(mail("mailbox", "list", "--domain", "example.org", "--json"))
    assert rows[0]["address"] == "a@example.org" and rows[0]["enabled"] is False
    mail("mailbox", "enable", "a@example.org")
    assert Mailbox.objects.get().enabled
    assert "removed with 1 alias(es)" in mail("mailbox", "remove", "a@example.org")
    assert json.loads(mail("mailbox", "list", "--json")) == []


def test_mailbox_verbs_on_an_unknown_mailbox_exit_1(example, monkeypatch):
    for verb in ("enable", "disable", "remove"):
        fails("mailbox", verb, "ghost@example.org", match="no mailbox")
    fails(
        "mailbox",
        "passwd",
        "ghost@example.org",
        "--password-stdin",
        stdin=PASSWORD,
        monkeypatch=monkeypatch,
        match="no mailbox",
    )


def test_alias_add_replace_disable_enable_remove_and_list(example):
    assert "(forward)" in mail("alias", "add", "sales@example.org", "a@else.net,b@else.net")
    assert "(catch-all)" in mail("alias", "add", "@example.org", "sales@example.org")
    fails("alias", "add", "sales@example.org", "c@else.net", match="already exists")
    assert "replaced" in mail("alias", "add", "sales@example.org", "c@else.net", "--replace")
    assert Alias.objects.get(mail="sales@example.org").destination == "c@else.net"
    mail("alias", "disable", "sales@example.org")
    assert json.loads(mail("alias", "list", "--disabled", "--json")) == [
        {
            "mail": "sales@example.org",
            "destination": "c@else.net",
            "enabled": False,
            "kind": "forward",
        }
    ]
    assert [r["mail"] for r in json.loads(mail("alias", "list", "--enabled", "--json"))] == [
        "@example.org"
    ]
    mail("alias", "enable", "sales@example.org")
    mail("alias", "remove", "sales@example.org")
    assert list(Alias.objects.values_list("mail", flat=True)) == ["@example.org"]


def test_a_domain_alias_is_added_with_at_source_and_at_target(example):
    mail("domain", "add", "alias.example")
    assert "(domain alias)" in mail("alias", "add", "@alias.example", "@example.org")
    rows = json.loads(mail("alias", "list", "--domain", "alias.example", "--json"))
    assert rows == [
        {
            "mail": "@alias.example",
            "destination": "@example.org",
            "enabled": True,
            "kind": "domain-alias",
        }
    ]


def test_alias_bad_input_exits_1(example):
    fails("alias", "add", "x@nowhere.org", "a@else.net", match="not hosted")
    fails("alias", "add", "x@example.org", "not-an-address", match="not a mail address")
    fails("alias", "remove", "ghost@example.org", match="no alias")
    fails("alias", "enable", "ghost@example.org", match="no alias")
    assert not Alias.objects.exists()


def test_lists_print_nothing_but_headers_free_output_when_empty(db):
    assert mail("domain", "list") == ""
    assert json.loads(mail("alias", "list", "--json")) == []


def test_domain_add_takes_a_relay_transport_and_backup_mx(db):
    from domains.models import RelaySetting

    out = mail("domain", "add", "relay.test", "--transport", "smtp:[10.0.0.5]:25", "--backup-mx")
    assert "Domain relay.test added." in out
    assert "relayed to [10.0.0.5]:25 via smtp; any recipient is accepted" in out
    assert RelaySetting.objects.get(domain__domain="relay.test").backup_mx
    fails("domain", "add", "hosted.test", "--backup-mx", match="Only a relay domain")
    assert not Domain.objects.filter(domain="hosted.test").exists()
