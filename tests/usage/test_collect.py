import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from domains.models import Domain, Mailbox
from tests.usage.maildirs import maildir, message, write_maildirsize
from usage import collector
from usage.models import MailboxUsage

pytestmark = pytest.mark.django_db


@pytest.fixture
def boxes(tmp_path):
    Domain.objects.create(domain="example.org")
    Domain.objects.create(domain="other.org")
    home = str(tmp_path)
    for address, quota in (
        ("john@example.org", "1000S"),
        ("jane@example.org", "10C"),
        ("ann@other.org", ""),
    ):
        local, _, domain = address.partition("@")
        Mailbox.objects.create(
            address=address, home=home, maildir=f"{domain}/{local}/", quota=quota, crypt="x"
        )
    john = maildir(tmp_path, "example.org/john/")
    message(john, "new", "1.a.host", 600)
    message(john, "cur", "2.a.host:2,S", 350)
    jane = maildir(tmp_path, "example.org/jane/")
    message(jane, "cur", "1.a.host:2,S", 5)
    write_maildirsize(jane, ["4096 9"])
    return tmp_path


def usage_of(address):
    return MailboxUsage.objects.get(mailbox_id=address)


def test_it_stores_bytes_messages_and_the_fill_of_every_mailbox(boxes):
    summary = collector.collect(jobs=2, batch=2)
    assert summary.as_dict() | {"seconds": 0} == {
        "mailboxes": 3,
        "maildirsize": 1,
        "walked": 1,
        "missing": 1,
        "skipped": [],
        "removed": 0,
        "seconds": 0,
    }
    john, jane, ann = (
        usage_of(a) for a in ("john@example.org", "jane@example.org", "ann@other.org")
    )
    assert (john.bytes, john.messages, john.source, john.fill) == (950, 2, "walk", 950)
    assert (jane.bytes, jane.messages, jane.source, jane.fill) == (4096, 9, "maildirsize", 900)
    assert (ann.bytes, ann.messages, ann.source, ann.fill) == (0, 0, "missing", None)


def test_a_second_run_updates_the_rows_in_place(boxes):
    collector.collect()
    first = usage_of("john@example.org").measured_at
    message(boxes / "example.org/john", "new", "3.a.host", 50)
    collector.collect()
    again = usage_of("john@example.org")
    assert (again.bytes, again.messages) == (1000, 3)
    assert again.measured_at >= first
    assert MailboxUsage.objects.count() == 3


def test_rows_of_removed_mailboxes_are_dropped(boxes):
    collector.collect()
    Mailbox.objects.filter(address="ann@other.org").delete()
    assert collector.collect().removed == 1
    assert not MailboxUsage.objects.filter(mailbox_id="ann@other.org").exists()


def test_one_domain_is_collected_alone_and_the_others_kept(boxes):
    collector.collect()
    Mailbox.objects.filter(address="ann@other.org").delete()
    summary = collector.collect(domain="Example.ORG")
    assert (summary.mailboxes, summary.removed) == (2, 0)
    assert MailboxUsage.objects.filter(mailbox_id="ann@other.org").exists()


def test_a_maildir_climbing_out_of_home_is_skipped_not_read(boxes):
    Mailbox.objects.create(
        address="evil@example.org", home=str(boxes), maildir="../../etc/", crypt="x"
    )
    summary = collector.collect()
    assert summary.skipped == ["evil@example.org"]
    assert not MailboxUsage.objects.filter(mailbox_id="evil@example.org").exists()


def test_base_replaces_the_home_of_every_mailbox(boxes, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("spool")
    message(maildir(elsewhere, "other.org/ann/"), "new", "1.a.host", 42)
    collector.collect(domain="other.org", base=str(elsewhere))
    assert usage_of("ann@other.org").bytes == 42


def test_an_unknown_domain_or_bad_jobs_is_bad_input(boxes):
    with pytest.raises(ValidationError, match="not in the domains table"):
        collector.collect(domain="nowhere.test")
    with pytest.raises(ValidationError, match="--jobs"):
        collector.collect(jobs=0)


def test_the_command_reports_a_summary_and_json(boxes, capsys):
    from io import StringIO

    out = StringIO()
    call_command("mail", "usage", "collect", stdout=out)
    assert out.getvalue().startswith("Measured 3 mailboxes in ")
    out = StringIO()
    call_command(
        "mail", "usage", "collect", "--domain", "example.org", "--jobs", "1", "--json", stdout=out
    )
    data = json.loads(out.getvalue())
    assert (data["mailboxes"], data["walked"], data["maildirsize"]) == (2, 1, 1)


def test_the_command_exits_1_on_bad_input_and_writes_nothing(boxes):
    for args in (("--domain", "nowhere.test"), ("--jobs", "0"), ("--jobs", "65")):
        with pytest.raises(CommandError) as excinfo:
            call_command("mail", "usage", "collect", *args)
        assert excinfo.value.returncode == 1
    assert not MailboxUsage.objects.exists()
