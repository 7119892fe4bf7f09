"""The service layer's refusals, in the language of the page or API request that met them:
a bad address, a bad domain, a quota past the domain's limit; the import summary and the
message after removing a domain count in whole phrases (ngettext)."""

from html import unescape

import pytest
from django.conf import settings
from django.utils import translation

from aliases import services as alias_services
from audit.models import AuditEntry
from bulk.importer import ImportReport, Problem
from limits.services import set_limits
from tests.api import conftest as api
from tests.conftest import ACTOR
from tests.panel.conftest import MAIL_PASSWORD, client_for

api_su = api.api_su

SLASH = {
    "en": "is not allowed as a local part: it may not contain '/'.",
    "fr": "n’est pas permis comme partie locale : elle ne peut pas contenir « / ».",
    "de": "ist als lokaler Teil nicht erlaubt: Er darf kein „/“ enthalten.",
}
SPACES = {
    "en": "'exa mple.org' is not a valid domain: it contains spaces or control characters.",
    "fr": "'exa mple.org' n’est pas un domaine valide : il contient des espaces ou des caractères",
    "de": "'exa mple.org' ist keine gültige Domain: Sie enthält Leerzeichen oder Steuerzeichen.",
}
MAX_QUOTA = {
    "en": "Domain example.org allows a quota of at most 1 GB per mailbox, not 2 GB.",
    "fr": "Le domaine example.org permet un quota d’au plus 1 Go par boîte aux lettres, pas 2 Go.",
    "de": "Die Domain example.org erlaubt ein Kontingent von höchstens 1 GB pro Postfach, nicht",
}


def in_language(user, language: str):
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def new_mailbox(client, **fields):
    data = {
        "local_part": "anna",
        "password1": MAIL_PASSWORD,
        "password2": MAIL_PASSWORD,
        "quota": "",
        "enabled": "on",
    }
    return client.post("/domains/example.org/mailboxes/add/", data | fields)


def page(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_bad_address_is_explained_beside_the_field(admin_a, language):
    response = new_mailbox(in_language(admin_a, language), local_part="an/na")
    [message] = response.context["form"].errors["local_part"]
    assert SLASH[language] in message
    assert SLASH[language] in page(response)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_bad_domain_is_explained_beside_the_field(superuser, language):
    client = in_language(superuser, language)
    response = client.post("/domains/add/", {"name": "exa mple.org", "transport": "virtual:"})
    [message] = response.context["form"].errors["name"]
    assert message.startswith(SPACES[language])
    assert SPACES[language] in page(response)


@pytest.mark.parametrize("language", ["en", "fr", "de"])
def test_a_quota_past_the_domains_limit_is_explained_on_the_form(admin_a, language):
    set_limits("example.org", actor=ACTOR, max_quota="1G")
    response = new_mailbox(in_language(admin_a, language), quota="2G")
    assert MAX_QUOTA[language] in " ".join(response.context["form"].non_field_errors())
    assert MAX_QUOTA[language] in page(response)


def test_the_audit_entry_of_a_confirmed_limit_stays_english(superuser):
    set_limits("example.org", actor=ACTOR, max_quota="1G")
    client = in_language(superuser, "fr")
    response = new_mailbox(client, quota="2G", over_limit="on")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="create", object_id="anna@example.org")
    assert entry.message == "over the limit, confirmed: " + MAX_QUOTA["en"]


def test_the_audit_entry_of_limits_set_below_the_use_stays_english(mail_data):
    with translation.override("fr"):
        set_limits("example.org", actor=ACTOR, mailboxes="0")
    entry = AuditEntry.objects.filter(action="limits").latest("id")
    assert entry.message == "now over: 1 / 0 mailboxes"


def test_the_api_explains_a_bad_domain_in_the_requests_language(api_su):
    body = {"domain": "exa mple.org"}
    response = api_su.send("POST", "/api/v1/domains/", body, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert SPACES["fr"] in response.json()["detail"]


def test_the_api_explains_a_domain_that_is_not_hosted_in_german(api_su):
    body = {"address": "ann@nowhere.example", "password": MAIL_PASSWORD}
    response = api_su.send("POST", "/api/v1/mailboxes/", body, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 400
    assert "Die Domain nowhere.example wird hier nicht gehostet." in response.json()["detail"]


SUMMARIES = {
    ("en", 1): "in.csv: created 1 domain, 1 mailbox, 1 alias.",
    ("en", 2): "in.csv: created 2 domains, 2 mailboxes, 2 aliases.",
    ("fr", 1): "in.csv : créés : 1 domaine, 1 boîte aux lettres, 1 alias.",
    ("fr", 2): "in.csv : créés : 2 domaines, 2 boîtes aux lettres, 2 alias.",
    ("de", 1): "in.csv – angelegt: 1 Domain, 1 Postfach, 1 Alias.",
    ("de", 2): "in.csv – angelegt: 2 Domains, 2 Postfächer, 2 Aliase.",
}


@pytest.mark.parametrize(("language", "count"), sorted(SUMMARIES))
def test_the_import_summary_counts_in_whole_phrases(language, count):
    report = ImportReport("in.csv")
    for kind in ("domain", "mailbox", "alias"):
        report.created[kind] = count
    with translation.override(language):
        assert report.summary() == SUMMARIES[language, count]


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "1 bad row in in.csv: nothing written."),
        ("fr", "1 ligne incorrecte dans in.csv : rien n’a été écrit."),
        ("de", "1 fehlerhafte Zeile in in.csv: nichts geschrieben."),
    ],
)
def test_one_bad_row_is_said_in_the_singular(language, said):
    report = ImportReport("in.csv")
    report.errors.append(Problem(2, "line 2", "bad"))
    with translation.override(language):
        assert report.summary() == said


REMOVED = {
    ("en", 1): "Domain example.org removed with 1 mailbox and 1 alias.",
    ("en", 2): "Domain example.org removed with 1 mailbox and 2 aliases.",
    ("fr", 1): "Domaine example.org supprimé avec 1 boîte aux lettres et 1 alias.",
    ("fr", 2): "Domaine example.org supprimé avec 1 boîte aux lettres et 2 alias.",
    ("de", 1): "Domain example.org mit 1 Postfach und 1 Alias entfernt.",
    ("de", 2): "Domain example.org mit 1 Postfach und 2 Aliasen entfernt.",
}


@pytest.mark.parametrize(("language", "aliases"), sorted(REMOVED))
def test_the_message_after_removing_a_domain_counts_its_aliases(superuser, language, aliases):
    # example.org holds john (and his own row), a forward and a catch-all: drop down to
    # the one row or the two asked for.
    alias_services.remove_alias("@example.org", actor=ACTOR)
    if aliases == 1:
        alias_services.remove_alias("sales@example.org", actor=ACTOR)
    client = in_language(superuser, language)
    response = client.post("/domains/example.org/delete/", follow=True)
    assert REMOVED[language, aliases] in page(response)
