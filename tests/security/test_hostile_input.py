"""The hostile-input corpus (corpus.py, 240+ entries) through forms, command line and import.

Every entry gets a clear error or a correct normalisation; none a 500 or a traceback.
Hypothesis adds random text to the normalisers: an answer is either a ValidationError with
a message, or a value that is already normal (normalising it again changes nothing),
lower-case ASCII without spaces or control characters, within the column sizes.
"""

import io
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from aliases.models import Alias
from bulk.importer import import_csv
from domains.models import Domain, Mailbox
from mailadmin import quota
from mailadmin.addresses import (
    ALIAS_MAX,
    DOMAIN_MAX,
    MAILBOX_MAX,
    normalize_address,
    normalize_domain,
)
from tests.conftest import ACTOR
from tests.security.conftest import MAIL_PASSWORD
from tests.security.corpus import ADDRESS_SHAPES, ADDRESSES, CSV_ROWS, DOMAINS, QUOTAS


def test_the_corpus_has_at_least_200_entries():
    assert len(DOMAINS) + len(ADDRESSES) + len(QUOTAS) + len(CSV_ROWS) >= 200


def clear_message(error: ValidationError) -> None:
    text = " ".join(error.messages)
    assert text and "Traceback" not in text
    assert "\x00" not in text


def assert_normal_domain(name: str) -> None:
    assert name == name.lower() and name.isascii()
    assert not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in name)
    assert 0 < len(name) <= DOMAIN_MAX and not name.endswith(".")
    assert normalize_domain(name) == name


def assert_normal_address(address: str) -> None:
    local, _, domain = address.rpartition("@")
    assert local and address == address.lower() and local.isascii()
    assert '"' not in local and "/" not in local and "\\" not in local
    assert not any(c.isspace() or ord(c) < 32 for c in address)
    assert len(address) <= MAILBOX_MAX
    assert_normal_domain(domain)
    assert normalize_address(address) == address


# --- the normalisers ---------------------------------------------------------------------


@pytest.mark.parametrize("text", DOMAINS)
def test_a_domain_is_refused_clearly_or_normalised(text):
    try:
        name = normalize_domain(text)
    except ValidationError as error:
        clear_message(error)
    else:
        assert_normal_domain(name)


def test_homoglyph_domains_are_stored_as_punycode_and_never_collide():
    assert normalize_domain("exаmple.org").startswith("xn--")  # Cyrillic а
    assert normalize_domain("exаmple.org") != normalize_domain("example.org")


@pytest.mark.parametrize("text", ADDRESSES)
def test_an_address_is_refused_clearly_or_normalised(text):
    try:
        address = normalize_address(text)
    except ValidationError as error:
        clear_message(error)
    else:
        assert_normal_address(address)


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_each_address_shape_has_exactly_one_stored_form_or_is_refused(text, stored):
    if stored is None:
        with pytest.raises(ValidationError) as error:
            normalize_address(text)
        clear_message(error.value)
    else:
        assert normalize_address(text) == stored


@pytest.mark.parametrize("text", QUOTAS)
def test_a_quota_is_refused_clearly_or_stored_as_courier_reads_it(text):
    try:
        stored = quota.parse(text)
    except ValidationError as error:
        clear_message(error)
    else:
        assert stored == "" or quota.is_courier_quota(stored)
        assert len(stored) <= 255


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_as_a_domain(text):
    try:
        assert_normal_domain(normalize_domain(text))
    except ValidationError as error:
        clear_message(error)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), st.emails().map(lambda e: e.upper()), st.emails()))
def test_any_text_as_an_address(text):
    try:
        assert_normal_address(normalize_address(text))
    except ValidationError as error:
        clear_message(error)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A\s*[0-9]{1,30}([.,][0-9]{0,5})?\s*[a-zA-Z]{0,4}\s*\Z"),
    )
)
def test_any_text_as_a_quota(text):
    try:
        stored = quota.parse(text)
    except ValidationError as error:
        clear_message(error)
    else:
        assert stored == "" or quota.is_courier_quota(stored)
        assert len(stored) <= 255


# --- the panel forms ---------------------------------------------------------------------


def no_server_error(response) -> None:
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200 and response.context and "form" in response.context:
        assert response.context["form"].errors


@pytest.mark.parametrize("text", DOMAINS)
def test_the_domain_form_answers_every_domain(su_client, text):
    no_server_error(su_client.post("/domains/add/", {"name": text, "transport": "virtual:"}))
    for row in Domain.objects.all():
        assert_normal_domain(row.domain)


