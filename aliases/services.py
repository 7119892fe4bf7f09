"""Alias rules: forwards, catch-alls and domain aliases, as Postfix reads them.

- forward: `mail=address`, `destination` a comma-separated list of addresses; listing the
  mailbox itself among them keeps a local copy.
- catch-all: `mail='@domain'`, destination addresses.
- domain alias: `mail='@alias.tld'`, `destination='@target.tld'`; Postfix keeps the local
  part (`julian@alias.tld` → `julian@target.tld`).
- self-alias: the row `mail=destination=address` of a mailbox; it comes and goes with the
  mailbox (domains.services), so it can be edited here but not removed or toggled.
  Forwarding a mailbox rewrites that row, and only `forward_mailbox` may leave the mailbox
  out of it (then no mail reaches its maildir).
- autoreply: while a mailbox's vacation is on, its own row also lists its autoreply address
  (mailadmin.autoreply); only `set_mailbox_autoreply` writes it, and forwarding keeps it.
  Nobody else may name an autoreply address.

The source domain must be hosted. Every operation is atomic and audited.
"""

import re
from collections.abc import Container
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from aliases.models import (
    Alias,
    is_domain_source,
    is_domain_target,
    routing_destinations,
    split_destinations,
)
from audit.services import Actor, record
from domains.models import Domain, Mailbox
from limits import services as limits
from mailadmin import fingerprint
from mailadmin.addresses import ALIAS_MAX, domain_of, normalize_address, normalize_domain
from mailadmin.autoreply import autoreply_address, is_autoreply
from mailadmin.unique import unique_or


def alias_snapshot(alias: Alias) -> dict:
    return {"mail": alias.mail, "destination": alias.destination, "enabled": alias.enabled}


def alias_fingerprint(alias: Alias) -> str:
    """The destinations as an edit form loaded them (mailadmin.fingerprint)."""
    return fingerprint.fingerprint({"destination": alias.destination})


def alias_etag(alias: Alias) -> str:
    """The whole row (`alias_snapshot`), as the API's ETag: unlike `alias_fingerprint`,
    which covers what the edit form writes, it changes on a concurrent disable too."""
    return fingerprint.fingerprint(alias_snapshot(alias))


def normalize_source(text: str) -> str:
    """An alias source: `local@domain`, or `@domain` for a catch-all / domain alias."""
    text = (text or "").strip()
    if text.startswith("@"):
        source = "@" + normalize_domain(text[1:])
        if len(source) > ALIAS_MAX:  # a domain may fill its own column; '@' makes one more
            raise ValidationError(
                _("%(value)s is too long: an alias source has at most %(limit)s characters.")
                % {"value": repr(text), "limit": ALIAS_MAX},
                code="too_long",
            )
        return source
    return normalize_address(text, max_length=ALIAS_MAX)


def parse_destinations(value: str | list[str]) -> list[str]:
    """Split on commas, whitespace or newlines; normalise; drop duplicates, keep order."""
    items = value if isinstance(value, list) else re.split(r"[,\s]+", value or "")
    result: list[str] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        dest = "@" + normalize_domain(item[1:]) if item.startswith("@") else normalize_address(item)
        if dest not in result:
            result.append(dest)
    if not result:
        raise ValidationError(_("An alias needs at least one destination."), code="no_destination")
    return result


def _validated(
    source: str, destinations: str | list[str], *, mailbox_forward: bool = False
) -> tuple[str, str]:
    """`mailbox_forward`: the caller is `forward_mailbox`, which may leave a mailbox out of
    its own row; every other writer of that row must keep the mailbox among its targets."""
    source = normalize_source(source)
    targets = parse_destinations(destinations)
    if any(is_autoreply(t) for t in targets):
        raise ValidationError(
            _(
                "Addresses at the autoreply domain are reserved for the vacation responder: "
                "switch a mailbox's vacation on instead."
            ),
            code="reserved_autoreply",
        )
    if not mailbox_forward:
        keeps_own_delivery(source, targets, is_mailbox=is_mailbox(source))
    validate_source_domain(source)
    destination = destination_text(source, targets)
    return source, destination


