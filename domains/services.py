"""Domain and mailbox rules, used alike by forms, views and the `mail` command.

Every operation is atomic and writes one audit entry. Invalid input raises
`django.core.exceptions.ValidationError` with a message for the user, before anything is
written.

`change_password` (the guide's `users.change_password` column) means: 1, the mailbox owner
may change their own password in self-service; 0, the postmaster has locked it and only
staff can set it. The mail servers ignore the column.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from aliases.models import Alias, split_destinations
from aliases.services import alias_snapshot
from audit.services import Actor, record
from domains.models import (
    PASSWORD_COLUMNS,
    Domain,
    Mailbox,
    RelaySetting,
    relay_nexthop,
    relay_words,
)
from limits import services as limits
from mailadmin import fingerprint, maildirs, passwords, quota
from mailadmin import password_validation as mail_password_validation
from mailadmin.addresses import domain_of, normalize_address, normalize_domain
from mailadmin.unique import unique_or
from usage.models import MailboxUsage
from vacation.models import Vacation, VacationNotice


@dataclass(frozen=True)
class Removed:
    """What a removal took with it (or, from `removal_preview`, would take)."""

    mailboxes: int = 0
    aliases: int = 0
    destinations_dropped: int = 0
    # Alias rows of other domains delivering into a removed domain: how many, the first
    # ones, and whether they were removed (else kept, turned into outside deliveries).
    inbound: int = 0
    inbound_rows: tuple[Alias, ...] = ()
    inbound_removed: bool = False


INBOUND_SHOWN = 10  # inbound rows a confirmation page lists
INBOUND_LOGGED = 500  # inbound rows an audit entry names


def _into(destination: str, name: str) -> list[str]:
    """The destinations of a list that deliver into domain `name` (x@name or @name)."""
    return [d for d in split_destinations(destination) if domain_of(d).lower() == name]


def inbound_references(name: str, *, for_update: bool = False):
    """Alias rows of other domains with a destination in `name`, ordered by address.

    One streamed pass (`destination LIKE '%@name%'`, then the exact match in Python): the
    domain can sit anywhere in a comma-separated list, so no index range finds it.
    """
    name = normalize_domain(name)
    rows = (
        Alias.objects.filter(destination__icontains="@" + name)
        .exclude(domain_name=name)
        .order_by("mail")
    )
    if for_update:
        rows = rows.select_for_update()
    return (alias for alias in rows.iterator(2000) if _into(alias.destination, name))


def domain_snapshot(domain: Domain) -> dict:
    return {"domain": domain.domain, "transport": domain.transport, "enabled": domain.enabled}


def mailbox_snapshot(mailbox: Mailbox) -> dict:
    return {
        "address": mailbox.address,
        "name": mailbox.name,
        "maildir": mailbox.maildir,
        "quota": mailbox.quota,
        "enabled": bool(mailbox.enabled),
        "change_password": bool(mailbox.change_password),
        "scheme": passwords.scheme_of(mailbox.crypt),
    }


def domain_fingerprint(domain: Domain) -> str:
    """The domain row as an editor (the API's ETag) loaded it (mailadmin.fingerprint)."""
    return fingerprint.fingerprint(domain_snapshot(domain))


def mailbox_fingerprint(mailbox: Mailbox) -> str:
    """The fields `update_mailbox` writes, as an edit form loaded them (mailadmin.fingerprint)."""
    return fingerprint.fingerprint(
        {"name": mailbox.name, "quota": mailbox.quota, "change": bool(mailbox.change_password)}
    )


def mailbox_etag(mailbox: Mailbox) -> str:
    """The whole row (`mailbox_snapshot`), as the API's ETag: unlike `mailbox_fingerprint`,
    which covers what the edit form writes, it changes on a concurrent disable too."""
    return fingerprint.fingerprint(mailbox_snapshot(mailbox))


def get_domain(name: str, *, for_update: bool = False) -> Domain:
    name = normalize_domain(name)
    queryset = Domain.objects.select_for_update() if for_update else Domain.objects
    try:
        return queryset.get(domain=name)
    except Domain.DoesNotExist:
        raise ValidationError(
            _("Domain %(domain)s is not hosted here.") % {"domain": name}, code="no_domain"
        ) from None


def get_mailbox(address: str, *, for_update: bool = False) -> Mailbox:
    address = normalize_address(address)
    queryset = Mailbox.objects.select_for_update() if for_update else Mailbox.objects
    try:
        return queryset.get(address=address)
    except Mailbox.DoesNotExist:
        raise ValidationError(
            _("There is no mailbox %(address)s.") % {"address": address}, code="no_mailbox"
        ) from None


# Postfix's transport(5) result `transport:nexthop`: a master.cf service name (may be empty
# when a nexthop is given: Postfix then uses its default transport) and a nexthop such as
# `[10.0.0.5]:25`, `unix:private/dovecot-lmtp` or a comma-separated list of hosts.
_TRANSPORT = re.compile(r"(?:[a-z0-9][a-z0-9_-]*:[\w.:\[\]/@+=,-]*|:[\w.:\[\]/@+=,-]+)", re.ASCII)


def validate_transport(transport: str) -> str:
    """The one transport rule: a Postfix `transport:nexthop` value, e.g. 'virtual:'."""
    transport = (transport or "").strip()
    if len(transport) > 120 or not _TRANSPORT.fullmatch(transport):
        raise ValidationError(
            _(
                "A transport is a Postfix transport:nexthop value such as 'virtual:', "
                "'smtp:[10.0.0.5]:25' or 'lmtp:unix:private/dovecot-lmtp': a lower-case "
                "service name from master.cf, a colon, then an optional nexthop without "
                "spaces (at most 120 characters)."
            ),
            code="invalid_transport",
        )
    return transport


def is_backup_mx(domain: Domain) -> bool:
    """Whether this server is a backup MX for the relay domain: it accepts any recipient."""
    return RelaySetting.objects.filter(domain=domain, backup_mx=True).exists()


def _check_backup_mx(transport: str, backup_mx: bool) -> None:
    if backup_mx and relay_nexthop(transport) is None:
        raise ValidationError(
            _(
                "Only a relay domain can be a backup MX: give it the transport its mail is "
                "handed to, such as 'smtp:[10.0.0.5]:25', instead of 'virtual:'."
            ),
            code="backup_mx_hosted",
        )


def _relay_fields(domain: Domain, backup_mx: bool) -> dict:
    """The audit entry's extra fields of a relay domain (none for a hosted one)."""
    return {} if domain.relay is None else {"backup_mx": backup_mx}


def _write_backup_mx(domain: Domain, backup_mx: bool) -> None:
    if backup_mx:
        RelaySetting.objects.update_or_create(domain=domain, defaults={"backup_mx": True})
    else:
        RelaySetting.objects.filter(domain=domain).delete()


@transaction.atomic
def create_domain(
    name: str,
    *,
    actor: Actor,
    transport: str = "virtual:",
    enabled: bool = True,
    backup_mx: bool = False,
) -> Domain:
    """A domain hosted here (`virtual:`) or relayed to `transport`; `backup_mx`: a relay
    domain accepting any recipient."""
    name = normalize_domain(name)
    transport = validate_transport(transport)
    _check_backup_mx(transport, backup_mx)
    exists = ValidationError(
        _("Domain %(domain)s already exists.") % {"domain": name}, code="exists"
    )
    if Domain.objects.filter(domain=name).exists():
        raise exists
    with unique_or(exists):
        domain = Domain.objects.create(domain=name, transport=transport, enabled=enabled)
    _write_backup_mx(domain, backup_mx)
    after = {**domain_snapshot(domain), **_relay_fields(domain, backup_mx)}
    record(actor, "create", "domain", name, domain=name, after=after)
    return domain


@transaction.atomic
def update_domain(
    name: str,
    *,
    actor: Actor,
    transport: str,
    backup_mx: bool | None = None,
    expected: str | None = None,
) -> Domain:
    """Change the transport; `backup_mx` None keeps the setting (a hosted domain has none).
    `expected`: the `domain_fingerprint` the editor loaded (see update_mailbox)."""
    domain = get_domain(name, for_update=True)
    fingerprint.check(domain_fingerprint(domain), expected, "domain", domain.domain)
    was_backup_mx = is_backup_mx(domain)
    before = {**domain_snapshot(domain), **_relay_fields(domain, was_backup_mx)}
    domain.transport = validate_transport(transport)
    if backup_mx is None:
        backup_mx = was_backup_mx and domain.relay is not None
    _check_backup_mx(domain.transport, backup_mx)
    if domain.transport == before["transport"] and backup_mx == was_backup_mx:
        return domain  # nothing changes: nothing is written or recorded (a repeated PUT)
    domain.save(update_fields=["transport"])
    _write_backup_mx(domain, backup_mx)
    record(
        actor,
        "update",
        "domain",
        domain.domain,
        domain=domain.domain,
        before=before,
        after={**domain_snapshot(domain), **_relay_fields(domain, backup_mx)},
    )
    return domain


def describe_transport(transport: str, *, backup_mx: bool = False) -> str:
    """Where a domain's mail goes, in words (the domain form, `mail domain show`)."""
    relay = relay_nexthop(transport)
    if relay is None:
        return "Hosted here: mail is delivered to the domain's mailboxes on this server."
    who = (
        "any recipient is accepted (backup MX)"
        if backup_mx
        else "only its enabled aliases and mailboxes are accepted, others get 550"
    )
    return f"Relay domain: mail is {relay_words(relay)}; {who}."


def _inbound_note(rows: list[Alias], verb: str) -> str:
    if not rows:
        return ""
    names = ", ".join(a.mail for a in rows[:5]) + (", ..." if len(rows) > 5 else "")
    return f"{verb} {len(rows)} alias(es) of other domains delivering into it: {names}"


def _inbound_log(rows: list[Alias]) -> list[dict]:
    return [{"mail": a.mail, "destination": a.destination} for a in rows[:INBOUND_LOGGED]]


@transaction.atomic
def set_domain_enabled(name: str, enabled: bool, *, actor: Actor) -> Domain:
    """Enable or disable a domain. The audit entry of a disable names the alias rows of
    other domains that deliver into it (Postfix now relays their mail out)."""
    domain = get_domain(name, for_update=True)
    before = domain_snapshot(domain)
    if domain.enabled != enabled:
        domain.enabled = enabled
        domain.save(update_fields=["enabled"])
    incoming = [] if enabled else list(inbound_references(domain.domain))
    record(
        actor,
        "enable" if enabled else "disable",
        "domain",
        domain.domain,
        domain=domain.domain,
        before=before,
        after=domain_snapshot(domain),
        message=_inbound_note(incoming, "left"),
    )
    return domain


def removal_preview(name: str) -> Removed:
    """What `remove_domain` would delete, and what points into the domain from elsewhere,
    for a confirmation page."""
    name = normalize_domain(name)
    count, shown = 0, []
    for alias in inbound_references(name):
        count += 1
        if len(shown) < INBOUND_SHOWN:
            shown.append(alias)
    return Removed(
        mailboxes=Mailbox.objects.filter(domain_name=name).count(),
        aliases=Alias.objects.filter(domain_name=name).count(),
        inbound=count,
        inbound_rows=tuple(shown),
    )


def _drop_inbound(rows: list[Alias], name: str, actor: Actor) -> None:
    """Take domain `name` out of these rows' destinations; a row left with none goes."""
    for alias in rows:
        before = alias_snapshot(alias)
        remaining = [d for d in alias.destinations if domain_of(d).lower() != name]
        note = f"domain {name} removed"
        if remaining:
            alias.destination = ",".join(remaining)
            alias.save(update_fields=["destination"])
            after = alias_snapshot(alias)
            record(
                actor,
                "update",
                "alias",
                alias.mail,
                domain=alias.domain_name,
                before=before,
                after=after,
                message=note,
            )
        else:
            alias.delete()
            record(
                actor,
                "remove",
                "alias",
                before["mail"],
                domain=domain_of(before["mail"]),
                before=before,
                message=note,
            )


INBOUND_CHOICES = ("keep", "remove")


@transaction.atomic
def remove_domain(name: str, *, actor: Actor, inbound: str = "keep") -> Removed:
    """Remove a domain with every mailbox and alias in it.

    `inbound`: what becomes of the alias rows of other domains that deliver into it:
    "keep" them (their mail then goes out by SMTP, to wherever the domain's MX points), or
    "remove" the domain from their destinations (a row left with none is removed). The
    audit entry names them either way.
    """
    if inbound not in INBOUND_CHOICES:
        raise ValidationError(
            _("Inbound references are kept or removed, not %(value)s.") % {"value": repr(inbound)},
            code="invalid",
        )
    domain = get_domain(name, for_update=True)
    incoming = list(inbound_references(domain.domain, for_update=True))
    MailboxUsage.objects.filter(mailbox__domain_name=domain.domain).delete()
    mailboxes = Mailbox.objects.filter(domain_name=domain.domain).delete()[0]
    Vacation.objects.filter(mailbox__endswith="@" + domain.domain).delete()
    VacationNotice.objects.filter(mailbox__endswith="@" + domain.domain).delete()
    aliases = Alias.objects.filter(domain_name=domain.domain).delete()[0]
    remove = inbound == "remove"
    if remove:
        _drop_inbound(incoming, domain.domain, actor)
    before = domain_snapshot(domain)
    domain.delete()
    removed = Removed(
        mailboxes=mailboxes,
        aliases=aliases,
        inbound=len(incoming),
        inbound_rows=tuple(incoming[:INBOUND_SHOWN]),
        inbound_removed=remove,
    )
    message = f"with {mailboxes} mailbox(es) and {aliases} alias(es)"
    if incoming:
        message += "; " + _inbound_note(incoming, "removed" if remove else "kept")
    record(
        actor,
        "remove",
        "domain",
        before["domain"],
        domain=before["domain"],
        before=before,
        after={f"inbound_{'removed' if remove else 'kept'}": _inbound_log(incoming)}
        if incoming
        else None,
        message=message,
    )
    return removed


@sensitive_variables()
def validate_mail_password(password: str, address: str, name: str = "") -> None:
    """Django's password validators, with the address and name as the similar attributes."""
    mail_password_validation.validate_mail_password(password, address, name)


@sensitive_variables()
def _set_password_fields(mailbox: Mailbox, password: str) -> None:
    validate_mail_password(password, mailbox.address, mailbox.name)
    mailbox.set_crypt(passwords.hash_password(password))


def new_mailbox_row(
    address: str,
    *,
    name: str = "",
    crypt: str = "",
    quota: str = "",
    enabled: bool = True,
    change_password: bool = True,
) -> Mailbox:
    """An unsaved `users` row with the derived fields every new mailbox gets.

    `address` is already normalised; maildir `domain/local/` (mailadmin.maildirs), uid/gid
    and home from the settings, `crypt` set as `Mailbox.set_crypt` does. Used by
    `create_mailbox` and the bulk import.
    """
    mailbox = Mailbox(
        address=address,
        name=name,
        uid=settings.MAILADMIN_MAIL_UID,
        gid=settings.MAILADMIN_MAIL_GID,
        home=settings.MAILADMIN_MAIL_HOME,
        maildir=maildirs.for_address(address),
        enabled=enabled,
        change_password=change_password,
        quota=quota,
        procmailrc="",
        spamassassinrc="",
    )
    mailbox.set_crypt(crypt)
    return mailbox


def self_alias_fields(mailbox: Mailbox) -> dict:
    """A mailbox's self-alias, as the columns of its row: `mail = destination = address`,
    in the mailbox's state. Used by `create_mailbox`, the bulk import and `follow_mailbox`.

    The self-alias follows its mailbox's state: Postfix accepts any address an enabled
    alias row matches and bounces it later when the mailbox is off; disabling the
    self-alias too makes RCPT answer 550 instead.
    """
    return {
        "mail": mailbox.address,
        "destination": mailbox.address,
        "enabled": bool(mailbox.enabled),
    }


def follow_mailbox(mailbox: Mailbox, alias: Alias | None) -> bool:
    """Give `alias` (the mailbox's own row, or None) the state of `self_alias_fields` when
    it is the mailbox's self-alias; True when that changed it (the caller saves it). A
    forward in the mailbox's row keeps its own state."""
    if alias is None or not alias.is_self_alias_of(mailbox.address):
        return False
    enabled = self_alias_fields(mailbox)["enabled"]
    if alias.enabled == enabled:
        return False
    alias.enabled = enabled
    return True


@sensitive_variables()
@transaction.atomic
def create_mailbox(
    address: str,
    password: str,
    *,
    actor: Actor,
    name: str = "",
    quota_text: str = "",
    enabled: bool = True,
    change_password: bool = True,
    over_limit: bool = False,
) -> Mailbox:
    """Create a mailbox and its self-alias (`mail = destination = address`).

    Held to the domain's limits (`limits.services`); without a quota it gets the domain's
    default quota ('unlimited' asks for none). `over_limit`: a superuser who confirmed
    passing a limit."""
    address = normalize_address(address, max_length=120)  # its self-alias lives in aliases.mail
    domain = get_domain(domain_of(address))
    if len(name) > 128:
        raise ValidationError(
            _("A name has at most %(limit)s characters.") % {"limit": 128}, code="too_long"
        )
    words = {"address": address}
    exists = ValidationError(_("Mailbox %(address)s already exists.") % words, code="exists")
    alias_exists = ValidationError(
        _("%(address)s is already an alias; remove it before creating a mailbox.") % words,
        code="exists",
    )
    if Mailbox.objects.filter(address=address).exists():
        raise exists
    if Alias.objects.filter(mail=address).exists():
        raise alias_exists
    domain_limits = limits.locked(domain.domain)
    quota_string = limits.quota_for_new(domain_limits, quota_text)
    over = limits.check(
        domain.domain,
        domain_limits,
        limits.Change(mailboxes=int(enabled), quotas_added=(quota_string,)),
        over_limit=over_limit,
    )
    mailbox = new_mailbox_row(
        address,
        name=name.strip(),
        quota=quota_string,
        enabled=enabled,
        change_password=change_password,
    )
    _set_password_fields(mailbox, password)
    with unique_or(exists):
        mailbox.save(force_insert=True)
    with unique_or(alias_exists):
        Alias.objects.create(**self_alias_fields(mailbox))
    record(
        actor,
        "create",
        "mailbox",
        address,
        domain=domain.domain,
        after=mailbox_snapshot(mailbox),
        message=limits.over_note(over),
    )
    return mailbox


@transaction.atomic
def update_mailbox(
    address: str,
    *,
    actor: Actor,
    name: str | None = None,
    quota_text: str | None = None,
    change_password: bool | None = None,
    expected: str | None = None,
    over_limit: bool = False,
) -> Mailbox:
    """Change name, quota or the password lock; `expected` is the `mailbox_fingerprint` the
    editor loaded: when given and the row changed since, nothing is written."""
    mailbox = get_mailbox(address, for_update=True)
    fingerprint.check(mailbox_fingerprint(mailbox), expected, "mailbox", mailbox.address)
    before = mailbox_snapshot(mailbox)
    if name is not None:
        if len(name) > 128:
            raise ValidationError(
                _("A name has at most %(limit)s characters.") % {"limit": 128}, code="too_long"
            )
        mailbox.name = name.strip()
    over: list[str] = []
    if quota_text is not None:
        new_quota = quota.parse(quota_text)
        if new_quota != mailbox.quota:
            over = limits.hold(
                mailbox.domain_name,
                limits.Change(quotas_added=(new_quota,), quotas_removed=(mailbox.quota,)),
                over_limit=over_limit,
            )
        mailbox.quota = new_quota
    if change_password is not None:
        mailbox.change_password = change_password
    after = mailbox_snapshot(mailbox)
    if after == before:
        return mailbox  # nothing changes: nothing is written or recorded (a repeated PUT)
    mailbox.save(update_fields=["name", "quota", "change_password"])
    record(
        actor,
        "update",
        "mailbox",
        mailbox.address,
        domain=mailbox.domain_name,
        before=before,
        after=after,
        message=limits.over_note(over),
    )
    return mailbox


@sensitive_variables()
@transaction.atomic
def set_mailbox_password(
    address: str, password: str, *, actor: Actor, message: str = "password set"
) -> Mailbox:
    mailbox = get_mailbox(address, for_update=True)
    _set_password_fields(mailbox, password)
    mailbox.save(update_fields=PASSWORD_COLUMNS)
    record(
        actor, "password", "mailbox", mailbox.address, domain=mailbox.domain_name, message=message
    )
    return mailbox


@transaction.atomic
def set_mailbox_enabled(
    address: str, enabled: bool, *, actor: Actor, over_limit: bool = False
) -> Mailbox:
    """Enable or disable a mailbox together with its self-alias (`follow_mailbox`);
    enabling one is held to the domain's mailbox limit."""
    mailbox = get_mailbox(address, for_update=True)
    over: list[str] = []
    if enabled and not mailbox.enabled:
        over = limits.hold(mailbox.domain_name, limits.Change(mailboxes=1), over_limit=over_limit)
    before = mailbox_snapshot(mailbox)
    mailbox.enabled = enabled
    mailbox.save(update_fields=["enabled"])
    own = Alias.objects.select_for_update().filter(mail=mailbox.address).first()
    if follow_mailbox(mailbox, own):
        own.save(update_fields=["enabled"])
    record(
        actor,
        "enable" if enabled else "disable",
        "mailbox",
        mailbox.address,
        domain=mailbox.domain_name,
        before=before,
        after=mailbox_snapshot(mailbox),
        message=limits.over_note(over),
    )
    return mailbox


@transaction.atomic
def remove_mailbox(address: str, *, actor: Actor) -> Removed:
    """Remove a mailbox, its own alias row, and it from every alias that delivers to it.

    An alias left with no destination is removed; one with others keeps them.
    """
    mailbox = get_mailbox(address, for_update=True)
    before = mailbox_snapshot(mailbox)
    own = Alias.objects.filter(mail=mailbox.address).delete()[0]
    removed_aliases, dropped = own, 0
    for alias in Alias.objects.select_for_update().filter(destination__contains=mailbox.address):
        remaining = [d for d in alias.destinations if d != mailbox.address]
        if len(remaining) == len(alias.destinations):
            continue
        dropped += 1
        if remaining:
            alias.destination = ",".join(remaining)
            alias.save(update_fields=["destination"])
        else:
            alias.delete()
            removed_aliases += 1
    Vacation.objects.filter(mailbox=mailbox.address).delete()
    VacationNotice.objects.filter(mailbox=mailbox.address).delete()
    # A mailbox made again under the address starts unmeasured, not with the old usage.
    MailboxUsage.objects.filter(mailbox_id=mailbox.address).delete()
    mailbox.delete()
    record(
        actor,
        "remove",
        "mailbox",
        before["address"],
        domain=domain_of(before["address"]),
        before=before,
        message=f"with {removed_aliases} alias(es); "
        f"dropped from {dropped} alias destination list(s)",
    )
    return Removed(mailboxes=1, aliases=removed_aliases, destinations_dropped=dropped)


@sensitive_variables()
@transaction.atomic
def upgrade_mailbox_hash(address: str, password: str, *, actor: Actor) -> bool:
    """Rewrite a legacy hash with the strong scheme after its owner proved the password.

    Called by the self-service login: no password validators (the password is the one the
    mail servers already accept), and nothing is written unless the stored hash still
    verifies this password and needs an upgrade. True when the hash was rewritten.
    """
    mailbox = get_mailbox(address, for_update=True)
    old_scheme = passwords.scheme_of(mailbox.crypt)
    if not passwords.verify_password(password, mailbox.crypt).needs_upgrade:
        return False
    mailbox.set_crypt(passwords.hash_password(password))
    mailbox.save(update_fields=PASSWORD_COLUMNS)
    record(
        actor,
        "password",
        "mailbox",
        mailbox.address,
        domain=mailbox.domain_name,
        message=f"hash upgraded from {old_scheme} at login",
    )
    return True
