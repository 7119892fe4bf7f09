from unittest import mock

import pytest
from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt, sha512_crypt

from audit.models import AuditEntry
from domains import services
from domains.models import Domain, Mailbox
from mailadmin import passwords
from selfservice import auth
from tests.selfservice.conftest import ADDRESS, PASSWORD

LEGACY = {
    "des_crypt": lambda p: des_crypt.hash(p),
    "md5_crypt": lambda p: md5_crypt.hash(p),
    "sha256_crypt": lambda p: sha256_crypt.hash(p),
    "bcrypt_2b": lambda p: bcrypt.using(ident="2b", rounds=4).hash(p),
    "bcrypt_2y": lambda p: bcrypt.using(ident="2y", rounds=4).hash(p),
    "sha512_low_rounds": lambda p: sha512_crypt.using(rounds=1000).hash(p),
}


def _set_crypt(crypt: str) -> None:
    Mailbox.objects.filter(address=ADDRESS).update(crypt=crypt, clear="ChangeMe")


def test_the_right_password_lets_the_owner_in(mailbox):
    assert auth.authenticate(ADDRESS, PASSWORD) == mailbox


def test_the_address_is_taken_in_any_case_and_with_spaces(mailbox):
    assert auth.authenticate("  John@EXAMPLE.org ", PASSWORD) == mailbox


def test_a_wrong_password_is_refused(mailbox):
    assert auth.authenticate(ADDRESS, PASSWORD + "x") is None


def test_an_unknown_address_is_refused(mailbox):
    assert auth.authenticate("nobody@example.org", PASSWORD) is None


def test_a_disabled_mailbox_is_refused_even_with_the_right_password(mailbox, actor):
    services.set_mailbox_enabled(ADDRESS, False, actor=actor)
    assert auth.authenticate(ADDRESS, PASSWORD) is None


def test_a_mailbox_of_a_disabled_domain_is_refused(mailbox, actor):
    services.set_domain_enabled("example.org", False, actor=actor)
    assert auth.authenticate(ADDRESS, PASSWORD) is None


def test_a_mailbox_whose_domain_is_missing_is_refused(mailbox):
    Domain.objects.filter(domain="example.org").delete()  # a row left behind by hand
    assert Mailbox.objects.filter(address=ADDRESS).exists()
    assert auth.authenticate(ADDRESS, PASSWORD) is None


@pytest.mark.parametrize("crypt", ["", "!", "*locked*", "$6$", "ChangeMe"])
def test_a_mailbox_without_a_usable_hash_is_refused(mailbox, crypt):
    _set_crypt(crypt)
    assert auth.authenticate(ADDRESS, crypt or PASSWORD) is None


def test_an_empty_password_is_refused(mailbox):
    assert auth.authenticate(ADDRESS, "") is None


# --- timing parity: every refusal does the same work --------------------------------


def _refusal_cases(actor):
    def unknown():
        return "nobody@example.org", PASSWORD

    def wrong():
        return ADDRESS, "wrong-password"

    def disabled_mailbox():
        services.set_mailbox_enabled(ADDRESS, False, actor=actor)
        return ADDRESS, PASSWORD

    def disabled_domain():
        services.set_domain_enabled("example.org", False, actor=actor)
        return ADDRESS, PASSWORD

    def unknown_domain():
        return "john@unknown.example", PASSWORD

    def broken_hash():
        _set_crypt("!")
        return ADDRESS, PASSWORD

    return {
        f.__name__: f
        for f in (unknown, wrong, disabled_mailbox, disabled_domain, unknown_domain, broken_hash)
    }


@pytest.mark.parametrize(
    "case",
    ["unknown", "wrong", "disabled_mailbox", "disabled_domain", "unknown_domain", "broken_hash"],
)
def test_every_refusal_runs_one_full_strength_hash_check(
    mailbox, actor, case, django_assert_num_queries
):
    address, password = _refusal_cases(actor)[case]()
    real_verify = passwords.verify_password
    with (
        mock.patch.object(passwords, "verify_password", wraps=real_verify) as verify,
        django_assert_num_queries(2),
    ):
        assert auth.authenticate(address, password) is None
    assert verify.call_count == 1
    (checked_password, crypt), _ = verify.call_args
    # the configured strong scheme and rounds, whether the hash is the mailbox's or the dummy
    assert passwords.scheme_of(crypt) == "sha512_crypt"
    assert not passwords.needs_upgrade(crypt)
    assert checked_password == password


