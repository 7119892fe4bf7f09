"""Address extensions (`user+tag@domain`): Postfix's `recipient_delimiter`, as assumed here.

MAILADMIN_RECIPIENT_DELIMITER (default `+`; empty: off) is what `mail config postfix` writes
into main.cf.mailadmin. With it Postfix (3.7, measured by the `mailstack` test layer):

- looks `user+tag@domain` up in `virtual_alias_maps` as `user+tag@domain`, then
  `user@domain`, then `@domain` (mail_addr_find), every map for one key before the next;
- carries the extension onto each result of a `user@domain` match
  (`propagate_unmatched_extensions` = canonical, virtual): `karl+x@…` forwarded to
  `karl.vovianda@gmail.com` goes out as `karl.vovianda+x@gmail.com`. A `user+tag@domain` row
  matched whole, and an `@domain` row has no extension to carry: a catch-all's targets stay
  as written, and a domain alias keeps the whole local part (`vivita+x@alias` →
  `vivita+x@target`);
- looks a final recipient up in `virtual_mailbox_maps` (virtual(8), and smtpd at RCPT) the
  same way: `xandros+tag@…` is delivered to xandros's maildir.

The extension starts at the first delimiter character of the local part (`a+b+c` is `a` with
`+b+c`). Never split: `postmaster`, `mailer-daemon`, `double-bounce`, a local part that starts
with a delimiter, and, when `-` is a delimiter, `owner-…` and `…-request` (split_addr).
"""

from django.conf import settings

from mailadmin.addresses import check_recipient_delimiter

NEVER_SPLIT = ("postmaster", "mailer-daemon", "double-bounce")


def recipient_delimiter() -> str:
    """The recipient delimiter assumed (MAILADMIN_RECIPIENT_DELIMITER; '' when off)."""
    return check_recipient_delimiter(settings.MAILADMIN_RECIPIENT_DELIMITER)


def split_extension(address: str, delimiter: str) -> tuple[str, str] | None:
    """(the address without its extension, the extension with its delimiter), as Postfix's
    strip_addr splits `address`; None when it has no extension (or `delimiter` is '')."""
    if not delimiter:
        return None
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    folded = local.lower()
    if folded in NEVER_SPLIT:
        return None
    if "-" in delimiter and (
        folded.startswith("owner-") or (len(folded) > 8 and folded.endswith("-request"))
    ):
        return None
    cut = next((i for i, c in enumerate(local) if c in delimiter), None)
    if not cut:  # no delimiter, or one first: the user part would be empty
        return None
    return local[:cut] + at + domain, local[cut:]


def add_extension(address: str, extension: str) -> str:
    """`address` with `extension` inserted before its last '@' (appended when it has none),
    as Postfix propagates an unmatched extension onto an alias result."""
    if not extension:
        return address
    local, at, domain = address.rpartition("@")
    return f"{local}{extension}@{domain}" if at else address + extension


def describe(delimiter: str) -> str:
    """What the tracer says it assumes."""
    if not delimiter:
        return "recipient delimiter: none (address extensions off)"
    return f"recipient delimiter: {delimiter}"