def validate_source_domain(source: str, hosted: Container[str] | None = None) -> None:
    """An alias's source domain must be hosted: in `hosted` when given (the bulk import:
    the database's domains and the file's), else in the `domains` table."""
    name = domain_of(source)
    known = name in hosted if hosted is not None else Domain.objects.filter(domain=name).exists()
    if not known:
        raise ValidationError(
            _("Domain %(domain)s is not hosted here: add it before its aliases.")
            % {"domain": name},
            code="no_domain",
        )


def keeps_own_delivery(source: str, targets: list[str], *, is_mailbox: bool) -> None:
    """A mailbox's own row must list the mailbox, unless `forward_mailbox` writes it."""
    if is_mailbox and source not in targets:
        raise ValidationError(
            _(
                "%(address)s is a mailbox: these destinations would replace its delivery, and "
                "no mail would reach it. Forward the mailbox instead (keeping a copy or not)."
            )
            % {"address": source},
            code="mailbox_forward",
        )


def destination_text(source: str, targets: list[str]) -> str:
    """The `destination` column for parsed targets: a domain target alone, for a domain
    source, never the source itself; within the column's width."""
    domain_targets = [t for t in targets if is_domain_target(t)]
    if domain_targets:
        if not is_domain_source(source) or len(targets) != 1:
            raise ValidationError(
                _(
                    "A domain destination (@target.tld) is only allowed alone, for a source "
                    "@alias.tld (a domain alias)."
                ),
                code="invalid_domain_alias",
            )
        if targets[0] == source:
            raise ValidationError(_("A domain cannot be an alias of itself."), code="loop")
    destination = ",".join(targets)
    if len(destination) > ALIAS_MAX:
        raise ValidationError(
            _(
                "The destinations take %(length)s characters; the column holds %(limit)s. "
                "Split them over several aliases."
            )
            % {"length": len(destination), "limit": ALIAS_MAX},
            code="too_long",
        )
    return destination


def is_mailbox(address: str) -> bool:
    """Whether `address` is a mailbox, so that its alias row is the mailbox's own row (the
    in-SQL form: `Alias.objects.with_mailbox_flag()`)."""
    return not is_domain_source(address) and Mailbox.objects.filter(address=address).exists()


def get_alias(source: str, *, for_update: bool = False) -> Alias:
    source = normalize_source(source)
    queryset = Alias.objects.select_for_update() if for_update else Alias.objects
    try:
        return queryset.get(mail=source)
    except Alias.DoesNotExist:
        raise ValidationError(
            _("There is no alias %(source)s.") % {"source": source}, code="no_alias"
        ) from None


@transaction.atomic
def create_alias(
    source: str,
    destinations: str | list[str],
    *,
    actor: Actor,
    enabled: bool = True,
    over_limit: bool = False,
) -> Alias:
    """Create an alias, held to its domain's alias limit (`over_limit`: a superuser who
    confirmed passing it)."""
    source, destination = _validated(source, destinations)
    exists = ValidationError(
        _("Alias %(source)s already exists; replace it instead.") % {"source": source},
        code="exists",
    )
    if Alias.objects.filter(mail=source).exists():
        raise exists
    over = limits.hold(
        domain_of(source), limits.Change(aliases=int(enabled)), over_limit=over_limit
    )
    with unique_or(exists):
        alias = Alias.objects.create(mail=source, destination=destination, enabled=enabled)
    record(
        actor,
        "create",
        "alias",
        source,
        domain=domain_of(source),
        after=alias_snapshot(alias),
        message=limits.over_note(over),
    )
    return alias


