"""Normalising and validating domains and addresses the way the mail tables store them.

Everything is stored lower-case ASCII, domains in their punycode form. The stored form is
also the lookup form: the one an exact (binary) comparison finds, so no collation can match
a second spelling to a row.

- Domains go through IDNA as mail clients send them: `Bücher.example` is
  `xn--bcher-kva.example`, fullwidth letters and `。` (or another IDNA full stop) map to
  their ASCII forms. One trailing dot (the FQDN form) is dropped; two are refused, as is a
  top-level domain that is not letters (`example.123`: no such TLD, it reads as an address).
- Local parts are an RFC 5322 dot-atom of ASCII letters, digits and `!#$%&'*+-=?^_`{|}~`,
  without `/`: the maildir of a mailbox is `domain/local/`, so the local part is one path
  component that can be neither `.`, `..`, hidden (leading dot) nor a Maildir++ folder
  (`xandros/.sent`). Quoted local parts are refused (`"x/../../other.tld/bob/"@theirs`),
  and so is anything not ASCII: Postfix and Courier compare local parts byte for byte, so
  `josé`, `ｊｏｈｎ`, U+212A (Kelvin sign, whose lower() is `k`) or U+017F (long s, which
  matches `s` case-insensitively) would be other addresses to them, never `jose`, `john`,
  `k` or `s`.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.utils.translation import gettext as _

DOMAIN_MAX = 120  # domains.domain
ALIAS_MAX = 120  # aliases.mail and aliases.destination
MAILBOX_MAX = 128  # users.id

_domain_validator = DomainNameValidator(accept_idna=False)
_ATOM = r"[a-z0-9!#$%&'*+=?^_`{|}~-]+"
_LOCAL_PART = re.compile(rf"{_ATOM}(?:\.{_ATOM})*\Z", re.IGNORECASE)
_IDNA_DOTS = re.compile("[\u002e\u3002\uff0e\uff61]")  # the full stops IDNA separates on
_TLD = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})\Z")


def _clean(text: str, kind: str) -> str:
    """`text` stripped; `kind` is "domain" or "address" (the words of the errors)."""
    if kind == "domain":
        required = _("A domain is required.")
        spaces = _("%(value)s is not a valid domain: it contains spaces or control characters.")
    else:
        required = _("A mail address is required.")
        spaces = _(
            "%(value)s is not a valid mail address: it contains spaces or control characters."
        )
    if text is None:
        raise ValidationError(required, code="required")
    text = str(text).strip()
    if not text:
        raise ValidationError(required, code="required")
    if any(ord(c) < 32 or ord(c) == 127 for c in text) or " " in text:
        raise ValidationError(spaces % {"value": repr(text)}, code="invalid")
    return text


def normalize_domain(text: str) -> str:
    """`Bücher.Example.` → `xn--bcher-kva.example`; raises ValidationError."""
    name = _IDNA_DOTS.sub(".", _clean(text, "domain"))
    words = {"value": repr(text)}
    invalid = _("%(value)s is not a valid domain name.")
    if name.endswith(".."):
        raise ValidationError(
            _("%(value)s is not a valid domain name: it ends in more than one dot.") % words,
            code="invalid",
        )
    name = name.removesuffix(".").lower()
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(invalid % words, code="invalid") from None
    try:  # reject punycode that does not decode (xn--zz.org)
        ascii_name.encode("ascii").decode("idna")
    except UnicodeError:
        raise ValidationError(invalid % words, code="invalid") from None
    if ascii_name == "localhost":  # the guide hosts it for local mail
        return ascii_name
    if "." not in ascii_name:
        raise ValidationError(
            _("%(value)s is not a fully qualified domain name.") % words, code="invalid"
        )
    try:
        _domain_validator(ascii_name)
    except ValidationError:
        raise ValidationError(invalid % words, code="invalid") from None
    if not _TLD.match(ascii_name.rpartition(".")[2]):
        words["tld"] = repr(ascii_name.rpartition(".")[2])
        raise ValidationError(
            _(
                "%(value)s is not a valid domain name: its top-level domain %(tld)s is not "
                "a word of letters."
            )
            % words,
            code="invalid_tld",
        )
    if len(ascii_name) > DOMAIN_MAX:
        words["limit"] = DOMAIN_MAX
        raise ValidationError(
            _("%(value)s is too long: a domain has at most %(limit)s characters.") % words,
            code="too_long",
        )
    return ascii_name


def display_domain(name: str) -> str:
    """Punycode → Unicode for display; unchanged when it cannot be decoded."""
    try:
        return name.encode("ascii").decode("idna")
    except UnicodeError:
        return name


def normalize_local_part(text: str) -> str:
    """A local part as stored (lower-case ASCII dot-atom); raises ValidationError.

    The one rule for what may precede the `@` of every address the panel writes, and so
    for the `local` component of a maildir `domain/local/`.
    """
    words = {"value": repr(text)}
    if '"' in text or "\\" in text:
        raise ValidationError(
            _('%(value)s is not allowed as a local part: quoting (" or \\) is not accepted.')
            % words,
            code="quoted_local_part",
        )
    if "/" in text:
        raise ValidationError(
            _("%(value)s is not allowed as a local part: it may not contain '/'.") % words,
            code="slash_local_part",
        )
    if not text.isascii():
        raise ValidationError(
            _(
                "%(value)s is not allowed as a local part: use ASCII letters and digits "
                "(the mail servers compare local parts byte for byte, so accented or fullwidth "
                "letters would make another address)."
            )
            % words,
            code="non_ascii_local_part",
        )
    if not _LOCAL_PART.match(text):
        words["allowed"] = "!#$%&'*+-=?^_`{|}~"
        raise ValidationError(
            _(
                "%(value)s is not a valid local part: letters, digits and %(allowed)s, "
                "with single dots between them (not first or last)."
            )
            % words,
            code="invalid_local_part",
        )
    if len(text) > 64:
        words["limit"] = 64
        raise ValidationError(
            _("%(value)s is not a valid local part: it exceeds %(limit)s characters.") % words,
            code="invalid_local_part",
        )
    return text.lower()


def normalize_address(text: str, *, max_length: int = MAILBOX_MAX) -> str:
    """`John.Doe@Example.ORG` → `john.doe@example.org`; raises ValidationError."""
    address = _clean(text, "address")
    local, at, domain = address.rpartition("@")
    if not at or not local:
        raise ValidationError(
            _("%(value)s is not a mail address (local@domain).") % {"value": repr(address)},
            code="invalid",
        )
    try:
        local = normalize_local_part(local)
    except ValidationError as error:
        # Translators: reason is one of the sentences saying what is wrong with a local part.
        message = _("%(value)s is not a valid mail address: %(reason)s")
        words = {"value": repr(text), "reason": error.messages[0]}
        raise ValidationError(message % words, code=error.code) from None
    address = f"{local}@{normalize_domain(domain)}"
    if len(address) > max_length:
        raise ValidationError(
            _("%(value)s is too long: at most %(limit)s characters.")
            % {"value": repr(text), "limit": max_length},
            code="too_long",
        )
    return address


def domain_of(address: str) -> str:
    return address.rpartition("@")[2]


# Postfix's recipient_delimiter (`user+tag@domain`): Postfix takes any characters, but a
# space, '@', '$' (main.cf expands it) or one of RFC 5322's specials would break the
# address or main.cf, so only the other printable ASCII characters are accepted.
_DELIMITER_REFUSED = frozenset(' @$"\\(),:;<>[]')


def check_recipient_delimiter(value: str) -> str:
    """`value` as a recipient delimiter: one or more characters, each of which separates a
    local part from its extension ('' turns extensions off); raises ValidationError."""
    bad = [c for c in value if not (c.isascii() and c.isprintable()) or c in _DELIMITER_REFUSED]
    if bad:
        # English: a setting's check, made while the settings load (gettext cannot run yet).
        raise ValidationError(
            f"{value!r} cannot be a recipient delimiter: {''.join(dict.fromkeys(bad))!r} would "
            "break an address or main.cf (use printable ASCII characters other than space, "
            '@, $ and "\\(),:;<>[]; e.g. + or -; empty: no address extensions).',
            code="invalid_delimiter",
        )
    return value
