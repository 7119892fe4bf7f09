"""The hostile-input corpus (tests/security/corpus.py) through the API, its writes (POST,
PUT, PATCH, DELETE of domains, mailboxes, aliases, limits and vacation) included: every
entry gets a 2xx with a normalised value or a 400/404 problem with a message, never a 500;
what is stored is what the services' normalisers give."""

from urllib.parse import quote

import pytest

from aliases.models import Alias
from domains.models import Domain, Mailbox
from mailadmin import quota
from mailadmin.addresses import normalize_address, normalize_domain
from tests.security.corpus import ADDRESSES, DOMAINS, QUOTAS

PASSWORD = "Provisioned-Secret-77"


def _answered(response) -> dict:
    assert response.status_code < 500
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["detail"] and "Traceback" not in body["detail"]
        return {}
    return response.json()


def _normal(normalise, text):
    try:
        return normalise(text)
    except Exception:  # noqa: BLE001  (the corpus entry is refused: nothing stored)
        return None


@pytest.mark.parametrize("text", DOMAINS, ids=range(len(DOMAINS)))
def test_a_domain_from_the_corpus(api_su, text):
    body = _answered(api_su.send("POST", "/api/v1/domains/", {"domain": text}))
    if body:
        assert body["domain"] == _normal(normalize_domain, text)
        assert Domain.objects.filter(domain=body["domain"]).exists()
    _answered(api_su.get(f"/api/v1/aliases/?domain={text}"))


@pytest.mark.parametrize("text", ADDRESSES, ids=range(len(ADDRESSES)))
def test_an_address_from_the_corpus(api_su, text):
    body = _answered(
        api_su.send("POST", "/api/v1/mailboxes/", {"address": text, "password": PASSWORD})
    )
    if body:
        assert body["address"] == _normal(normalize_address, text)
        assert Mailbox.objects.filter(address=body["address"]).exists()
    alias = {"mail": text, "destination": "john@example.org"}
    body = _answered(api_su.send("POST", "/api/v1/aliases/", alias))
    if body:
        assert Alias.objects.filter(mail=body["mail"]).exists()
    forward = {"mail": "fwd@example.org", "destination": text}
    _answered(api_su.send("PUT", "/api/v1/aliases/fwd@example.org/", forward))


@pytest.mark.parametrize("text", QUOTAS, ids=range(len(QUOTAS)))
def test_a_quota_from_the_corpus(api_su, text):
    body = {"password": PASSWORD, "quota": text} if isinstance(text, str) else {"quota": text}
    _answered(api_su.send("PUT", "/api/v1/mailboxes/q@example.org/", body))


def test_hostile_text_in_the_url_is_a_404_never_a_500(api_su):
    for text in ("%00", "..%2F..", "@", "a@", "@@", "x" * 300, "%E2%80%AE"):
        for url in ("/api/v1/mailboxes/{}/", "/api/v1/aliases/{}/", "/api/v1/domains/{}/"):
            response = api_su.get(url.format(text))
            assert response.status_code in (400, 404), (url, text)


@pytest.mark.parametrize("text", QUOTAS, ids=range(len(QUOTAS)))
def test_a_quota_from_the_corpus_as_a_limit_or_a_patch(api_su, text):
    for field in ("max_quota", "total_quota", "default_quota"):
        body = _answered(api_su.send("PATCH", "/api/v1/domains/example.org/limits/", {field: text}))
        if body:
            shown = body["limits"][field]
            assert shown is None or quota.parse(shown)  # what is shown reads back
        api_su.send("PUT", "/api/v1/domains/example.org/limits/", {})
    _answered(api_su.send("PATCH", "/api/v1/mailboxes/john@example.org/", {"quota": text}))


def _not_500(response) -> None:
    # A path the URLconf cannot match (a '/' in the text) is Django's 404, not the API's.
    assert response.status_code < 500
    if response.status_code < 300:
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("text", DOMAINS, ids=range(len(DOMAINS)))
def test_a_domain_from_the_corpus_in_the_limits_url(api_su, text):
    name = quote(text, safe="")
    _not_500(api_su.send("PUT", f"/api/v1/domains/{name}/limits/", {"mailboxes": 1}))
    _not_500(api_su.send("PATCH", f"/api/v1/domains/{name}/", {}))


@pytest.mark.parametrize("text", ADDRESSES, ids=range(len(ADDRESSES)))
def test_an_address_from_the_corpus_in_the_vacation_url_and_its_text(api_su, text):
    address = quote(text, safe="")
    away = {"subject": "Away", "body": "Back soon."}
    _not_500(api_su.send("PUT", f"/api/v1/mailboxes/{address}/vacation/", away))
    _not_500(api_su.send("DELETE", f"/api/v1/mailboxes/{address}/vacation/"))
    _not_500(api_su.send("PATCH", f"/api/v1/aliases/{address}/", {}))
    mine = "/api/v1/mailboxes/john@example.org/vacation/"
    body = _answered(api_su.send("PUT", mine, {"subject": text, "body": text}))
    if body:
        assert "\n" not in body["subject"] and "\r" not in body["subject"]
