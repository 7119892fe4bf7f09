"""The stored hash is never a password, and a hash in an unknown scheme never verifies.

iRedAdmin once accepted the stored hash itself as the password. Here the hash string is
refused by the passwords module, the self-service login and password change, and the
staff login; rows with unknown, malformed or placeholder hashes fail closed everywhere.
"""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client
from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt, sha512_crypt

from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from mailadmin import passwords
from selfservice import auth
from tests.conftest import ACTOR

PASSWORD = "Mailbox-Secret-2024"
ADDRESS = "john@example.org"

HASHES = {
    "sha512_crypt": sha512_crypt.using(rounds=5000).hash(PASSWORD),
    "sha256_crypt": sha256_crypt.using(rounds=5000).hash(PASSWORD),
    "bcrypt": bcrypt.using(rounds=4).hash(PASSWORD),
    "md5_crypt": md5_crypt.hash(PASSWORD),
    "des_crypt": des_crypt.hash(PASSWORD),
}

UNKNOWN = [
    "",
    " ",
    "*",
    "!",
    "!!",
    "x",
    "secret",
    "ChangeMe",
    "{PLAIN}" + PASSWORD,
    "{CLEARTEXT}" + PASSWORD,
    "{CRYPT}" + HASHES["sha512_crypt"],
    "{SHA512-CRYPT}" + HASHES["sha512_crypt"],
    "!" + HASHES["sha512_crypt"],  # a locked account
    "*" + HASHES["sha512_crypt"],
    " " + HASHES["sha512_crypt"],
    HASHES["sha512_crypt"] + "\n",
    HASHES["sha512_crypt"][:-5],
    "$6$",
    "$6$salt$",
    "$6$rounds=5000$salt$",
    "$5$",
    "$1$",
    "$1$salt$",
    "$2b$04$",
    "$2y$04$short",
    "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
    "$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7",
    "$7$CU..../....SALT$hash",
    "$gy$j9T$salt$hash",
    "$sha1$40000$salt$hash",
    "pbkdf2_sha256$600000$salt$hash=",
    "md5$salt$hash",
    "5f4dcc3b5aa765d61d8327deb882cf99",  # bare MD5 hex of "password"
    "X" * 128,
    "$6$\x00$",
    "\x00",
]


@pytest.fixture
def mailbox(db):
    cache.clear()
    services.create_domain("example.org", actor=ACTOR)
    return services.create_mailbox(ADDRESS, PASSWORD, actor=ACTOR)


def store(crypt: str) -> None:
    Mailbox.objects.filter(address=ADDRESS).update(crypt=crypt)


def mailbox_login(password: str):
    cache.clear()
    return Client().post("/account/login/", {"address": ADDRESS, "password": password})


@pytest.mark.parametrize("scheme", HASHES)
def test_the_hash_itself_is_not_the_password(scheme):
    stored = HASHES[scheme]
    assert passwords.verify_password(PASSWORD, stored)
    assert not passwords.verify_password(stored, stored)


@pytest.mark.parametrize("scheme", HASHES)
def test_the_mailbox_login_refuses_the_stored_hash(mailbox, scheme):
    store(HASHES[scheme])
    response = mailbox_login(HASHES[scheme])
    assert response.status_code == 200
    assert "Unknown address or wrong password." in response.content.decode()
    assert mailbox_login(PASSWORD).status_code == 302


def test_the_guide_default_hash_is_not_its_own_password(mailbox):
    store(GUIDE_DEFAULT_CRYPT)
    assert auth.authenticate(ADDRESS, GUIDE_DEFAULT_CRYPT) is None


def test_the_password_change_refuses_the_stored_hash_as_current_password(mailbox):
    stored = Mailbox.objects.get(address=ADDRESS).crypt
    with pytest.raises(Exception, match="current password is not correct"):
        auth.change_own_password(ADDRESS, stored, "Brand-New-Secret-77", actor=ACTOR)
    assert Mailbox.objects.get(address=ADDRESS).crypt == stored


def test_the_staff_login_refuses_the_stored_django_hash(db):
    user = User.objects.create_user(
        "root", password="Staff-Pass-4242", is_superuser=True, is_staff=True
    )
    client = Client()
    client.post("/login/", {"username": "root", "password": user.password})
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("crypt", UNKNOWN, ids=range(len(UNKNOWN)))
def test_an_unknown_or_malformed_hash_never_verifies(crypt):
    assert passwords.scheme_of(crypt) is None
    assert passwords.needs_upgrade(crypt)
    for attempt in (PASSWORD, crypt, "password", "ChangeMe", "secret", " ", "x"):
        assert not passwords.verify_password(attempt, crypt)


