"""The findings' explanations in French and German: on the findings page, for a live run and
a stored report; a row stored before their texts were kept says its English; `mail check`,
its --json and the stored message column stay English."""

import html
import json
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from aliases import services as alias_services
from audit.findings import texts
from audit.findings.report import run_checks
from audit.findings.store import run_and_save
from audit.models import FindingsReport, StoredFinding
from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from tests.audit.conftest import client_for, staff
from tests.conftest import ACTOR
from tests.i18n.test_every_page_translated import english_left
from usage.models import MailboxUsage, fill_of

DEAD_END = "sales@example.org → nobody@example.org has no mailbox and no alias: the mail bounces."
TRANSLATED_DEAD_END = {
    "fr": "sales@example.org → nobody@example.org n’a ni boîte aux lettres ni alias",
    "de": "sales@example.org → nobody@example.org hat weder Postfach noch Alias",
}
FULL = {"fr": "1,5 Go", "de": "1,5 GB"}


@pytest.fixture
def broken(db):
    """A dead end, the guide's default hash, a mailbox over its quota."""
    services.create_domain("example.org", actor=ACTOR)
    for local in ("john", "mary", "postmaster", "abuse"):
        services.create_mailbox(f"{local}@example.org", "Mailbox-Secret-2024", actor=ACTOR)
    alias_services.create_alias("sales@example.org", "nobody@example.org", actor=ACTOR)
    Mailbox.objects.filter(address="mary@example.org").update(crypt=GUIDE_DEFAULT_CRYPT)
    Mailbox.objects.filter(address="john@example.org").update(quota="1073741824S")
    size = 1536 * 1024**2
    MailboxUsage.objects.create(
        mailbox_id="john@example.org",
        bytes=size,
        messages=1,
        source="walk",
        fill=fill_of("1073741824S", size, 1),
        measured_at=timezone.now(),
    )


@pytest.fixture
def root(broken):
    return client_for(staff("root", superuser=True))


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr("audit.views.is_large", lambda: True)


def page(client, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/audit/findings/")
    assert response.status_code == 200
    return response.content.decode()


def explanations(content: str) -> set[str]:
    return {html.unescape(t) for t in re.findall(r'<td class="text-break">(.*?)</td>', content)}


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_live_run_is_explained_in_the_language(root, language):
    html = page(root, language)
    assert TRANSLATED_DEAD_END[language] in html
    assert FULL[language] in html
    assert "has no mailbox and no alias" not in html
    assert english_left(root, "/audit/findings/", language) == []


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_stored_report_is_explained_in_the_language(root, large, language):
    run_and_save("root")
    html = page(root, language)
    assert TRANSLATED_DEAD_END[language] in html
    assert FULL[language] in html
    assert english_left(root, "/audit/findings/", language) == []


def test_the_english_page_shows_the_english_messages(root, monkeypatch):
    live = {f.message for f in run_checks().findings}
    assert len(live) == 3 and DEAD_END in live
    assert explanations(page(root, "en")) == live
    monkeypatch.setattr("audit.views.is_large", lambda: True)
    run_and_save("root")
    assert explanations(page(root, "en")) == live


def test_a_row_stored_before_the_texts_were_kept_says_its_english(root, large):
    _, report = run_and_save("root")
    StoredFinding.objects.filter(report=report).update(text_keys="", params=None)
    html = page(root, "fr")
    assert DEAD_END in html
    assert TRANSLATED_DEAD_END["fr"] not in html


def test_a_stored_row_whose_text_is_gone_says_its_english(root, large):
    _, report = run_and_save("root")
    StoredFinding.objects.filter(report=report).update(text_keys="dead-end.renamed")
    assert DEAD_END in page(root, "de")


def test_run_checks_now_in_french_stores_the_english_messages(root, large):
    root.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert root.post("/audit/findings/run/").status_code == 302
    row = StoredFinding.objects.get(report=FindingsReport.objects.get(), kind="dead-end")
    assert row.message == DEAD_END
    assert (row.text_keys, row.params) == (
        "dead-end.no-mailbox",
        {"source": "sales@example.org", "address": "nobody@example.org"},
    )
    over = StoredFinding.objects.get(kind="mailbox-full")
    assert "1.5 GB and 1 messages of 1 GB" in over.message


def test_mail_check_and_its_json_stay_english_in_a_french_panel(broken, settings):
    settings.LANGUAGE_CODE = "fr"
    with translation.override("fr"):
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("mail", "check", stdout=out)
        assert DEAD_END in out.getvalue()
        out = StringIO()
        with pytest.raises(CommandError):
            call_command("mail", "check", "--json", stdout=out)
        findings = json.loads(out.getvalue())["findings"]
        assert DEAD_END in {f["message"] for f in findings}
        assert "1.5 GB" in next(f["message"] for f in findings if f["kind"] == "mailbox-full")


def test_a_cached_run_finds_its_texts_again(broken):
    cache.set("findings-test", run_checks())  # pickled, as audit.live's
    run = cache.get("findings-test")
    dead = next(f for f in run.findings if f.kind == "dead-end")
    assert dead.texts == (texts.DEAD_NO_MAILBOX,) and dead.message == DEAD_END


# Values for every placeholder of the texts, of the types their `shown` formats.
PARAMS = {
    "source": "sales@example.org",
    "address": "john@example.org",
    "domain": "example.org",
    "alias": "@alias.example",
    "target": "@example.org",
    "name": "alias.example",
    "route": "a@example.org → b@example.org → a@example.org",
    "targets": "john@gmail.com",
    "mailboxes": 2,
    "aliases": 3,
    "hash": GUIDE_DEFAULT_CRYPT,
    "scheme": "md5_crypt",
    "quota": "1073741824S",
    "size": 1536 * 1024**2,
    "messages": 3,
    "percent": 95,
    "count": 2,
    "measured": (timezone.now() - timedelta(days=2)).isoformat(),
    "checked": timezone.now().isoformat(),
    "maildir": "'john/'",
    "other": "mary@example.org",
    "values": "John@example.org, john@example.org",
    "examples": "John@example.org",
}


@pytest.mark.parametrize("language", ["fr", "de"])
@pytest.mark.parametrize("key", sorted(texts.TEXTS))
def test_every_text_is_translated(key, language):
    text = texts.TEXTS[key]
    with translation.override(language):
        translated = text.render(PARAMS)
    assert translated != text.english(PARAMS)
    assert "%(" not in translated
