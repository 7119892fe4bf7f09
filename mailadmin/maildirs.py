"""Where a mailbox's mail lives on disk: `users.maildir`, relative to `virtual_mailbox_base`.

Postfix delivers to `virtual_mailbox_base/maildir` and Courier and Dovecot read
`home/maildir`; both take `..` and `/` in it literally. So a maildir is judged as a path:
it must stay under the base, and a mailbox's must stay out of other domains' directories
and out of other mailboxes' maildirs (`xandros/.sent/` is a Maildir++ folder of `xandros/`).

The panel's layout is `domain/local/`, built from a validated address only (`for_address`).
Adopted databases may keep the guide's `local/`.
"""

import posixpath
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mailadmin.addresses import normalize_address


def resolve(maildir: str) -> str | None:
    """`a/./b//c/` → `a/b/c/`: the path as the servers open it, relative to the base; None
    when it is absolute, empty, or climbs out of the base."""
    if not maildir or maildir.startswith("/"):
        return None
    path = posixpath.normpath(maildir)
    if path in (".", "..") or path.startswith("../"):
        return None
    return path + "/"


def outside_own_domain(path: str, domain: str, domains: Collection[str]) -> str | None:
    """The other hosted domain whose directory a resolved `path` lies in, if any."""
    top = path.partition("/")[0]
    return top if top != domain and top in domains else None


def validate(maildir: str, address: str = "", domains: Collection[str] = ()) -> str:
    """A maildir a writer may store for `address`; raises ValidationError.

    A plain relative path ending in '/' (no '.', '..', empty or hidden components, no
    backslash, space or control character), not inside another hosted domain's directory
    (`domains`: the hosted names) and not its own domain's directory itself.
    """
    parts = maildir.split("/")
    if (
        not maildir.endswith("/")
        or maildir.startswith("/")
        or any(not p or p.startswith(".") for p in parts[:-1])
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "\\" for c in maildir)
    ):
        raise ValidationError(
            _(
                "maildir %(maildir)s must be a path relative to home ending in '/' "
                "(e.g. example.org/john/), without '.', '..', hidden folders or spaces."
            )
            % {"maildir": repr(maildir)},
            code="invalid_maildir",
        )
    domain = address.rpartition("@")[2]
    other = outside_own_domain(maildir, domain, domains)
    words = {"maildir": repr(maildir), "domain": domain, "other": other}
    if other:
        raise ValidationError(
            _("maildir %(maildir)s lies in the directory of domain %(other)s, not of %(domain)s.")
            % words,
            code="maildir_elsewhere",
        )
    if domain and maildir == f"{domain}/":
        words["example"] = f"{domain}/{address.rpartition('@')[0]}/"
        raise ValidationError(
            _(
                "maildir %(maildir)s is the directory of the whole domain: give the mailbox a "
                "folder in it (e.g. %(example)s)."
            )
            % words,
            code="maildir_elsewhere",
        )
    return maildir


def for_address(address: str) -> str:
    """The maildir `domain/local/` of a new mailbox, from its validated parts."""
    address = normalize_address(address)
    local, _, domain = address.rpartition("@")
    maildir = f"{domain}/{local}/"
    # normalize_address makes both parts single safe components; this asserts it.
    if resolve(maildir) != maildir or maildir.count("/") != 2 or local.startswith("."):
        raise ValidationError(
            f"{address!r} cannot be a maildir: it would leave {domain}/.", code="invalid_maildir"
        )
    return maildir
