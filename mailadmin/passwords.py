"""Mail passwords: the one wrapper around passlib's CryptContext.

Writes SHA512-CRYPT (`$6$`), which Courier (libc crypt) and Dovecot
(`default_pass_scheme = CRYPT`) both verify. Verifies the legacy schemes the same servers
accept (SHA256-crypt, MD5-crypt, DES, bcrypt) and reports them as needing an upgrade. An
empty, unknown or malformed hash never verifies.

DES reads only the first 8 characters of a password (7 bits each) and bcrypt the first 72
bytes, as the mail servers' libc crypt does: a longer password verifies when its beginning
does. Such a password is one of many the old hash accepts, perhaps not the owner's, so a
hash is never rewritten from it (`Verification.needs_upgrade` stays False).
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


def reads_whole(password: str, scheme: str) -> bool:
    """Whether a `scheme` hash depends on every bit of `password`: DES on 8 ASCII characters
    at most, bcrypt on 72 bytes at most, the other schemes on any password."""
    size = getattr(context().handler(scheme), "truncate_size", None)
    if size is None:
        return True
    if scheme == "des_crypt" and not password.isascii():  # DES drops each byte's high bit
        return False
    return len(password.encode()) <= size


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


@sensitive_variables()
def verify_password(password: str, crypt: str) -> Verification:
    """Check a password against a stored crypt string; fail closed on anything odd.

    `needs_upgrade` only when the hash is legacy and read the whole password, so that
    rewriting it from this password keeps every password the owner uses working.
    """
    scheme = scheme_of(crypt) if password and crypt else None
    if scheme is None:
        return Verification(False)
    secret: str | bytes = password
    size = getattr(context().handler(scheme), "truncate_size", None)
    if size is not None and len(password.encode()) > size:
        secret = password.encode()[:size]  # what the mail servers read (bcrypt refuses more)
    try:
        correct, new_hash = context().verify_and_update(secret, crypt)
    except (ValueError, TypeError):
        return Verification(False)
    upgrade = correct and new_hash is not None and reads_whole(password, scheme)
    return Verification(correct, needs_upgrade=upgrade)


def needs_upgrade(crypt: str) -> bool:
    """True for weak schemes or rounds below the configured setting."""
    if scheme_of(crypt) is None:
        return True
    return context().needs_update(crypt)
