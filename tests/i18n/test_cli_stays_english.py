"""The `mail` command speaks English whatever the panel's language (scripts parse it), and
its --json output is never translated."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from domains import services
from tests.conftest import ACTOR


@pytest.fixture
def french(settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        yield


@pytest.fixture
def mailbox(db):
    services.create_domain("example.org", actor=ACTOR)
    services.create_mailbox(
        "john@example.org", "Mailbox-Secret-2024", actor=ACTOR, quota_text="1536M"
    )


def mail(*args: str) -> str:
    out = StringIO()
    call_command("mail", *args, stdout=out)
    return out.getvalue()


def test_a_list_is_english_in_a_french_panel(french, mailbox):
    assert "1.5 GB" in mail("mailbox", "list")


def test_json_is_never_translated(french, mailbox):
    rows = json.loads(mail("mailbox", "list", "--json"))
    assert rows[0]["quota_human"] == "1.5 GB"


def test_bad_input_is_explained_in_english(french, mailbox, monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO("Mailbox-Secret-2024\n"))
    with pytest.raises(CommandError) as refused:
        mail("mailbox", "add", "jane@example.org", "--quota", "0", "--password-stdin")
    assert "a quota must be more than zero" in str(refused.value)


def test_the_panels_language_is_back_after_a_command(french, mailbox):
    mail("domain", "list")
    assert translation.get_language() == "fr"


def test_a_service_refusal_is_english_in_a_french_panel(french, mailbox):
    with pytest.raises(CommandError) as refused:
        mail("domain", "add", "exa mple.org")
    assert "is not a valid domain: it contains spaces or control characters" in str(refused.value)
    with pytest.raises(CommandError) as refused:
        mail("domain", "add", "example.org")
    assert "Domain example.org already exists." in str(refused.value)