def test_an_unknown_address_is_checked_against_the_dummy_hash(mailbox):
    with mock.patch.object(auth, "verify_dummy", wraps=auth.verify_dummy) as dummy:
        assert auth.authenticate("nobody@example.org", PASSWORD) is None
    dummy.assert_called_once_with(PASSWORD)


def test_a_known_address_is_not_checked_against_the_dummy_hash(mailbox):
    with mock.patch.object(auth, "verify_dummy") as dummy:
        assert auth.authenticate(ADDRESS, "wrong-password") is None
    dummy.assert_not_called()


@pytest.mark.parametrize("scheme", sorted(LEGACY))
def test_a_legacy_hash_costs_at_least_a_full_strength_check(mailbox, scheme):
    _set_crypt(LEGACY[scheme](PASSWORD))
    with mock.patch.object(auth, "verify_dummy", wraps=auth.verify_dummy) as dummy:
        assert auth.authenticate(ADDRESS, "wrong-password") is None
    dummy.assert_called_once_with("wrong-password")


def test_the_dummy_hash_follows_the_configured_rounds(settings):
    settings.MAILADMIN_CRYPT_ROUNDS = 7000
    with mock.patch.object(passwords, "verify_password") as verify:
        auth.verify_dummy("x")
    assert verify.call_args.args[1].startswith("$6$rounds=7000$")


# --- transparent upgrade of legacy hashes ---------------------------------------------


@pytest.mark.parametrize("scheme", sorted(LEGACY))
def test_a_login_with_a_legacy_hash_rewrites_it_as_sha512_crypt(mailbox, settings, scheme):
    settings.MAILADMIN_CRYPT_ROUNDS = 6000
    # DES reads 8 characters: only a password it reads whole may rewrite its hash
    password = PASSWORD[:8] if scheme == "des_crypt" else PASSWORD
    _set_crypt(LEGACY[scheme](password))
    assert passwords.needs_upgrade(Mailbox.objects.get().crypt)

    assert auth.authenticate(ADDRESS, password, ip="192.0.2.7") is not None

    stored = Mailbox.objects.get()
    assert stored.crypt.startswith("$6$rounds=6000$")
    assert stored.clear == ""
    assert passwords.verify_password(password, stored.crypt).correct
    assert not passwords.needs_upgrade(stored.crypt)
    entry = AuditEntry.objects.first()
    assert (entry.actor, entry.ip, entry.action) == (ADDRESS, "192.0.2.7", "password")
    assert "upgraded" in entry.message
    assert password not in entry.message and stored.crypt not in str(entry.after)


def test_the_default_rounds_hash_is_left_alone(mailbox):
    before = Mailbox.objects.get().crypt
    count = AuditEntry.objects.count()
    assert auth.authenticate(ADDRESS, PASSWORD) is not None
    assert Mailbox.objects.get().crypt == before
    assert AuditEntry.objects.count() == count


def test_a_failed_login_never_upgrades(mailbox):
    legacy = md5_crypt.hash(PASSWORD)
    _set_crypt(legacy)
    assert auth.authenticate(ADDRESS, "wrong-password") is None
    assert Mailbox.objects.get().crypt == legacy


def test_a_disabled_mailbox_is_not_upgraded(mailbox, actor):
    legacy = md5_crypt.hash(PASSWORD)
    _set_crypt(legacy)
    services.set_mailbox_enabled(ADDRESS, False, actor=actor)
    assert auth.authenticate(ADDRESS, PASSWORD) is None
    assert Mailbox.objects.get().crypt == legacy


def test_the_guide_default_hash_is_upgraded_without_password_validators(mailbox):
    # "ChangeMe" fails the validators, but it is what the servers accept today
    _set_crypt(des_crypt.hash("ChangeMe"))
    assert auth.authenticate(ADDRESS, "ChangeMe") is not None
    assert Mailbox.objects.get().crypt.startswith("$6$")