@pytest.mark.parametrize("text", ADDRESSES)
def test_the_alias_form_answers_every_address(su_client, text):
    data = {"source": text, "destinations": text, "enabled": "on"}
    no_server_error(su_client.post("/aliases/add/?kind=forward", data))
    data = {"source": "team@example.org", "destinations": f"john@example.org\n{text}"}
    no_server_error(su_client.post("/aliases/add/?kind=forward", data))
    for row in Alias.objects.all():
        assert len(row.mail) <= ALIAS_MAX and len(row.destination) <= ALIAS_MAX
        assert "\n" not in row.destination and " " not in row.destination


@pytest.mark.parametrize("text", ADDRESSES)
def test_the_mailbox_form_answers_every_local_part(su_client, text):
    local = text.partition("@")[0] if text.count("@") == 1 else text
    data = {"local_part": local, "password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD}
    no_server_error(su_client.post("/domains/example.org/mailboxes/add/", data))
    for row in Mailbox.objects.all():
        assert_normal_address(row.address)


def new_rows(before: set[str]) -> list[str]:
    return sorted(set(Mailbox.objects.values_list("address", flat=True)) - before)


def assert_stored_as(stored: str | None, before: set[str]) -> None:
    """Exactly the one normalised mailbox (maildir in its domain) is new, or nothing is."""
    assert new_rows(before) == ([stored] if stored else [])
    if stored:
        local, _, domain = stored.rpartition("@")
        assert Mailbox.objects.get(address=stored).maildir == f"{domain}/{local}/"
        assert Alias.objects.filter(mail=stored, destination=stored).exists()


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_the_mailbox_form_stores_each_shape_once_or_refuses_it(su_client, text, stored):
    local, _, domain = text.rpartition("@")
    if domain != "example.org":  # the form takes the local part; its domain is fixed
        local = text
    before = set(Mailbox.objects.values_list("address", flat=True))
    data = {"local_part": local, "password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD}
    response = su_client.post("/domains/example.org/mailboxes/add/", data)
    no_server_error(response)
    assert_stored_as(stored if domain == "example.org" else None, before)


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_the_alias_form_stores_each_shape_once_or_refuses_it(su_client, text, stored):
    before = set(Alias.objects.values_list("mail", flat=True))
    data = {"source": text, "destinations": "john@example.org", "enabled": "on"}
    no_server_error(su_client.post("/aliases/add/?kind=forward", data))
    added = set(Alias.objects.values_list("mail", flat=True)) - before
    assert added == ({stored} if stored else set())
    data = {"source": "team@example.org", "destinations": text}
    no_server_error(su_client.post("/aliases/add/?kind=forward", data))
    team = Alias.objects.filter(mail="team@example.org").first()
    assert (team.destination if team else None) == stored


@pytest.mark.parametrize("text", QUOTAS)
def test_the_mailbox_forms_answer_every_quota(su_client, text):
    no_server_error(su_client.post("/domains/mailboxes/john@example.org/", {"quota": text}))
    data = {
        "local_part": "q",
        "quota": text,
        "password1": MAIL_PASSWORD,
        "password2": MAIL_PASSWORD,
    }
    no_server_error(su_client.post("/domains/example.org/mailboxes/add/", data))
    for row in Mailbox.objects.all():
        assert row.quota == "" or quota.is_courier_quota(row.quota)


@pytest.mark.parametrize("text", ADDRESSES[:40] + DOMAINS[:40])
def test_the_url_of_a_hostile_object_is_a_404_not_a_500(su_client, text):
    from urllib.parse import quote

    for url in (
        f"/domains/mailboxes/{quote(text)}/",
        f"/aliases/{quote(text)}/",
        f"/domains/{quote(text)}/",
    ):
        assert su_client.get(url).status_code in (200, 301, 404), url


@pytest.mark.parametrize("text", ADDRESSES + DOMAINS)
def test_search_and_filters_take_any_text(su_client, text):
    for url in ("/domains/", "/domains/mailboxes/", "/aliases/", "/audit/", "/audit/history/"):
        response = su_client.get(url, {"q": text, "domain": text, "sort": text, "page": text})
        assert response.status_code in (200, 404), url
    assert su_client.get("/audit/trace/", {"address": text}).status_code in (200, 404)


# --- the command line ----------------------------------------------------------------------


def mail(monkeypatch, *args: str, stdin: str = "") -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        call_command("mail", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as error:
        assert error.returncode == 1, error
        assert str(error) and "\n" not in str(error).strip()


@pytest.mark.parametrize("text", DOMAINS)
def test_the_command_line_answers_every_domain(mail_data, monkeypatch, text):
    mail(monkeypatch, "domain", "add", text)
    mail(monkeypatch, "domain", "disable", text)
    mail(monkeypatch, "mailbox", "list", "--domain", text)
    for row in Domain.objects.all():
        assert_normal_domain(row.domain)


@pytest.mark.parametrize("text", ADDRESSES)
def test_the_command_line_answers_every_address(mail_data, monkeypatch, text):
    mail(monkeypatch, "mailbox", "add", text, "--password-stdin", stdin=MAIL_PASSWORD + "\n")
    mail(monkeypatch, "alias", "add", text, "john@example.org")
    mail(monkeypatch, "alias", "add", "team@example.org", f"john@example.org,{text}")
    mail(monkeypatch, "alias", "remove", text)
    mail(monkeypatch, "trace", text)
    for row in Mailbox.objects.all():
        assert_normal_address(row.address)


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_the_command_line_stores_each_shape_once_or_refuses_it(
    mail_data, monkeypatch, text, stored
):
    before = set(Mailbox.objects.values_list("address", flat=True))
    mail(monkeypatch, "mailbox", "add", text, "--password-stdin", stdin=MAIL_PASSWORD + "\n")
    assert_stored_as(stored, before)


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_every_spelling_of_a_mailbox_finds_that_mailbox_or_none(mail_data, text, stored):
    from domains import services

    services.create_mailbox("ann@example.org", MAIL_PASSWORD, actor=ACTOR)
    if stored is None:
        with pytest.raises(ValidationError):
            services.get_mailbox(text)
    else:
        assert services.get_mailbox(text).address == stored


@pytest.mark.parametrize("text", QUOTAS)
def test_the_command_line_answers_every_quota(mail_data, monkeypatch, text):
    mail(
        monkeypatch,
        "mailbox",
        "add",
        "q@example.org",
        "--quota",
        text,
        "--password-stdin",
        stdin=MAIL_PASSWORD + "\n",
    )
    for row in Mailbox.objects.all():
        assert row.quota == "" or quota.is_courier_quota(row.quota)


# --- the import ----------------------------------------------------------------------------

HEADER = "kind,address,destination\n"


@pytest.mark.parametrize("row", CSV_ROWS)
def test_the_import_answers_every_row(mail_data, row):
    report = import_csv(io.StringIO(HEADER + row + "\n"), actor=ACTOR, source="hostile.csv")
    if not report.ok:
        for problem in report.errors:
            assert str(problem) and "Traceback" not in str(problem)
    for domain in Domain.objects.all():
        assert_normal_domain(domain.domain)
    for mailbox in Mailbox.objects.all():
        assert_normal_address(mailbox.address)


@pytest.mark.parametrize("text", ADDRESSES + DOMAINS)
def test_the_import_answers_every_address_and_domain(mail_data, text):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "address", "destination", "password", "quota"])
    writer.writerow(["domain", text, "", "", ""])
    writer.writerow(["mailbox", text, "", MAIL_PASSWORD, ""])
    writer.writerow(["alias", text, "john@example.org", "", ""])
    writer.writerow(["alias", "team@example.org", text, "", ""])
    report = import_csv(io.StringIO(out.getvalue()), actor=ACTOR, source="hostile.csv", mode="skip")
    assert isinstance(report.ok, bool)
    for mailbox in Mailbox.objects.all():
        assert_normal_address(mailbox.address)


@pytest.mark.parametrize(("text", "stored"), ADDRESS_SHAPES)
def test_the_import_stores_each_shape_once_or_refuses_it(mail_data, text, stored):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "address", "password"])
    writer.writerow(["mailbox", text, MAIL_PASSWORD])
    before = set(Mailbox.objects.values_list("address", flat=True))
    report = import_csv(io.StringIO(out.getvalue()), actor=ACTOR, source="shapes.csv")
    assert report.ok == (stored is not None), report.errors
    assert_stored_as(stored, before)


