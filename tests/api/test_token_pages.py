"""/tokens/: a staff user's own tokens; the secret shown once; revoking asks first."""

import pytest

from api import tokens
from api.models import ApiToken
from tests.conftest import ACTOR
from tests.panel.conftest import client_for


@pytest.fixture
def alice_client(admin_a):
    return client_for(admin_a)


def test_the_page_lists_the_users_own_tokens_only(alice_client, admin_a, admin_b):
    tokens.create(admin_a, "mine", actor=ACTOR)
    tokens.create(admin_b, "bobs", actor=ACTOR)
    page = alice_client.get("/tokens/").content.decode()
    assert "mine" in page and "bobs" not in page


def test_creating_shows_the_secret_once(alice_client, admin_a):
    response = alice_client.post("/tokens/", {"name": "deploy", "expires": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=admin_a)
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert tokens.authenticate(secret) == token
    assert secret not in alice_client.get("/tokens/").content.decode()


def test_revoking_asks_then_revokes(alice_client, admin_a):
    created = tokens.create(admin_a, "deploy", actor=ACTOR)
    url = f"/tokens/{created.token.prefix}/revoke/"
    assert alice_client.get(url).status_code == 200
    assert tokens.authenticate(created.secret) is not None
    assert alice_client.post(url).status_code == 302
    assert tokens.authenticate(created.secret) is None


def test_another_users_token_is_a_404(alice_client, admin_b):
    created = tokens.create(admin_b, "bobs", actor=ACTOR)
    url = f"/tokens/{created.token.prefix}/revoke/"
    assert alice_client.get(url).status_code == 404
    assert alice_client.post(url).status_code == 404
    assert tokens.authenticate(created.secret) is not None


def test_a_non_staff_user_is_refused(end_user):
    assert client_for(end_user).get("/tokens/").status_code == 403


def test_the_navbar_links_to_the_page(alice_client):
    assert 'href="/tokens/"' in alice_client.get("/").content.decode()
