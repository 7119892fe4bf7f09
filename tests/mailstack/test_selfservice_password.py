"""A password an end user changes on the self-service pages reaches Courier (`authtest`) and
Dovecot (`doveadm auth test`) at once, and the old one stops working; a legacy hash
upgraded at a self-service login keeps working on both."""

import pytest
from django.core.cache import cache
from django.test import Client
from passlib.hash import md5_crypt

from domains import services
from domains.models import Mailbox
from tests.mailstack.corpus import ACTOR

pytestmark = pytest.mark.mailstack

OLD = "Quiet-Lantern-41"
NEW = "Brave-Harbour-52"
LEGACY = "Amber-Cobalt-63"


def build():
    services.create_domain("selfservice.test", actor=ACTOR)
    services.create_mailbox("ann@selfservice.test", OLD, actor=ACTOR)
    services.create_mailbox("leg@selfservice.test", LEGACY, actor=ACTOR)
    Mailbox.objects.filter(address="leg@selfservice.test").update(crypt=md5_crypt.hash(LEGACY))


@pytest.fixture
def data(stack):
    build()


def both(mailstack, address, password) -> tuple[bool, bool]:
    return (
        mailstack.courier_auth(address, password).ok,
        mailstack.dovecot_auth(address, password).ok,
    )


def _log_in(client: Client, address: str, password: str) -> None:
    response = client.post("/account/login/", {"address": address, "password": password})
    assert response.status_code == 302, response.content[:500]


def test_a_password_changed_by_its_owner_works_at_once_and_the_old_one_stops(mailstack, data):
    cache.clear()
    assert both(mailstack, "ann@selfservice.test", OLD) == (True, True)
    client = Client()
    _log_in(client, "ann@selfservice.test", OLD)
    response = client.post(
        "/account/password/",
        {"current_password": OLD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302, response.content[:500]
    assert both(mailstack, "ann@selfservice.test", NEW) == (True, True)
    assert both(mailstack, "ann@selfservice.test", OLD) == (False, False)


def test_a_legacy_hash_upgraded_at_login_keeps_working_on_both(mailstack, data):
    cache.clear()
    assert both(mailstack, "leg@selfservice.test", LEGACY) == (True, True)
    _log_in(Client(), "leg@selfservice.test", LEGACY)
    assert Mailbox.objects.get(address="leg@selfservice.test").crypt.startswith("$6$")
    assert both(mailstack, "leg@selfservice.test", LEGACY) == (True, True)
    assert both(mailstack, "leg@selfservice.test", LEGACY + "x") == (False, False)
