"""Postfix's resolution of an address through the guide's tables, written once.

Every function reads the tables through a `routing.tables.Tables`, so a single trace
(lazy reads) and a whole-database pass (preloaded rows) apply the same rules:

- `lookup`: one `virtual_alias_maps` lookup (mail_addr_find): the address's own enabled
  row, then (an address with an extension, `routing.extensions`) the row of the address
  without it, whose results get the extension, then the enabled `@domain` row; disabled rows
  are ignored. A result `@target` keeps the local part. Under the `no-backscatter` style a
  domain alias rewrites `user@alias` to `user@target` only when that target exists, and the
  plain map skips domain-alias rows.
- `expand`: cleanup's recursive expansion, until each address has no row or maps to
  itself (a self row ends at the mailbox), within Postfix's recursion, expansion and
  address length limits.
- `hosted` (`virtual_mailbox_domains`: an enabled `domains` row) and `deliver`
  (virtual(8): an enabled `users` row of the address, else of the address without its
  extension, else an enabled `@domain` users row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from aliases.models import is_domain_source, is_domain_target, split_destinations
from domains.models import relay_nexthop
from mailadmin.autoreply import is_autoreply
from routing.extensions import add_extension, split_extension
from routing.styles import GUIDE, NO_BACKSCATTER

if TYPE_CHECKING:
    from routing.tables import AliasRow, Tables

RECURSION_LIMIT = 1000  # virtual_alias_recursion_limit
EXPANSION_LIMIT = 1000  # virtual_alias_expansion_limit
ADDRESS_LENGTH_LIMIT = 1000  # virtual_alias_address_length_limit
MAX_ROUTE_HOPS = 50  # domain-alias rewrites `rewrites` follows

# Which row a lookup applied.
ALIAS = "alias"  # the address's own row
SELF = "self"  # the address's own row, mapping it to itself: expansion stops at the mailbox
CATCH_ALL = "catch-all"  # the '@domain' row, listing addresses
DOMAIN_ALIAS = "domain-alias"  # the '@domain' row '@alias → @target', keeping the local part

# Outcomes of a final recipient.
DELIVERED = "delivered"  # to a maildir, by the virtual delivery agent
FORWARDED = "forwarded"  # out by SMTP: the domain is not hosted (or disabled) here
RELAYED = "relayed"  # handed to a relay domain's transport (transport_maps)
BOUNCED = "bounced"  # accepted, then bounced: no enabled mailbox
REJECTED = "rejected"  # refused at RCPT (550 user unknown, 454 relay access denied)
DEFERRED = "deferred"  # accepted at RCPT, then refused with 4.6.0 (alias loop or too many)
AUTOREPLY = "autoreply"  # a vacation's copy, handed to the responder (transport_maps)
OUTCOMES = (DELIVERED, FORWARDED, RELAYED, BOUNCED, REJECTED, DEFERRED, AUTOREPLY)


def split_address(address: str) -> tuple[str, str]:
    """(local part, domain): split at the last '@', as Postfix reads an address."""
    local, _, domain = address.rpartition("@")
    return local, domain


def is_domain_alias(row: AliasRow) -> bool:
    """'@alias → @target': every address of alias.tld goes to the same user of target.tld."""
    return is_domain_source(row.mail) and is_domain_target(row.destination)


def enabled_alias(tables: Tables, mail: str) -> AliasRow | None:
    row = tables.alias(mail)
    return row if row and row.enabled else None


def hosted(tables: Tables, name: str) -> bool:
    """Postfix takes the domain's mail: its `domains` row is enabled (virtual_mailbox_domains
    for a `virtual:` transport, relay_domains for any other)."""
    return bool(tables.domain_enabled(name))


def relay(tables: Tables, name: str) -> tuple[str, str] | None:
    """(service, nexthop) an enabled relay domain's mail is handed to; None for a domain
    hosted here, disabled or unknown."""
    return relay_nexthop(tables.domain_transport(name)) if hosted(tables, name) else None


def relay_recipient(tables: Tables, address: str) -> bool:
    """relay_recipient_maps: an address of a relay domain with an enabled `users` row (of
    the address, or of it without its extension), or any address of a backup MX domain.
    (Enabled alias rows are accepted before, by virtual_alias_maps.)"""
    _, domain = split_address(address)
    return tables.backup_mx(domain) or any(
        tables.mailbox_enabled(key) for key in mailbox_keys(tables, address)
    )


def results_of(tables: Tables, address: str, row: AliasRow) -> list[str]:
    """The addresses `row` sends mail for `address` to: a result `@target` keeps the local
    part of `address`."""
    destination = row.destination
    if destination.startswith("@"):  # Postfix keeps the local part of a @domain result
        results = split_destinations(split_address(address)[0] + destination)
    else:
        results = list(row.destinations)
    return [d.lower() for d in results] if tables.fold_case else results


def target_exists(tables: Tables, target: str) -> bool:
    """The no-backscatter domain-alias map's condition: `target` has an enabled alias row or
    mailbox, or its domain an enabled catch-all (not a domain alias)."""
    _, domain = split_address(target)
    catch_all = enabled_alias(tables, f"@{domain}")
    return (
        enabled_alias(tables, target) is not None
        or bool(tables.mailbox_enabled(target))
        or (catch_all is not None and not catch_all.destination.startswith("@"))
    )


@dataclass(slots=True)
class Lookup:
    """One `virtual_alias_maps` lookup of `address`, with the rows passed over on the way."""

    address: str
    kind: str = ""  # the row applied: ALIAS, SELF, CATCH_ALL, DOMAIN_ALIAS; '' for none
    row: AliasRow | None = None  # the row applied
    results: list[str] | None = None  # None: no row applies, the address is final
    own_disabled: bool = False  # the address's own row exists, disabled: ignored
    # An address with an extension: the address without it (also looked up), whether its
    # row exists disabled, and the extension carried onto the results when that key matched.
    bare: str = ""
    bare_disabled: bool = False
    extension: str = ""
    key: str = ""  # the key whose row applied: the address, `bare`, or '@domain'
    # no-backscatter: the '@domain' domain alias its own map tried, and the address it would
    # rewrite to (rewritten when `kind` is DOMAIN_ALIAS and `by_domain_alias_map`).
    domain_alias: AliasRow | None = None
    domain_alias_target: str = ""
    by_domain_alias_map: bool = False
    skipped_domain_alias: bool = False  # no-backscatter: the plain map skips '@domain'
    domain_row_disabled: bool = False  # the '@domain' row exists, disabled: ignored

    @property
    def stops_here(self) -> bool:
        """The address is among its own results: expansion stops, it goes to its mailbox."""
        return self.results is not None and self.address in self.results


def _applied(
    tables: Tables, found: Lookup, row: AliasRow, kind: str, key: str, extension: str = ""
) -> Lookup:
    found.row = row
    found.key = key
    found.extension = extension
    # A row of the address without its extension: its results as for that address, each
    # with the extension (mail_addr_map; '@target' keeps the local part without it).
    results = results_of(tables, found.bare if extension else found.address, row)
    found.results = [add_extension(r, extension) for r in results]
    found.kind = SELF if kind == ALIAS and found.results == [found.address] else kind
    return found


def lookup(tables: Tables, address: str, style: str = GUIDE) -> Lookup:
    """One virtual_alias_maps lookup (mail_addr_find: user+ext@domain, user@domain, then
    @domain; each map of the style in turn for one key before the next key)."""
    local, domain = split_address(address)
    found = Lookup(address)
    keys = [(address, "")]
    split = split_extension(address, tables.delimiter) if local else None
    if split:
        found.bare = split[0]
        keys.append(split)
    for key, extension in keys:
        own = tables.alias(key)
        if own and own.enabled:
            return _applied(tables, found, own, ALIAS, key, extension)
        if extension:
            found.bare_disabled = own is not None
        else:
            found.own_disabled = own is not None
        if style == NO_BACKSCATTER and local:
            # mysql_alias_domain.cf: user@a → user@b when that target exists.
            row = enabled_alias(tables, f"@{domain}")
            if row and row.destination.startswith("@"):
                found.domain_alias = row
                found.domain_alias_target = split_address(key)[0] + row.destination
                if target_exists(tables, found.domain_alias_target):
                    found.kind = DOMAIN_ALIAS
                    found.row = row
                    found.key = key
                    found.extension = extension
                    found.results = [add_extension(found.domain_alias_target, extension)]
                    found.by_domain_alias_map = True
                    return found
    catch_all = tables.alias(f"@{domain}")
    if catch_all and catch_all.enabled:
        if style == NO_BACKSCATTER and is_domain_alias(catch_all):
            found.skipped_domain_alias = True
            return found
        kind = DOMAIN_ALIAS if is_domain_alias(catch_all) else CATCH_ALL
        return _applied(tables, found, catch_all, kind, f"@{domain}")
    found.domain_row_disabled = catch_all is not None
    return found


def follow(tables: Tables, address: str, style: str = GUIDE) -> list[Lookup]:
    """The lookups of `address` and of what domain aliases rewrite it to, in order, until
    another row (or none) applies; stops on a cycle and after MAX_ROUTE_HOPS rewrites."""
    chain = [lookup(tables, address, style)]
    seen = {address}
    while len(chain) <= MAX_ROUTE_HOPS and chain[-1].kind == DOMAIN_ALIAS:
        rewritten = chain[-1].results[0]
        if rewritten in seen:
            break
        seen.add(rewritten)
        chain.append(lookup(tables, rewritten, style))
    return chain


def rewrites(tables: Tables, address: str, style: str = GUIDE) -> list[str]:
    """`address` and what domain aliases rewrite it to (`follow`)."""
    return [found.address for found in follow(tables, address, style)]


def cycle(chain: list[str]) -> str:
    """'a → b → a' from the addresses one alias slot went through."""
    seen: dict[str, int] = {}
    for index, address in enumerate(chain):
        if address in seen:
            return " → ".join(chain[seen[address] : index + 1])
        seen[address] = index
    # No address came back (an extension carried round grows it): the first rounds.
    return " → ".join(chain if len(chain) <= 5 else [*chain[:4], "…"])


@dataclass
class Expansion:
    """cleanup_map1n's outcome: the final recipients, or none when Postfix defers."""

    recipients: list[str] = field(default_factory=list)
    # A limit was reached: EXPANSION_LIMIT 'expansion', RECURSION_LIMIT 'loop',
    # ADDRESS_LENGTH_LIMIT 'length' (an extension carried round a loop grows each round).
    limit: str = ""
    at: str = ""  # the address being expanded when the limit was reached
    loop: str = ""  # for 'loop': the cycle, 'a → b → a'


