"""Normalising and validating domains and addresses the way the mail tables store them.

Everything is stored lower-case, domains in their ASCII (punycode) form.
"""

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator, EmailValidator

DOMAIN_MAX = 120  # domains.domain
ALIAS_MAX = 120  # aliases.mail and aliases.destination
MAILBOX_MAX = 128  # users.id

_domain_validator = DomainNameValidator(accept_idna=False)
_email_validator = EmailValidator()


def _clean(text: str, what: str) -> str:
    if text is None:
        raise ValidationError(f"A {what} is required.", code="required")
    text = str(text).strip()
    if not text:
        raise ValidationError(f"A {what} is required.", code="required")
    if any(ord(c) < 32 or ord(c) == 127 for c in text) or " " in text:
        raise ValidationError(
            f"{text!r} is not a valid {what}: it contains spaces or control characters.",
            code="invalid",
        )
    return text


def normalize_domain(text: str) -> str:
    """`Bücher.Example.` → `xn--bcher-kva.example`; raises ValidationError."""
    name = _clean(text, "domain").rstrip(".").lower()
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(f"{text!r} is not a valid domain name.", code="invalid") from None
    try:  # reject punycode that does not decode (xn--zz.org)
        ascii_name.encode("ascii").decode("idna")
    except UnicodeError:
        raise ValidationError(f"{text!r} is not a valid domain name.", code="invalid") from None
    if ascii_name == "localhost":  # the guide hosts it for local mail
        return ascii_name
    if "." not in ascii_name:
        raise ValidationError(f"{text!r} is not a fully qualified domain name.", code="invalid")
    try:
        _domain_validator(ascii_name)
    except ValidationError:
        raise ValidationError(f"{text!r} is not a valid domain name.", code="invalid") from None
    if len(ascii_name) > DOMAIN_MAX:
        raise ValidationError(
            f"{text!r} is too long: a domain has at most {DOMAIN_MAX} characters.", code="too_long"
        )
    return ascii_name


def display_domain(name: str) -> str:
    """Punycode → Unicode for display; unchanged when it cannot be decoded."""
    try:
        return name.encode("ascii").decode("idna")
    except UnicodeError:
        return name


def normalize_address(text: str, *, max_length: int = MAILBOX_MAX) -> str:
    """`John.Doe@Example.ORG` → `john.doe@example.org`; raises ValidationError."""
    address = _clean(text, "mail address")
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise ValidationError(f"{address!r} is not a mail address (local@domain).", code="invalid")
    if len(local) > 64:
        raise ValidationError(
            f"{text!r} is not a valid mail address: its local part exceeds 64 characters.",
            code="invalid",
        )
    domain = normalize_domain(domain)
    address = f"{local.lower()}@{domain}"
    try:
        _email_validator(address)
    except ValidationError:
        raise ValidationError(f"{text!r} is not a valid mail address.", code="invalid") from None
    if len(address) > max_length:
        raise ValidationError(
            f"{text!r} is too long: at most {max_length} characters.", code="too_long"
        )
    return address


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]
