"""Bulk export in the import's format (bulk.csvformat): hashes as stored, never clear text.

Importing an export into an empty database gives the same `domains`, `users` and `aliases`
rows (the `pkid` numbers aside), `users.clear` always empty. A mailbox's self-alias is
implied by its mailbox row and left out; a mailbox's own alias row that says more (a
forward keeping a local copy, or an `enabled` state of its own) is exported as an alias
row, which the import puts back in its place.
"""

from collections.abc import Iterator
from typing import TextIO

from aliases.models import Alias, AliasKind
from audit.services import Actor, record
from bulk.csvformat import write_rows
from domains.models import Domain, Mailbox
from limits.services import size_cell

CHUNK = 2000


def _flag(value) -> str:
    return "1" if value else "0"


def export_rows() -> Iterator[dict[str, str]]:
    for domain in Domain.objects.select_related("limits").order_by("domain").iterator(CHUNK):
        row = {
            "kind": "domain",
            "address": domain.domain,
            "transport": domain.transport,
            "enabled": _flag(domain.enabled),
        }
        limits = getattr(domain, "limits", None)
        if limits is not None:
            for column, key in (("max_mailboxes", "mailboxes"), ("max_aliases", "aliases")):
                value = getattr(limits, key)
                row[column] = "" if value is None else str(value)
            row["max_quota"] = size_cell(limits.max_quota)
            row["total_quota"] = size_cell(limits.total_quota)
            row["default_quota"] = limits.default_quota
        yield row
    mailbox_enabled: dict[str, bool] = {}
    for mailbox in Mailbox.objects.order_by("address").iterator(CHUNK):
        mailbox_enabled[mailbox.address] = bool(mailbox.enabled)
        yield {
            "kind": "mailbox",
            "address": mailbox.address,
            "name": mailbox.name,
            "crypt": mailbox.crypt,
            "quota": mailbox.quota,
            "enabled": _flag(mailbox.enabled),
            "change_password": _flag(mailbox.change_password),
            "maildir": mailbox.maildir,
            "home": mailbox.home,
            "uid": str(mailbox.uid),
            "gid": str(mailbox.gid),
            "procmailrc": mailbox.procmailrc,
            "spamassassinrc": mailbox.spamassassinrc,
        }
    for alias in Alias.objects.order_by("mail").iterator(CHUNK):
        if alias.kind is AliasKind.SELF and mailbox_enabled.get(alias.mail) == alias.enabled:
            continue  # the self-alias the import creates with the mailbox
        yield {
            "kind": "alias",
            "address": alias.mail,
            "destination": alias.destination,
            "enabled": _flag(alias.enabled),
        }


def export_csv(stream: TextIO, *, actor: Actor, target: str = "csv") -> int:
    """Write every domain, mailbox and alias to `stream`; one audit entry; the row count."""
    count = write_rows(stream, export_rows())
    record(actor, "export", "bulk", target, message=f"exported {count} row(s)")
    return count
