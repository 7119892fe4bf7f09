"""Security suite fixtures: the panel's roles (superuser, admin of example.org, admin of
other.org, a non-staff user) over example.org and other.org, plus helpers."""

import time
from binascii import unhexlify

import pytest
from django_otp.oath import TOTP

from tests.panel import conftest as panel
from tests.panel.conftest import MAIL_PASSWORD, PASSWORD, client_for

# The panel's fixtures, shared (tests/panel/conftest.py).
mail_data = panel.mail_data
superuser = panel.superuser
admin_a = panel.admin_a
admin_b = panel.admin_b
end_user = panel.end_user
su_client = panel.su_client
a_client = panel.a_client
b_client = panel.b_client
__all__ = ["MAIL_PASSWORD", "PASSWORD", "client_for", "totp_code"]


def totp_code(key_hex: str, *, offset: int = 0) -> str:
    """The code an authenticator app shows for this key now (offset: steps later)."""
    totp = TOTP(unhexlify(key_hex))
    totp.time = time.time() + 30 * offset
    return f"{totp.token():06d}"


def mailbox_client(address: str = "john@example.org", password: str = MAIL_PASSWORD):
    """A browser logged in to self-service as a mailbox owner."""
    from django.test import Client

    client = Client()
    response = client.post("/account/login/", {"address": address, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


@pytest.fixture
def role_clients(superuser, admin_a, admin_b, end_user):
    """A client per route audience: who → logged-in client (None: anonymous)."""
    from django.test import Client

    return {
        "staff": client_for(superuser),
        "superuser": client_for(superuser),
        "mailbox": mailbox_client(),
        "anyone": Client(),
    }


def snapshot() -> dict:
    """Every row the site may write (the mail tables, audit and findings reports, staff
    accounts and their 2FA)."""
    from axes.models import AccessAttempt
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import DomainAssignment
    from aliases.models import Alias
    from api.models import ApiToken
    from audit.models import AuditEntry, FindingsReport, StoredFinding
    from domains.models import Domain, Mailbox

    models = [Domain, Mailbox, Alias, AuditEntry, FindingsReport, StoredFinding]
    models += [DomainAssignment, TOTPDevice, AccessAttempt, ApiToken]
    data = {m.__name__: list(m.objects.order_by("pk").values()) for m in models}
    data["User"] = list(User.objects.order_by("pk").values("username", "password", "is_active"))
    return data
