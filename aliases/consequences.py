"""What enabling or disabling a mailbox or an alias changes for Postfix, for the panel's
confirmation pages.

The answers come from `routing.rules.lookup` run on the tables as they are or as they will
be after the change (the changed rows read in place of the database's), so the pages say
what the routing model says and nothing more. The words are the templates'.
"""

import copy
from dataclasses import dataclass

from aliases.models import Alias
from domains.models import Mailbox, relay_words
from routing import rules
from routing.sources import DeliveringAddress, sources_of
from routing.styles import alias_style
from routing.tables import LazyTables

SOURCES_SHOWN = 10


@dataclass(frozen=True)
class Lands:
    """What Postfix does with mail for `address`, looked up once."""

    address: str
    kind: str = ""  # the row applied: rules.ALIAS, SELF, CATCH_ALL, DOMAIN_ALIAS; '' none
    rule: str = ""  # that row's `mail`
    results: tuple[str, ...] = ()  # where that row sends it
    hosted: bool = True  # the domain is enabled: outside senders reach it
    mailbox: str = ""  # no row applies: the enabled `users` row that takes it; '' none (550)
    relay: str = ""  # a relay domain: where its mail is handed ('relayed to … via smtp')


def _tables(aliases: list[Alias] = (), mailboxes: list[Mailbox] = ()) -> LazyTables:
    """The tables with these rows read in place of the database's."""
    return LazyTables().read_instead(aliases=aliases, mailboxes=mailboxes)


def _with(row, **fields):
    changed = copy.copy(row)
    for name, value in fields.items():
        setattr(changed, name, value)
    return changed


def lands(tables: LazyTables, address: str) -> Lands:
    """One `virtual_alias_maps` lookup of `address` on `tables`, and when no row applies,
    the mailbox that takes it."""
    found = rules.lookup(tables, address, alias_style())
    _, domain = rules.split_address(address)
    hosted = rules.hosted(tables, domain)
    relayed = rules.relay(tables, domain)
    words = relay_words(relayed) if relayed else ""
    if found.results is not None:
        return Lands(address, found.kind, found.row.mail, tuple(found.results), hosted, relay=words)
    if relayed and rules.relay_recipient(tables, address):
        return Lands(address, hosted=hosted, mailbox=address, relay=words)
    mailbox = "" if relayed else rules.delivery_mailbox(tables, address) or ""
    return Lands(address, hosted=hosted, mailbox=mailbox, relay=words)


@dataclass(frozen=True)
class AliasChange:
    alias: Alias
    enabled: bool  # the state after the change
    is_mailbox_row: bool  # the row follows its mailbox: it is not changed on its own
    hosted: bool
    lands: Lands | None  # a full address: where its mail goes once the row is disabled


def alias_change(alias: Alias, enabled: bool) -> AliasChange:
    """For `alias` enabled or disabled: where mail for a full address goes without the row
    (after a disable, or today before an enable)."""
    tables = _tables(aliases=[_with(alias, enabled=False)])
    is_mailbox_row = Mailbox.objects.filter(address=alias.mail).exists()
    without = None
    if not alias.mail.startswith("@"):
        without = lands(tables, alias.mail)
    hosted = rules.hosted(tables, rules.split_address(alias.mail)[1])
    return AliasChange(alias, enabled, is_mailbox_row, hosted, without)


@dataclass(frozen=True)
class MailboxChange:
    mailbox: Mailbox
    enabled: bool  # the state after the change
    own: Alias | None  # the mailbox's own alias row
    own_follows: bool  # that row is its self-alias: it is enabled and disabled with it
    hosted: bool
    disabled: Lands  # where its mail goes while it is disabled
    active: Lands  # where its mail goes while it is enabled
    sources: list[DeliveringAddress]  # other addresses whose mail reaches it
    more_sources: bool


def mailbox_change(mailbox: Mailbox, enabled: bool) -> MailboxChange:
    own = Alias.objects.filter(mail=mailbox.address).first()
    follows = own is not None and own.is_self_alias_of(mailbox.address)
    states = {}
    for state in (False, True):
        rows = [_with(own, enabled=state)] if follows else []
        tables = _tables(aliases=rows, mailboxes=[_with(mailbox, enabled=state)])
        states[state] = lands(tables, mailbox.address)
    sources = [s for s in sources_of(mailbox.address) if s.rule != mailbox.address]
    return MailboxChange(
        mailbox,
        enabled,
        own,
        follows,
        states[True].hosted,
        states[False],
        states[True],
        sources[:SOURCES_SHOWN],
        len(sources) > SOURCES_SHOWN,
    )
