"""Mail passwords: the one wrapper around passlib's CryptContext.

Writes SHA512-CRYPT (`$6$`), which Courier (libc crypt) and Dovecot
(`default_pass_scheme = CRYPT`) both verify. Verifies the legacy schemes the same servers
accept (SHA256-crypt, MD5-crypt, DES, bcrypt) and reports them as needing an upgrade. An
empty, unknown or malformed hash never verifies.
"""

from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.views.decorators.debug import sensitive_variables
from passlib.context import CryptContext

SCHEMES = ["sha512_crypt", "sha256_crypt", "bcrypt", "md5_crypt", "des_crypt"]
WEAK_SCHEMES = ["md5_crypt", "des_crypt"]


@cache
def _context(rounds: int) -> CryptContext:
    return CryptContext(
        schemes=SCHEMES,
        default="sha512_crypt",
        deprecated=WEAK_SCHEMES + ["sha256_crypt", "bcrypt"],
        sha512_crypt__default_rounds=rounds,
        sha512_crypt__min_rounds=rounds,
    )


def context() -> CryptContext:
    return _context(settings.MAILADMIN_CRYPT_ROUNDS)


@dataclass(frozen=True)
class Verification:
    correct: bool
    needs_upgrade: bool = False

    def __bool__(self) -> bool:
        return self.correct


@sensitive_variables()
def hash_password(password: str) -> str:
    if not password:
        raise ValueError("a mail password cannot be empty")
    return context().hash(password)


def scheme_of(crypt: str) -> str | None:
    """The scheme name of a stored hash, or None when it is not one we accept."""
    if not crypt:
        return None
    try:
        handler = context().identify(crypt, resolve=True)
        if handler is None:
            return None
        # A recognised prefix is not enough: it must parse and carry a checksum
        # (passlib accepts bare "$6$"-style configuration strings).
        if not handler.from_string(crypt).checksum:
            return None
    except (ValueError, TypeError):
        return None
    return handler.name


def is_known_hash(crypt: str) -> bool:
    return scheme_of(crypt) is not None


@sensitive_variables()
def verify_password(password: str, crypt: str) -> Verification:
    """Check a password against a stored crypt string; fail closed on anything odd."""
    if not password or not crypt or scheme_of(crypt) is None:
        return Verification(False)
    try:
        correct, new_hash = context().verify_and_update(password, crypt)
    except (ValueError, TypeError):
        return Verification(False)
    return Verification(correct, needs_upgrade=correct and new_hash is not None)


def needs_upgrade(crypt: str) -> bool:
    """True for weak schemes or rounds below the configured setting."""
    if scheme_of(crypt) is None:
        return True
    return context().needs_update(crypt)