@transaction.atomic
def replace_alias(
    source: str, destinations: str | list[str], *, actor: Actor, expected: str | None = None
) -> Alias:
    """Give an existing alias (a mailbox's own row included) new destinations.

    `expected`: the `alias_fingerprint` the editor loaded; when given and the row changed
    since, nothing is written. The same destinations again write and record nothing.
    """
    source, destination = _validated(source, destinations)
    alias = get_alias(source, for_update=True)
    fingerprint.check(alias_fingerprint(alias), expected, "alias", alias.mail)
    if destination == alias.destination:
        return alias  # nothing changes: nothing is written or recorded (a repeated PUT)
    before = alias_snapshot(alias)
    alias.destination = destination
    alias.save(update_fields=["destination"])
    record(
        actor,
        "update",
        "alias",
        source,
        domain=domain_of(source),
        before=before,
        after=alias_snapshot(alias),
    )
    return alias


def _refuse_if_mailbox_row(alias: Alias, change: str) -> None:
    """`change`: "enable", "disable" or "remove", what was asked of the row."""
    if is_mailbox(alias.mail):
        messages = {
            "enable": _(
                "%(address)s is the alias row of mailbox %(address)s: it cannot be enabled on "
                "its own; it follows its mailbox."
            ),
            "disable": _(
                "%(address)s is the alias row of mailbox %(address)s: it cannot be disabled "
                "on its own; it follows its mailbox."
            ),
            "remove": _(
                "%(address)s is the alias row of mailbox %(address)s: it cannot be removed on "
                "its own; it follows its mailbox."
            ),
        }
        raise ValidationError(messages[change] % {"address": alias.mail}, code="mailbox_alias")


@transaction.atomic
def set_alias_enabled(
    source: str, enabled: bool, *, actor: Actor, over_limit: bool = False
) -> Alias:
    alias = get_alias(source, for_update=True)
    _refuse_if_mailbox_row(alias, "enable" if enabled else "disable")
    over: list[str] = []
    if enabled and not alias.enabled and alias.mail != alias.destination:
        over = limits.hold(domain_of(alias.mail), limits.Change(aliases=1), over_limit=over_limit)
    before = alias_snapshot(alias)
    alias.enabled = enabled
    alias.save(update_fields=["enabled"])
    record(
        actor,
        "enable" if enabled else "disable",
        "alias",
        alias.mail,
        domain=domain_of(alias.mail),
        before=before,
        after=alias_snapshot(alias),
        message=limits.over_note(over),
    )
    return alias


@transaction.atomic
def remove_alias(source: str, *, actor: Actor) -> None:
    alias = get_alias(source, for_update=True)
    _refuse_if_mailbox_row(alias, "remove")
    before = alias_snapshot(alias)
    alias.delete()
    record(
        actor, "remove", "alias", before["mail"], domain=domain_of(before["mail"]), before=before
    )


@dataclass(frozen=True)
class MailboxDelivery:
    """Where a mailbox's mail goes, as its own alias row says."""

    address: str
    targets: tuple[str, ...] = ()  # where it is forwarded, the mailbox itself left out
    keeps_copy: bool = True  # the row lists the mailbox (or there is no row at all)
    autoreply: bool = False  # the row lists the mailbox's autoreply address (vacation on)

    @classmethod
    def of(cls, address: str, destination: str | None) -> "MailboxDelivery":
        """From the mailbox's own row's `destination` (None: the mailbox has no row)."""
        if destination is None:
            return cls(address)
        listed = routing_destinations(destination)
        return cls(
            address,
            tuple(d for d in listed if d != address),
            address in listed,
            autoreply_address(address) in split_destinations(destination),
        )

    def row_destinations(self) -> list[str]:
        """The own row's destinations for this delivery: the mailbox (when it keeps a copy),
        its forwards, then its autoreply address (when its vacation is on)."""
        mine = [self.address] if self.keeps_copy else []
        autoreply = [autoreply_address(self.address)] if self.autoreply else []
        return mine + list(self.targets) + autoreply

    @property
    def forwarded(self) -> bool:
        return bool(self.targets)

    @property
    def summary(self) -> str:
        """`forwarded to X, copy kept` (or `no local copy`); empty for plain delivery."""
        if not self.forwarded:
            return "" if self.keeps_copy else "its own row does not deliver to it"
        copy = "copy kept" if self.keeps_copy else "no local copy"
        return f"forwarded to {', '.join(self.targets)}, {copy}"


