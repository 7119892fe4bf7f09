"""/bulk/: the browser import (upload form, results page) and the export download."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from audit.models import AuditEntry
from domains.models import Domain, Mailbox
from tests.bulk.conftest import OLD_HASHES, client_for, csv_text, tables

pytestmark = pytest.mark.django_db

GOOD = csv_text(
    [
        {"kind": "domain", "address": "new.example"},
        {"kind": "mailbox", "address": "ann@new.example", "crypt": OLD_HASHES["sha512_crypt"]},
        {"kind": "alias", "address": "info@new.example", "destination": "ann@new.example"},
    ]
)
BAD = csv_text(
    [
        {"kind": "domain", "address": "new.example"},
        {"kind": "mailbox", "address": "ann@new.example", "crypt": "not-a-hash"},
        {"kind": "domain", "address": "example.org"},
    ]
)


def upload(client: Client, text: str | bytes, **data):
    content = text.encode() if isinstance(text, str) else text
    data = {"mode": "strict", "file": SimpleUploadedFile("in.csv", content), **data}
    return client.post("/bulk/import/", data)


@pytest.fixture
def su(superuser) -> Client:
    return client_for(superuser)


def test_the_page_offers_the_upload_form_and_the_download_button(su):
    page = su.get("/bulk/")
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content
    assert b'action="/bulk/export/"' in page.content


def test_an_upload_imports_and_shows_the_results(su):
    response = upload(su, GOOD)
    assert response.status_code == 200
    assert b"upload in.csv: created 1 domain, 1 mailbox, 1 alias." in response.content
    assert Mailbox.objects.get(address="ann@new.example").crypt == OLD_HASHES["sha512_crypt"]
    entry = AuditEntry.objects.get(action="import")
    assert (entry.actor, entry.ip, entry.object_id) == ("root", "127.0.0.1", "upload in.csv")


def test_bad_rows_are_listed_and_nothing_is_written(su):
    before = tables()
    response = upload(su, BAD)
    assert response.status_code == 400
    assert b"2 bad rows" in response.content
    assert b"line 3" in response.content and b"crypt is not a hash" in response.content
    assert (
        b"line 4" in response.content and b"Domain example.org already exists" in response.content
    )
    assert tables() == before
    assert not AuditEntry.objects.filter(action="import").exists()


def test_a_dry_run_upload_writes_nothing(su):
    before = tables()
    response = upload(su, GOOD, dry_run="on")
    assert response.status_code == 200
    assert b"Dry run, nothing written." in response.content
    assert tables() == before


def test_skip_existing_from_the_form(su):
    text = csv_text(
        [{"kind": "domain", "address": "example.org"}, {"kind": "domain", "address": "new.example"}]
    )
    response = upload(su, text, mode="skip")
    assert response.status_code == 200
    assert Domain.objects.filter(domain="new.example").exists()


def test_a_file_that_is_not_utf8_is_refused(su):
    response = upload(su, "kind,address\ndomain,caf\xe9.example\n".encode("latin-1"))
    assert response.status_code == 400
    assert b"codec can" in response.content
    assert not Domain.objects.filter(domain__startswith="caf").exists()


def test_a_post_without_a_file_shows_the_form_again(su):
    response = su.post("/bulk/import/", {"mode": "strict"})
    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_the_download_is_the_export_as_an_attachment(su):
    response = su.post("/bulk/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="mailadmin-')
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["address"] for r in rows if r["kind"] == "mailbox"} == {
        "john@example.org",
        "mary@other.org",
    }
    assert "'@example.org" in {r["address"] for r in rows}
    assert AuditEntry.objects.filter(action="export", actor="root").count() == 1


@pytest.mark.parametrize("url", ["/bulk/import/", "/bulk/export/"])
def test_state_changing_urls_refuse_a_get(su, url):
    assert su.get(url).status_code == 405


@pytest.mark.parametrize("role", ["admin_a", "admin_b", "end_user"])
@pytest.mark.parametrize("url", ["/bulk/", "/bulk/import/", "/bulk/export/"])
def test_everyone_but_a_superuser_gets_403_and_changes_nothing(request, role, url):
    client = client_for(request.getfixturevalue(role))
    before = tables()
    assert client.get(url).status_code == 403
    if url == "/bulk/import/":
        assert upload(client, GOOD).status_code == 403
    else:
        response = client.post(url)
        assert response.status_code == 403
        assert b"kind,address" not in response.content
    assert tables() == before
    assert not AuditEntry.objects.filter(action__in=["import", "export"]).exists()


@pytest.mark.parametrize("url", ["/bulk/", "/bulk/import/", "/bulk/export/"])
def test_anonymous_visitors_are_sent_to_the_login_page(db, url):
    response = Client().post(url)
    assert response.status_code == 302 and response.url.startswith("/login/?next=")


def test_posts_need_the_csrf_token(superuser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    before = tables()
    assert upload(client, GOOD).status_code == 403
    assert client.post("/bulk/export/").status_code == 403
    assert tables() == before

    client.get("/bulk/")
    token = client.cookies["csrftoken"].value
    assert upload(client, GOOD, csrfmiddlewaretoken=token).status_code == 200
    assert client.post("/bulk/export/", {"csrfmiddlewaretoken": token}).status_code == 200
