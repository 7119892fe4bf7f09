"""The reads of the guide's tables that Postfix's lookups make, in two implementations.

`routing.rules` asks a `Tables` five questions: the `aliases` row of a key (an address or
`@domain`, enabled or not), whether a `domains` row is enabled, its transport and whether
the panel marks it a backup MX (a relay domain, `domains.models.relay_nexthop`), and
whether a `users` row is enabled (None: no such row). A `Tables` also says how Postfix
forms the keys: whether it folds case, and its recipient delimiter (`routing.extensions`;
default MAILADMIN_RECIPIENT_DELIMITER).

- `LazyTables`: one query per key asked, cached, as a single trace needs (`overrides` are
  enabled alias rows read before the database: a row not saved yet, or replacing the saved
  one). Keys fold case, as Postfix's MySQL lookups do.
- `PreloadedTables`: the enabled rows a whole-database pass needs, read once in a constant
  number of streamed queries (`PreloadedTables.load`), then looked up in memory. Keys are
  exact: the rows as stored.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from aliases.models import DOMAIN_SOURCE, Alias, split_destinations
from domains.models import HOSTED_TRANSPORT, Domain, Mailbox, RelaySetting
from mailadmin.addresses import domain_of
from routing.extensions import recipient_delimiter, split_extension

STREAM_CHUNK = 2000

DOMAIN_ROW = DOMAIN_SOURCE.q  # '@domain' rows: catch-alls and domain aliases (aliases.models)


class AliasRow(Protocol):
    """An `aliases` row as the rules read it (an `Alias`, or a preloaded `EnabledRow`)."""

    mail: str
    destination: str  # the column as stored: comma-separated, or '@target'
    destinations: list[str]  # its addresses, as Postfix splits them
    enabled: bool


class EnabledRow:
    """An enabled `aliases` row held in memory, its destinations already split."""

    __slots__ = ("mail", "destinations")
    enabled = True

    def __init__(self, mail: str, destinations: list[str]):
        self.mail = mail
        self.destinations = destinations

    @property
    def destination(self) -> str:
        return ",".join(self.destinations)


class Tables(Protocol):
    fold_case: bool  # whether results are folded to lower case, as Postfix's lookups do
    delimiter: str  # Postfix's recipient_delimiter ('' when address extensions are off)

    def alias(self, mail: str) -> AliasRow | None:
        """The `aliases` row `mail` (an address or '@domain'), enabled or not."""

    def domain_enabled(self, name: str) -> bool | None:
        """Whether the `domains` row `name` is enabled; None: there is no such row."""

    def domain_transport(self, name: str) -> str:
        """The transport of the enabled `domains` row `name` ('virtual:' when none)."""

    def backup_mx(self, name: str) -> bool:
        """Whether the panel marks the domain `name` a backup MX (any recipient accepted)."""

    def mailbox_enabled(self, address: str) -> bool | None:
        """Whether the `users` row `address` is enabled; None: there is no such row."""


class LazyTables:
    """Cached reads of the three tables, one query per key, as Postfix's maps see them.
    `overrides` (alias source → destination string) are enabled rows read before the
    database: a row that is not saved yet, or replaces the saved one."""

    fold_case = True

    def __init__(self, overrides: dict[str, str] | None = None, delimiter: str | None = None):
        self.delimiter = recipient_delimiter() if delimiter is None else delimiter
        self.aliases: dict[str, Alias | None] = {}
        for mail, destination in (overrides or {}).items():
            mail = mail.strip().lower()
            self.aliases[mail] = Alias(mail=mail, destination=destination, enabled=True)
        self.domains: dict[str, Domain | None] = {}
        self.backup_mx_domains: dict[str, bool] = {}
        self.mailboxes: dict[str, Mailbox | None] = {}

    def read_instead(
        self, *, aliases: Iterable[Alias] = (), mailboxes: Iterable[Mailbox] = ()
    ) -> "LazyTables":
        """Take these rows (enabled or not) in place of the database's: the tables as a
        change would leave them."""
        for alias in aliases:
            self.aliases[alias.mail] = alias
        for mailbox in mailboxes:
            self.mailboxes[mailbox.address] = mailbox
        return self

    def alias(self, mail: str) -> Alias | None:
        if mail not in self.aliases:
            self.aliases[mail] = Alias.objects.filter(mail=mail).first()
        return self.aliases[mail]

    def domain(self, name: str) -> Domain | None:
        if name not in self.domains:
            self.domains[name] = Domain.objects.filter(domain=name).first()
        return self.domains[name]

    def domain_enabled(self, name: str) -> bool | None:
        domain = self.domain(name)
        return None if domain is None else bool(domain.enabled)

    def domain_transport(self, name: str) -> str:
        domain = self.domain(name)
        return domain.transport if domain is not None and domain.enabled else HOSTED_TRANSPORT

    def backup_mx(self, name: str) -> bool:
        if name not in self.backup_mx_domains:
            self.backup_mx_domains[name] = RelaySetting.objects.filter(
                domain__domain=name, backup_mx=True
            ).exists()
        return self.backup_mx_domains[name]

    def mailbox(self, address: str) -> Mailbox | None:
        if address not in self.mailboxes:
            self.mailboxes[address] = Mailbox.objects.filter(address=address).first()
        return self.mailboxes[address]

    def mailbox_enabled(self, address: str) -> bool | None:
        mailbox = self.mailbox(address)
        return None if mailbox is None else bool(mailbox.enabled)


@dataclass
class PreloadedTables:
    """The enabled routing rows, as Postfix sees them, restricted to what a whole-database
    pass over the routes needs (`load`). Disabled alias rows are not read: Postfix ignores
    them."""

    domains: dict[str, bool]  # every domains row: name -> enabled
    domain_rows: dict[str, list[str]]  # enabled '@domain' rows: domain -> destinations
    forwards: dict[str, list[str]]  # enabled address rows with a local destination, not self
    # Enabled address rows among the addresses the routes reach. Those that are not in
    # `forwards` (a self row, or destinations outside) are known by name only: their
    # destinations lead nowhere the routes follow.
    known_aliases: set[str] = field(default_factory=set)
    mailboxes: dict[str, bool] = field(default_factory=dict)  # mailboxes the routes reach
    delimiter: str = field(default_factory=recipient_delimiter)
    transports: dict[str, str] = field(default_factory=dict)  # enabled relay domains' transport
    backup_mx_domains: set[str] = field(default_factory=set)

    fold_case = False

    def alias(self, mail: str) -> EnabledRow | None:
        if mail.startswith("@"):
            targets = self.domain_rows.get(mail[1:])
            return None if targets is None else EnabledRow(mail, targets)
        targets = self.forwards.get(mail)
        if targets is not None:
            return EnabledRow(mail, targets)
        return EnabledRow(mail, []) if mail in self.known_aliases else None

    def domain_enabled(self, name: str) -> bool | None:
        return self.domains.get(name)

    def domain_transport(self, name: str) -> str:
        return self.transports.get(name, HOSTED_TRANSPORT)

    def backup_mx(self, name: str) -> bool:
        return name in self.backup_mx_domains

    def mailbox_enabled(self, address: str) -> bool | None:
        return self.mailboxes.get(address)

    def is_local(self, address: str) -> bool:
        """Whether the domain of `address` has a `domains` row (enabled or not)."""
        return domain_of(address) in self.domains

    @classmethod
    def load(cls, delimiter: str | None = None) -> "PreloadedTables":
        """Five queries: domains, backup MX settings, '@domain' rows, address rows (twice,
        streamed), mailboxes.
        `delimiter`: the recipient delimiter assumed (default MAILADMIN_RECIPIENT_DELIMITER)."""
        from routing.rules import rewrites

        domains: dict[str, bool] = {}
        transports: dict[str, str] = {}
        for name, enabled, transport in (
            Domain.objects.order_by()
            .values_list("domain", "enabled", "transport")
            .iterator(STREAM_CHUNK)
        ):
            domains[name] = bool(enabled)
            if enabled and transport != HOSTED_TRANSPORT:
                transports[name] = transport
        backup_mx_domains = set(
            RelaySetting.objects.filter(backup_mx=True).values_list("domain__domain", flat=True)
        )
        domain_rows = {
            mail[1:]: split_destinations(destination)
            for mail, destination in Alias.objects.filter(DOMAIN_ROW, enabled=True)
            .order_by()
            .values_list("mail", "destination")
            .iterator(STREAM_CHUNK)
        }
        delimiter = recipient_delimiter() if delimiter is None else delimiter
        tables = cls(
            domains=domains,
            domain_rows=domain_rows,
            forwards={},
            delimiter=delimiter,
            transports=transports,
            backup_mx_domains=backup_mx_domains,
        )
        wanted: set[str] = set()
        rows = (
            Alias.objects.filter(enabled=True)
            .forwards()
            .values_list("mail", "destination")
            .order_by()
        )
        for mail, destination in rows.iterator(STREAM_CHUNK):
            targets = split_destinations(destination)
            local = [t for t in targets if not t.startswith("@") and tables.is_local(t)]
            if local:
                tables.forwards[mail] = targets
                wanted.update(local)
        for targets in domain_rows.values():
            wanted.update(t for t in targets if not t.startswith("@") and tables.is_local(t))
        for address in list(wanted):
            wanted.update(rewrites(tables, address))
        # An address with an extension is also looked up without it (routing.extensions).
        wanted.update(
            split[0] for address in list(wanted) if (split := split_extension(address, delimiter))
        )
        enabled_rows = Alias.objects.filter(enabled=True).exclude(DOMAIN_ROW).order_by()
        for (mail,) in enabled_rows.values_list("mail").iterator(STREAM_CHUNK):
            if mail in wanted:
                tables.known_aliases.add(mail)
        for address, enabled in (
            Mailbox.objects.order_by().values_list("address", "enabled").iterator(STREAM_CHUNK)
        ):
            if address in wanted:
                tables.mailboxes[address] = bool(enabled)
        return tables