@transaction.atomic
def forward_mailbox(
    address: str,
    destinations: str | list[str],
    *,
    actor: Actor,
    keep_copy: bool = True,
    expected: str | None = None,
) -> Alias:
    """Forward a mailbox's mail: its own alias row gets `destinations`, plus the mailbox
    itself when `keep_copy`. No destinations (with `keep_copy`) restores the self-alias.

    `expected`: the `alias_fingerprint` the editor loaded (see replace_alias).
    """
    address = normalize_address(address)
    mailbox = Mailbox.objects.select_for_update().filter(address=address).first()
    if mailbox is None:
        raise ValidationError(
            _("There is no mailbox %(address)s.") % {"address": address}, code="no_mailbox"
        )
    empty = not destinations or (isinstance(destinations, str) and not destinations.strip())
    targets = [] if empty else [t for t in parse_destinations(destinations) if t != address]
    if any(is_domain_target(t) for t in targets):
        raise ValidationError(
            _("A mailbox is forwarded to addresses, not to a domain (@target.tld)."),
            code="invalid_domain_alias",
        )
    if not targets and not keep_copy:
        raise ValidationError(
            _("Give a destination, or keep a copy in the mailbox."), code="no_destination"
        )
    mine = [address] if keep_copy else []
    source = _validated(address, mine + targets, mailbox_forward=True)[0]
    row = Alias.objects.select_for_update().filter(mail=source).first()
    before = alias_snapshot(row) if row else None
    on_vacation = row is not None and MailboxDelivery.of(source, row.destination).autoreply
    delivery = MailboxDelivery(source, tuple(targets), keep_copy, on_vacation)
    destination = destination_text(source, delivery.row_destinations())
    if row:
        fingerprint.check(alias_fingerprint(row), expected, "alias", row.mail)
        row.destination = destination
        row.save(update_fields=["destination"])
    else:  # an adopted mailbox without its own row
        row = Alias.objects.create(mail=source, destination=destination, enabled=mailbox.enabled)
    record(
        actor,
        "forward" if delivery.forwarded else "unforward",
        "mailbox",
        source,
        domain=domain_of(source),
        before=before,
        after=alias_snapshot(row),
        message=delivery.summary or "forward removed: delivered to the mailbox",
    )
    return row


def stop_forwarding_mailbox(address: str, *, actor: Actor, expected: str | None = None) -> Alias:
    """Plain local delivery again: the mailbox's own row becomes its self-alias."""
    return forward_mailbox(address, [], actor=actor, keep_copy=True, expected=expected)


@transaction.atomic
def set_mailbox_autoreply(address: str, on: bool, *, actor: Actor) -> Alias | None:
    """Add the mailbox's autoreply address to its own row (`on`), or take it out: the
    vacation responder's route. Its forwards and local copy stay as they are. The row is
    created as the self-alias when an adopted mailbox has none. Audited as a vacation change
    of the row; None when nothing changes."""
    address = normalize_address(address)
    mailbox = Mailbox.objects.select_for_update().filter(address=address).first()
    if mailbox is None:
        raise ValidationError(
            _("There is no mailbox %(address)s.") % {"address": address}, code="no_mailbox"
        )
    row = Alias.objects.select_for_update().filter(mail=address).first()
    delivery = MailboxDelivery.of(address, row.destination if row else None)
    if delivery.autoreply == on:
        return None
    before = alias_snapshot(row) if row else None
    changed = MailboxDelivery(address, delivery.targets, delivery.keeps_copy, on)
    destination = destination_text(address, changed.row_destinations())
    if row:
        row.destination = destination
        row.save(update_fields=["destination"])
    else:
        row = Alias.objects.create(mail=address, destination=destination, enabled=mailbox.enabled)
    record(
        actor,
        "autoreply-on" if on else "autoreply-off",
        "mailbox",
        address,
        domain=domain_of(address),
        before=before,
        after=alias_snapshot(row),
        message=(
            "vacation on: mail is also answered by the responder"
            if on
            else "vacation off: no more automatic replies"
        ),
    )
    return row
