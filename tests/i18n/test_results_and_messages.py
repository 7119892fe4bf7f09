"""The pages and messages issue 20 left English, in French and German: the import result
page, the messages after a removal or a forward, the tracer's explanations; the `mail`
command and the audit log stay English."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command

from audit.models import AuditEntry
from tests.bulk.test_views import GOOD, upload
from tests.i18n.test_every_page_translated import english_left, segments

FRENCH = {"fr": "créés", "de": "angelegt"}


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_import_result_page_is_in_the_language(role_clients, language):
    client = role_clients["superuser"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = upload(client, GOOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert FRENCH[language] in html
    assert "created 1 domain," not in html
    # The audit log keeps its record as the code writes it.
    entry = AuditEntry.objects.get(action="import")
    assert entry.message.startswith("upload in.csv: created 1 domain, ")


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_bad_row_is_explained_in_the_language(role_clients, language):
    client = role_clients["superuser"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    bad = "kind,address\nmailbox,ann@nowhere.example\n"
    html = upload(client, bad).content.decode()
    assert "is not hosted here" not in html
    assert "nowhere.example" in html


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_message_after_removing_a_mailbox_is_in_the_language(role_clients, language):
    client = role_clients["superuser"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/domains/mailboxes/john@example.org/delete/", follow=True)
    text = " ".join(segments(response.content.decode()))
    assert "john@example.org" in text
    assert "removed with" not in text


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_message_after_removing_a_domain_is_in_the_language(role_clients, language):
    client = role_clients["superuser"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.post("/domains/example.org/delete/", follow=True)
    text = " ".join(segments(response.content.decode()))
    assert "example.org" in text
    assert "removed with" not in text


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_forward_saved_is_said_in_the_language(role_clients, language):
    client = role_clients["superuser"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = "/domains/mailboxes/john@example.org/forward/"
    response = client.post(url, {"destinations": "x@gmail.com", "keep_copy": "on"}, follow=True)
    text = " ".join(segments(response.content.decode()))
    assert "x@gmail.com" in text
    assert "copy kept" not in text


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_trace_through_a_catch_all_leaves_no_english(role_clients, language):
    url = "/audit/trace/?address=nobody@example.org"
    assert english_left(role_clients["staff"], url, language) == []


def test_the_trace_command_stays_english_in_a_french_panel(role_clients, settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        out = StringIO()
        call_command("mail", "trace", "nobody@example.org", stdout=out)
    assert "example.org is hosted (enabled)" in out.getvalue()
    assert "delivered — delivered to maildir" in out.getvalue()
    assert translation.get_language() == "fr"