@pytest.mark.parametrize("text", QUOTAS)
def test_the_import_answers_every_quota(mail_data, text):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "address", "password", "quota"])
    writer.writerow(["mailbox", "q@example.org", MAIL_PASSWORD, text])
    import_csv(io.StringIO(out.getvalue()), actor=ACTOR, source="hostile.csv")
    for row in Mailbox.objects.all():
        assert row.quota == "" or quota.is_courier_quota(row.quota)


def test_a_file_that_is_not_csv_at_all_is_reported(mail_data):
    for text in ("\x00\x01\x02", "kind\n", "", "\ufeff", "a,b,c\n1,2,3\n", '"' * 1000):
        report = import_csv(io.StringIO(text), actor=ACTOR, source="junk.csv")
        assert not report.ok


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("example.123", "top-level domain '123'"),
        ("example.org..", "more than one dot"),
        ("example.org\u3002\u3002", "more than one dot"),
    ],
)
def test_a_numeric_tld_or_a_second_trailing_dot_is_refused_with_its_reason(
    su_client, monkeypatch, text, message
):
    response = su_client.post("/domains/add/", {"name": text, "transport": "virtual:"})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["name"])
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(CommandError, match=message) as error:
        call_command("mail", "domain", "add", text, stdout=io.StringIO(), stderr=io.StringIO())
    assert error.value.returncode == 1
    assert sorted(Domain.objects.values_list("domain", flat=True)) == ["example.org", "other.org"]
