"""The hostile-input corpus (tests/security/corpus.py) through the API: every entry gets
a 2xx with a normalised value or a 400/404 problem with a message, never a 500; what is
stored is what the services' normalisers give."""

import pytest

from aliases.models import Alias
from domains.models import Domain, Mailbox
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
