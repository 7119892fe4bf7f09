import pytest
from passlib.hash import bcrypt, des_crypt, md5_crypt, sha256_crypt, sha512_crypt

from domains.models import GUIDE_DEFAULT_CRYPT
from mailadmin import passwords

SECRET = "correct horse battery"
LEGACY = {
    "des_crypt": des_crypt.hash("apasswor"),
    "md5_crypt": md5_crypt.hash(SECRET),
    "sha256_crypt": sha256_crypt.hash(SECRET),
    "bcrypt_2b": bcrypt.using(ident="2b", rounds=4).hash(SECRET),
    "bcrypt_2y": bcrypt.using(ident="2y", rounds=4).hash(SECRET),
    "sha512_low_rounds": sha512_crypt.using(rounds=1000).hash(SECRET),
}


def test_it_writes_sha512_crypt_with_the_configured_rounds(settings):
    settings.MAILADMIN_CRYPT_ROUNDS = 5000
    crypt = passwords.hash_password(SECRET)
    assert crypt.startswith("$6$")
    # glibc omits "rounds=" for its default of 5000, and so must we: both servers read it
    assert "rounds=" not in crypt
    settings.MAILADMIN_CRYPT_ROUNDS = 7000
    assert passwords.hash_password(SECRET).startswith("$6$rounds=7000$")


def test_a_new_hash_verifies_and_needs_no_upgrade():
    crypt = passwords.hash_password(SECRET)
    result = passwords.verify_password(SECRET, crypt)
    assert result.correct and not result.needs_upgrade


def test_a_wrong_password_does_not_verify():
    assert not passwords.verify_password("wrong", passwords.hash_password(SECRET))


@pytest.mark.parametrize("scheme", sorted(LEGACY))
def test_legacy_schemes_verify_and_ask_for_an_upgrade(scheme):
    secret = "apasswor" if scheme == "des_crypt" else SECRET
    result = passwords.verify_password(secret, LEGACY[scheme])
    assert result.correct
    assert result.needs_upgrade
    assert not passwords.verify_password("not-it", LEGACY[scheme])


def test_the_guide_default_hash_is_des_of_changeme_and_is_weak():
    assert passwords.verify_password("ChangeMe", GUIDE_DEFAULT_CRYPT).correct
    assert passwords.needs_upgrade(GUIDE_DEFAULT_CRYPT)
    assert passwords.scheme_of(GUIDE_DEFAULT_CRYPT) == "des_crypt"


@pytest.mark.parametrize(
    "crypt", [passwords.hash_password(SECRET), *LEGACY.values()], ids=["sha512_crypt", *LEGACY]
)
def test_the_stored_hash_itself_never_works_as_a_password(crypt):
    assert not passwords.verify_password(crypt, crypt)


@pytest.mark.parametrize(
    "crypt",
    [
        "",
        "   ",
        "ChangeMe",
        "{PLAIN}secret",
        "{SHA512-CRYPT}$6$abc$def",
        "$y$j9T$abcdefghijklmnop$ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg",
        "$6$",
        "$1$$",
        "*",
        "!",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
    ],
)
def test_unknown_empty_or_malformed_hashes_never_verify(crypt):
    assert not passwords.verify_password("secret", crypt)
    assert not passwords.verify_password("", crypt)
    assert passwords.needs_upgrade(crypt)


def test_an_empty_password_never_verifies_and_is_never_hashed():
    assert not passwords.verify_password("", passwords.hash_password(SECRET))
    with pytest.raises(ValueError):
        passwords.hash_password("")


def test_hashes_below_the_configured_rounds_need_an_upgrade(settings):
    settings.MAILADMIN_CRYPT_ROUNDS = 5000
    low = sha512_crypt.using(rounds=2000).hash(SECRET)
    assert passwords.needs_upgrade(low)
    assert not passwords.needs_upgrade(passwords.hash_password(SECRET))