@pytest.mark.parametrize("crypt", UNKNOWN, ids=range(len(UNKNOWN)))
def test_a_mailbox_with_an_unknown_hash_cannot_log_in_and_keeps_its_row(mailbox, crypt):
    store(crypt)
    for attempt in (PASSWORD, crypt or "x", "secret"):
        assert auth.authenticate(ADDRESS, attempt) is None
    assert Mailbox.objects.get(address=ADDRESS).crypt == crypt  # no "upgrade" written


def test_a_plain_text_password_shaped_like_a_des_hash_is_not_its_own_password(mailbox):
    """13 characters of the DES alphabet parse as a DES hash; they still do not verify."""
    store("Password12345")
    assert not passwords.verify_password("Password12345", "Password12345")
    assert auth.authenticate(ADDRESS, "Password12345") is None


def test_a_password_is_never_written_in_clear(mailbox):
    row = Mailbox.objects.get(address=ADDRESS)
    assert row.clear == ""
    assert PASSWORD not in row.crypt
    assert passwords.scheme_of(row.crypt) == "sha512_crypt"


# --- legacy schemes that read only part of a password (issue 13, item 2) ---------------


def test_a_des_hash_is_not_rewritten_from_a_longer_password_it_accepts(mailbox):
    """DES reads 8 characters: `passwordXYZ` opens a hash of `password123`, but rewriting the
    hash from it would lock the owner's real password out of IMAP and SMTP."""
    owners = des_crypt.hash("password123")
    store(owners)
    assert auth.authenticate(ADDRESS, "passwordXYZ") is not None  # as the servers do
    assert Mailbox.objects.get(address=ADDRESS).crypt == owners
    assert passwords.verify_password("password123", owners)


def test_the_upgrade_service_refuses_a_password_longer_than_the_scheme_reads(mailbox):
    owners = des_crypt.hash("password123")
    store(owners)
    assert not services.upgrade_mailbox_hash(ADDRESS, "password123", actor=ACTOR)
    assert Mailbox.objects.get(address=ADDRESS).crypt == owners


def test_a_des_hash_is_not_rewritten_from_a_non_ascii_password(mailbox):
    """DES drops the high bit of every byte: `é` (C3 A9) opens the hash of `C)` (43 29)."""
    owners = des_crypt.hash("C)")
    store(owners)
    assert passwords.verify_password("é", owners)
    assert not passwords.verify_password("é", owners).needs_upgrade
    assert auth.authenticate(ADDRESS, "é") is not None
    assert Mailbox.objects.get(address=ADDRESS).crypt == owners


def test_a_des_hash_of_a_short_password_is_still_upgraded(mailbox):
    store(des_crypt.hash("Short-8!"))
    assert auth.authenticate(ADDRESS, "Short-8!") is not None
    assert passwords.scheme_of(Mailbox.objects.get(address=ADDRESS).crypt) == "sha512_crypt"


def test_a_bcrypt_password_longer_than_72_bytes_logs_in_and_keeps_its_hash(mailbox):
    """The mail servers' bcrypt reads 72 bytes; the panel checks the same bytes."""
    long_password = "é" * 40  # 80 bytes
    owners = bcrypt.using(rounds=4).hash(long_password.encode()[:72])
    store(owners)
    assert auth.authenticate(ADDRESS, long_password) is not None
    assert auth.authenticate(ADDRESS, "é" * 36 + "other") is not None  # same 72 bytes
    assert auth.authenticate(ADDRESS, "é" * 35) is None
    assert Mailbox.objects.get(address=ADDRESS).crypt == owners


def test_a_bcrypt_password_of_72_bytes_is_upgraded(mailbox):
    password = "b" * 72
    store(bcrypt.using(rounds=4).hash(password))
    assert auth.authenticate(ADDRESS, password) is not None
    assert passwords.scheme_of(Mailbox.objects.get(address=ADDRESS).crypt) == "sha512_crypt"


def test_a_des_hash_is_reported_with_advice_to_ask_the_owner_for_a_new_password(mailbox):
    from audit.findings.report import run_checks

    store(des_crypt.hash("password123"))
    [finding] = [f for f in run_checks().findings if f.kind == "weak-password"]
    assert finding.object_id == ADDRESS
    assert "reads only the first 8 characters" in finding.message
    assert "ask the owner to set a new password" in finding.message
