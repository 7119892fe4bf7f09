"""API fixtures: the panel's data and roles (tests/panel/conftest.py), each with a token.

Roles: anonymous (no token), an end user's self-service session, the admin of other.org's
token (B), a read-only token of example.org's admin, example.org's admin's token (A), a
superuser's token, and expired and revoked tokens of the superuser.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from tests.conftest import ACTOR
from tests.panel.conftest import (  # noqa: F401  (fixtures)
    MAIL_PASSWORD,
    PASSWORD,
    admin_a,
    admin_b,
    end_user,
    mail_data,
    superuser,
)

ROLES = [
    "anonymous",
    "mailbox",
    "token_b",
    "read_only",
    "token_a",
    "superuser",
    "expired",
    "revoked",
]


def secret_for(user, *, read_only=False, name="script") -> str:
    return tokens.create(user, name, actor=ACTOR, read_only=read_only).secret


class ApiClient(Client):
    """A test client sending a bearer token and JSON bodies."""

    def __init__(self, secret: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.secret = secret

    def generic(self, method, path, data="", content_type="application/json", **extra):
        if self.secret:
            extra.setdefault("HTTP_AUTHORIZATION", f"Bearer {self.secret}")
        return super().generic(method, path, data, content_type, **extra)

    def send(self, method: str, path: str, body=None, **extra):
        import json

        data = "" if body is None else (body if isinstance(body, str) else json.dumps(body))
        return self.generic(method, path, data, **extra)


@pytest.fixture
def tokens_by_role(superuser, admin_a, admin_b, end_user):  # noqa: F811
    expired = tokens.create(superuser, "old", actor=ACTOR, expires_days=1)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires=timezone.now() - timedelta(1))
    revoked = tokens.create(superuser, "gone", actor=ACTOR)
    tokens.revoke(revoked.token, actor=ACTOR)
    return {
        "anonymous": None,
        "mailbox": None,
        "token_b": secret_for(admin_b),
        "read_only": secret_for(admin_a, read_only=True, name="reader"),
        "token_a": secret_for(admin_a),
        "superuser": secret_for(superuser),
        "expired": expired.secret,
        "revoked": revoked.secret,
    }


def client_for_role(role: str, secrets: dict) -> ApiClient:
    client = ApiClient(secrets[role])
    if role == "mailbox":
        browser = Client()
        response = browser.post(
            "/account/login/", {"address": "john@example.org", "password": MAIL_PASSWORD}
        )
        assert response.status_code == 302
        client.cookies = browser.cookies
    return client


@pytest.fixture
def api_a(admin_a) -> ApiClient:  # noqa: F811
    return ApiClient(secret_for(admin_a))


@pytest.fixture
def api_su(superuser) -> ApiClient:  # noqa: F811
    return ApiClient(secret_for(superuser))
