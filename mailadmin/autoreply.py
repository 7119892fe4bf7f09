"""The reserved autoreply addresses of the vacation responder (docs/VACATION.md).

While a mailbox's vacation is on, its own alias row also lists `autoreply_address(mailbox)`:
`ann@example.net` → `ann#example.net@<MAILADMIN_AUTOREPLY_DOMAIN>`. Postfix hands mail for
that domain to the vacation pipe service (transport_maps, `mail config postfix`), whose
program maps the address back (`mailbox_of`). The default domain, under `.invalid`, can never
be delivered anywhere else should a map be missing.

An autoreply address is bookkeeping, not a routing choice: a mailbox's own row that lists
only the mailbox and its autoreply address is still its self-alias (aliases.models).
"""

from django.conf import settings

SEPARATOR = "#"  # between the local part and the domain of the mailbox


def autoreply_domain() -> str:
    return settings.MAILADMIN_AUTOREPLY_DOMAIN


def autoreply_address(mailbox: str) -> str:
    local, _, domain = mailbox.rpartition("@")
    return f"{local}{SEPARATOR}{domain}@{autoreply_domain()}"


def is_autoreply(address: str) -> bool:
    return address.rpartition("@")[2].lower() == autoreply_domain()


def mailbox_of(address: str) -> str | None:
    """The mailbox an autoreply address stands for; None for any other address."""
    local, _, domain = address.strip().lower().rpartition("@")
    if domain != autoreply_domain() or SEPARATOR not in local:
        return None
    user, _, mailbox_domain = local.rpartition(SEPARATOR)
    return f"{user}@{mailbox_domain}" if user and mailbox_domain else None