def expand(address: str, resolve: Callable[[str], list[str] | None]) -> Expansion:
    """cleanup_map1n: expand `address` with `resolve` (one lookup: its results, or None
    when no row applies) until every address has no row or is among its own results."""
    argv = [address]
    been_here: set[str] = set()
    i = 0
    while i < len(argv):
        # Checked before each address, as cleanup does: an alias loop that fans out
        # reaches the nesting limit first.
        if len(argv) > EXPANSION_LIMIT:
            return Expansion(limit="expansion", at=argv[i])
        chain = [argv[i]]
        count = 0
        while True:
            current = argv[i]
            if current in been_here:
                break
            if count >= RECURSION_LIMIT:
                return Expansion(limit="loop", at=current, loop=cycle(chain))
            result = resolve(current)
            if result is None:
                break
            if any(len(r) > ADDRESS_LENGTH_LIMIT for r in result):
                return Expansion(limit="length", at=current, loop=cycle(chain))
            argv[i] = result[0]
            argv.extend(result[1:])
            if current in result:
                been_here.add(current)
            chain.append(result[0])
            count += 1
        i += 1
    return Expansion(recipients=list(dict.fromkeys(argv)))


def mailbox_keys(tables: Tables, address: str) -> list[str]:
    """The `users` keys virtual(8) and smtpd look `address` up with, in order: itself, the
    address without its extension, '@domain'."""
    split = split_extension(address, tables.delimiter)
    own = [address, split[0]] if split else [address]
    return [*own, f"@{split_address(address)[1]}"]


