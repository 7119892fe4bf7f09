"""Forwarding a mailbox from the command line is an explicit verb or option."""

import pytest
from django.core.management import CommandError

from aliases.models import Alias
from tests.cli.test_mail_command import PASSWORD, fails, mail


@pytest.fixture
def ann(db, monkeypatch):
    mail("domain", "add", "example.org")
    mail(
        "mailbox",
        "add",
        "ann@example.org",
        "--password-stdin",
        stdin=PASSWORD + "\n",
        monkeypatch=monkeypatch,
    )


def own_row() -> str:
    return Alias.objects.get(mail="ann@example.org").destination


def test_mailbox_forward_keeps_a_copy_by_default(ann):
    out = mail("mailbox", "forward", "ann@example.org", "a@gmail.com,b@gmail.com")
    assert "forwarded to a@gmail.com, b@gmail.com, copy kept" in out
    assert own_row() == "ann@example.org,a@gmail.com,b@gmail.com"


def test_mailbox_forward_no_copy_then_off(ann):
    assert "no local copy" in mail(
        "mailbox", "forward", "ann@example.org", "a@gmail.com", "--no-copy"
    )
    assert own_row() == "a@gmail.com"
    assert "delivered to the mailbox only" in mail("mailbox", "forward", "ann@example.org", "--off")
    assert own_row() == "ann@example.org"


@pytest.mark.parametrize("args", [[], ["a@gmail.com", "--off"]])
def test_mailbox_forward_needs_destinations_or_off(ann, args):
    with pytest.raises(CommandError) as excinfo:
        mail("mailbox", "forward", "ann@example.org", *args)
    assert excinfo.value.returncode == 2


def test_alias_add_refuses_a_mailbox_source_without_the_explicit_option(ann):
    fails("alias", "add", "ann@example.org", "a@gmail.com", match="mail mailbox forward")
    # It used to replace the mailbox's delivery without a word.
    fails("alias", "add", "ann@example.org", "a@gmail.com", "--replace", match="is a mailbox")
    assert own_row() == "ann@example.org"


def test_replace_keeping_the_mailbox_works_as_before(ann):
    mail("alias", "add", "ann@example.org", "ann@example.org,a@gmail.com", "--replace")
    assert own_row() == "ann@example.org,a@gmail.com"


def test_forward_mailbox_option_replaces_its_delivery_as_given(ann):
    assert "replaced" in mail("alias", "add", "ann@example.org", "a@gmail.com", "--forward-mailbox")
    assert own_row() == "a@gmail.com"
    fails(
        "alias", "add", "nobody@example.org", "a@gmail.com", "--forward-mailbox", match="no mailbox"
    )
