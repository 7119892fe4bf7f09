"""Request bodies are bounded in Django, not only at the proxy: an oversized body is refused
(413) before anything reads it, and far sooner for anyone not logged in as staff."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from bulk.forms import ImportForm
from domains.models import Domain

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def untouched(response) -> bool:
    """Nothing read the request body (not CSRF, not the form parser)."""
    return not response.wsgi_request._read_started


def test_an_anonymous_large_body_is_refused_unread(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login/", {"username": "root", "password": "x" * (5 * MIB)})

    assert response.status_code == 413
    assert untouched(response)
    assert "no-store" in response["Cache-Control"]


def test_a_large_body_to_the_self_service_login_is_refused_unread(db):
    response = Client().post("/account/login/", {"address": "a@b.org", "password": "x" * MIB})

    assert response.status_code == 413
    assert untouched(response)


def test_an_anonymous_login_of_ordinary_size_still_works(superuser):
    from tests.panel.conftest import PASSWORD

    response = Client().post("/login/", {"username": "root", "password": PASSWORD})

    assert response.status_code == 302


def test_a_staff_upload_over_the_limit_is_refused_unread(su_client, settings):
    settings.MAILADMIN_MAX_REQUEST_BYTES = MIB
    upload = SimpleUploadedFile("big.csv", b"kind,address\r\n" + b"x" * (2 * MIB))

    response = su_client.post("/bulk/import/", {"file": upload, "mode": "strict"})

    assert response.status_code == 413
    assert untouched(response)
    assert "mail import" in response.content.decode()


def test_a_staff_upload_larger_than_an_anonymous_body_is_accepted(su_client, settings):
    settings.MAILADMIN_MAX_ANONYMOUS_REQUEST_BYTES = 64 * 1024
    rows = "".join(f"domain,d{n}.example.net\r\n" for n in range(5000)).encode()
    assert len(rows) > 64 * 1024
    upload = SimpleUploadedFile("domains.csv", b"kind,address\r\n" + rows)

    response = su_client.post("/bulk/import/", {"file": upload, "mode": "strict"})

    assert response.status_code == 200, response.content[:500]
    assert Domain.objects.filter(domain="d4999.example.net").exists()


def test_a_body_without_a_content_length_is_refused(db):
    response = Client().generic(
        "POST",
        "/login/",
        b"username=root&password=" + b"x" * MIB,
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )

    assert response.status_code == 411
    assert untouched(response)


def test_a_bad_content_length_is_refused(db):
    response = Client().generic(
        "POST", "/login/", b"username=root", content_type="text/plain", CONTENT_LENGTH="-5"
    )

    assert response.status_code == 400


def test_the_import_form_and_the_request_share_one_limit(settings):
    settings.MAILADMIN_MAX_REQUEST_BYTES = 100
    form = ImportForm(
        {"mode": "strict"}, {"file": SimpleUploadedFile("a.csv", b"kind,address\r\n" * 20)}
    )

    assert not form.is_valid()
    assert "the limit is 100" in form.errors["file"][0]


def test_the_default_limit_is_the_proxy_s_in_the_deploy_guide(settings):
    proxy = re.search(r"client_max_body_size (\d+)m;", (ROOT / "docs/DEPLOY.md").read_text())

    assert proxy is not None
    assert int(proxy.group(1)) * MIB == settings.MAILADMIN_MAX_REQUEST_BYTES