def delivery_mailbox(tables: Tables, address: str) -> str | None:
    """The `users` row virtual(8) delivers mail for `address` with: its own enabled row,
    else that of the address without its extension, else an enabled '@domain' row (None:
    the mail bounces)."""
    return next((key for key in mailbox_keys(tables, address) if tables.mailbox_enabled(key)), None)


def mailbox_state(tables: Tables, address: str) -> bool | None:
    """Whether `address` has an enabled `users` row of its own (or of the address without
    its extension); False: only disabled ones; None: none at all ('@domain' rows aside)."""
    states = [tables.mailbox_enabled(key) for key in mailbox_keys(tables, address)[:-1]]
    if any(states):
        return True
    return False if False in states else None


def deliver(tables: Tables, address: str) -> tuple[str, str | None]:
    """(outcome, users row) for a final recipient: DELIVERED with the `users` row that takes
    it, AUTOREPLY for a vacation's autoreply address (the responder's transport), RELAYED to
    a relay domain's transport, FORWARDED out by SMTP (domain not hosted), or
    BOUNCED (no enabled mailbox, or an unqualified address)."""
    _, domain = split_address(address)
    if not domain:
        return BOUNCED, None
    if is_autoreply(address):
        return AUTOREPLY, None
    if not hosted(tables, domain):
        return FORWARDED, None
    if relay(tables, domain) is not None:
        return RELAYED, None
    mailbox = delivery_mailbox(tables, address)
    return (DELIVERED, mailbox) if mailbox else (BOUNCED, None)


def route(tables: Tables, address: str, style: str) -> tuple[Expansion, list[tuple[str, str]]]:
    """Where mail for `address` ends: the expansion and (recipient, outcome) per final
    recipient (none when Postfix defers)."""
    expansion = expand(address, lambda current: lookup(tables, current, style).results)
    return expansion, [(r, deliver(tables, r)[0]) for r in expansion.recipients]
