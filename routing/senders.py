"""Who may send as an address: Postfix's `smtpd_sender_login_maps` over the guide's tables.

`mail config postfix` writes these rules as one query (`mysql_sender_login.cf`) and a
submission service whose `reject_sender_login_mismatch` refuses (553) a logged-in client
whose login name does not own the MAIL FROM address (`master.cf.mailadmin`). The
`mailstack` test layer sends through real Postfix with SASL to check both.

- Postfix looks the sender up as itself, then (with a recipient delimiter) without its
  extension, then as `@domain`; the first key with an answer decides (mail_addr_find).
- A key's owners, the login names the query returns: the key's enabled mailbox; the
  destinations of its enabled alias row, one level (a forward or a list lets each listed
  mailbox send as it; a self-alias its mailbox); and, when the key has no enabled alias row
  of its own, the enabled mailbox with the same local part at the target of its domain's
  enabled domain alias (`user@alias.tld` → `user@target.tld`).
- `@domain` answers nothing (the query's `%u` is empty): a catch-all lets no one send as
  every address of its domain. Login names are compared without regard to case.

`owners` answers "who may send as X"; `addresses_of` "as which addresses may mailbox M
send", by asking `owners` about every address that could name M.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from aliases.models import Alias, is_domain_source
from routing.extensions import split_extension
from routing.rules import enabled_alias, is_domain_alias, split_address
from routing.tables import LazyTables, Tables

# Why a login name owns a key.
MAILBOX = "mailbox"  # the key is the mailbox itself
LISTED = "listed"  # the key's alias row lists it
DOMAIN_ALIAS = "domain-alias"  # same user at the target of the key's domain alias


@dataclass(frozen=True)
class Owner:
    login: str  # a login name the map returns (lower case)
    why: str  # MAILBOX, LISTED, DOMAIN_ALIAS
    rule: str  # the row that grants it: the mailbox, the alias's `mail`, or '@alias.tld'
    mailbox: bool  # an enabled mailbox: this login can authenticate

    @property
    def text(self) -> str:
        if self.why == MAILBOX:
            return _("its own mailbox")
        if self.why == LISTED:
            return _("listed by the alias %(alias)s") % {"alias": self.rule}
        return _("the same user at the target of the domain alias %(alias)s") % {"alias": self.rule}


@dataclass(frozen=True)
class SenderOwners:
    """The answer of smtpd_sender_login_maps for one MAIL FROM address."""

    sender: str
    keys: tuple[str, ...]  # the keys Postfix looks up, in order
    key: str  # the key that answered ('' when none did)
    owners: tuple[Owner, ...]

    @property
    def logins(self) -> list[str]:
        return list(dict.fromkeys(o.login for o in self.owners))

    @property
    def mailboxes(self) -> list[str]:
        """The mailboxes that may send as the address."""
        return list(dict.fromkeys(o.login for o in self.owners if o.mailbox))

    def allows(self, login: str) -> bool:
        """reject_sender_login_mismatch lets `login` send as the address."""
        return login.strip().lower() in self.logins


def sender_keys(tables: Tables, sender: str) -> list[str]:
    """The keys smtpd_sender_login_maps is asked, in order (mail_addr_find)."""
    local, domain = split_address(sender)
    keys = [sender]
    split = split_extension(sender, tables.delimiter) if local else None
    if split:
        keys.append(split[0])
    if domain:
        keys.append(f"@{domain}")
    return keys


def key_owners(tables: Tables, key: str) -> list[Owner]:
    """What mysql_sender_login.cf returns for one key."""
    local, domain = split_address(key)
    if not local or not domain:  # '@domain' or unqualified: the query is suppressed
        return []

    def owner(login: str, why: str, rule: str) -> Owner:
        login = login.lower()
        return Owner(login, why, rule, bool(tables.mailbox_enabled(login)))

    found = []
    if tables.mailbox_enabled(key):
        found.append(owner(key, MAILBOX, key))
    row = enabled_alias(tables, key)
    if row is not None:
        found += [owner(d, LISTED, row.mail) for d in row.destinations]
    else:
        domain_row = enabled_alias(tables, f"@{domain}")
        if domain_row is not None and is_domain_alias(domain_row):
            target = local + domain_row.destination
            if tables.mailbox_enabled(target.lower()):
                found.append(owner(target, DOMAIN_ALIAS, domain_row.mail))
    return found


def owners(sender: str, tables: Tables | None = None) -> SenderOwners:
    """Who may send as `sender` (case-insensitive) through the submission service."""
    tables = tables or LazyTables()
    sender = sender.strip().lower()
    keys = sender_keys(tables, sender)
    for key in keys:
        found = key_owners(tables, key)
        if found:
            return SenderOwners(sender, tuple(keys), key, tuple(found))
    return SenderOwners(sender, tuple(keys), "", ())


@dataclass(frozen=True)
class SendAs:
    """An address a mailbox may send as, and the owner entry that grants it."""

    address: str
    owner: Owner


def addresses_of(mailbox: str, tables: Tables | None = None) -> list[SendAs]:
    """The addresses `mailbox` may send as: itself, the alias rows listing it, the same user
    at every domain aliased to its domain, each as `owners` answers. With a recipient
    delimiter each of them also with an extension (`user+tag@domain`), unless that address
    has an alias row of its own (`owners` answers for it)."""
    tables = tables or LazyTables()
    mailbox = mailbox.strip().lower()
    local, domain = split_address(mailbox)
    # LIKE for one mailbox's handful of rows; `owners` checks each exactly.
    listing = Alias.objects.filter(
        Q(destination__contains=mailbox) | Q(destination=f"@{domain}"), enabled=True
    ).values_list("mail", "destination")
    candidates = [mailbox]
    for mail, destination in listing.order_by("mail"):
        if not is_domain_source(mail):
            candidates.append(mail)
        elif destination.startswith("@"):
            candidates.append(f"{local}{mail}")
    found = []
    for address in dict.fromkeys(a.lower() for a in candidates):
        grant = next((o for o in owners(address, tables).owners if o.login == mailbox), None)
        if grant is not None:
            found.append(SendAs(address, grant))
    return found
