"""What is broken or risky in the mail tables: one function per finding kind.

Each takes a `CheckContext` and returns `Finding`s. Every check runs a few set-based queries
(one more per thousand keys where it looks keys up by value), whatever the number of rows:
SQL where the question fits SQL (GROUP BY, index lookups), otherwise one streamed pass over
the rows it needs (routing through comma-separated destination lists, password schemes,
quota strings). No query per row, so it stays usable on a million aliases.

Routing follows what Postfix does with the guide's maps (`routing`, docs/ARCHITECTURE.md):
only enabled rows count; `virtual_alias_maps` is tried with the full address, then without
its extension (`user+tag@domain` as `user@domain`, routing.extensions), then `@domain` (so a
catch-all or a domain alias takes the mail of a mailbox without its own alias row); an
address that maps to itself stops there and goes to its mailbox; a domain alias keeps the
local part. The rows are read once per run (`routing.tables.PreloadedTables`).
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat, Lower
from django.db.models.lookups import Contains
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince

from aliases.models import Alias
from aliases.services import MailboxDelivery
from audit.findings.kinds import ERROR, FINDING_KINDS, INFO, WARNING
from domains.models import GUIDE_DEFAULT_CRYPT, Domain, Mailbox
from mailadmin import maildirs, passwords, quota
from mailadmin.addresses import domain_of, normalize_address
from mailadmin.sql import Binary
from routing.rules import (
    ALIAS,
    CATCH_ALL,
    DOMAIN_ALIAS,
    SELF,
    enabled_alias,
    follow,
    hosted,
    mailbox_state,
    relay,
)
from routing.styles import GUIDE, alias_style
from routing.tables import DOMAIN_ROW, STREAM_CHUNK, PreloadedTables
from usage.models import FULL_FILL, STALE_AFTER, WARN_FILL, MailboxUsage, fill_of

MAX_EXAMPLES = 5
LOOKUP_BATCH = 1000  # values per IN list


@dataclass(frozen=True)
class Finding:
    kind: str
    level: str
    object_type: str  # "alias", "mailbox" or "domain"
    object_id: str
    domain: str
    message: str
    url_name: str = ""
    url_args: tuple = ()
    url_query: str = ""

    @property
    def link(self) -> str | None:
        """Where to fix it in the panel, or None when that page does not exist."""
        if not self.url_name:
            return None
        try:
            url = reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            return None
        return f"{url}?{self.url_query}" if self.url_query else url

    @property
    def kind_label(self) -> str:
        return FINDING_KINDS.get(self.kind, self.kind)

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "level": self.level,
            "object_type": self.object_type,
            "object": self.object_id,
            "domain": self.domain,
            "message": self.message,
            "link": self.link,
        }


def _alias_finding(kind: str, level: str, mail: str, message: str) -> Finding:
    return Finding(kind, level, "alias", mail, domain_of(mail), message, "aliases:edit", (mail,))


def _mailbox_finding(kind: str, level: str, address: str, message: str, *, page="") -> Finding:
    url = f"domains:mailbox_{page}" if page else "domains:mailbox"
    return Finding(kind, level, "mailbox", address, domain_of(address), message, url, (address,))


def _domain_finding(kind: str, level: str, name: str, message: str, **link) -> Finding:
    url_name = link.pop("url_name", "domains:detail")
    url_args = link.pop("url_args", (name,))
    return Finding(kind, level, "domain", name, name, message, url_name, url_args, **link)


# --- the context every check gets ----------------------------------------------------------
class CheckContext:
    """What to check: every domain (`domains=None`) or only the named ones (a domain admin).

    Rows are always judged against the whole database (a destination in another domain is
    still a mailbox), but only rows of the domains in scope are reported.
    """

    def __init__(self, domains: Iterable[str] | None = None, *, style: str | None = None):
        self.domains = None if domains is None else set(domains)
        self.style = style or alias_style()

    def in_scope(self, name: str) -> bool:
        return self.domains is None or name in self.domains

    def scoped(self, queryset: QuerySet, field_name: str = "domain_name") -> QuerySet:
        queryset = queryset.order_by()  # no sort: findings are sorted once, in Python
        if self.domains is None:
            return queryset
        return queryset.filter(**{f"{field_name}__in": sorted(self.domains)})

    @cached_property
    def routes(self) -> PreloadedTables:
        """The routing rows, loaded once per run."""
        return PreloadedTables.load()


# --- the checks ------------------------------------------------------------------------------
# The dead-end and loop checks follow the rows as the guide's map reads them (`follow`'s
# default style): a domain alias rewrites every address, whether its target exists or not.


def _why_dead(routes: PreloadedTables, source: str, target: str) -> tuple[str, str] | None:
    """(level, reason) when mail from `source` to local `target` cannot be delivered."""
    for found in follow(routes, target):
        address = found.address
        name = domain_of(address)
        state = routes.domain_enabled(name)
        if state is None:
            return None  # rewritten to a domain hosted elsewhere
        if not state:
            return WARNING, f"{address} is in disabled domain {name}: Postfix relays it out"
        if relay(routes, name) is not None:
            return None  # a relay domain's mail is handed to its transport
        if address != source:
            if found.kind in (ALIAS, SELF):
                return None  # its own row, checked on its own
            if found.kind == CATCH_ALL and not found.stops_here:
                return None  # the catch-all takes it
            if found.kind == DOMAIN_ALIAS:
                continue  # rewritten by the domain alias: look at the next address
        state = mailbox_state(routes, address)
        if state is None:
            return ERROR, f"{address} has no mailbox and no alias: the mail bounces"
        if not state:
            return WARNING, f"mailbox {address} is disabled: the mail bounces"
        return None
    return None


def check_dead_ends(ctx: CheckContext) -> list[Finding]:
    """Local destinations with no mailbox or alias; self rows without their mailbox."""
    routes = ctx.routes
    findings = []
    sources = [(m, t) for m, t in routes.forwards.items()]
    sources += [("@" + d, t) for d, t in routes.domain_rows.items() if not t[0].startswith("@")]
    for mail, targets in sources:
        if not ctx.in_scope(domain_of(mail)):
            continue
        for target in targets:
            if not routes.is_local(target):
                continue
            dead = _why_dead(routes, mail, target)
            if dead:
                level, reason = dead
                findings.append(_alias_finding("dead-end", level, mail, f"{mail} → {reason}."))
    for name, targets in routes.domain_rows.items():
        target = targets[0]
        if not target.startswith("@") or not ctx.in_scope(name):
            continue
        state = routes.domains.get(target[1:])
        if state is False:
            findings.append(
                _alias_finding(
                    "dead-end",
                    WARNING,
                    "@" + name,
                    f"Domain alias @{name} → {target}: {target[1:]} is disabled, so "
                    "Postfix relays its mail out.",
                )
            )
        elif state is None:  # e.g. the target domain was removed, its domain alias kept
            findings.append(
                _alias_finding(
                    "dead-end",
                    INFO,
                    "@" + name,
                    f"Domain alias @{name} → {target}: {target[1:]} is not hosted here, so "
                    f"Postfix relays all mail of {name} out to it. Right only if "
                    f"{target[1:]} is hosted elsewhere.",
                )
            )
    self_rows = ctx.scoped(Alias.objects.filter(enabled=True).self_rows())
    # The mailbox's state (None: no mailbox) is selected, one lookup per row, and filtered
    # here: as a NOT EXISTS filter MariaDB materializes every enabled mailbox first.
    mailbox_state = Mailbox.objects.filter(address=OuterRef("mail")).values("enabled")[:1]
    for mail, state in (
        self_rows.annotate(state=Subquery(mailbox_state))
        .values_list("mail", "state")
        .iterator(STREAM_CHUNK)
    ):
        if state or relay(ctx.routes, domain_of(mail)) is not None:
            continue  # a relay domain's self row: its mail is relayed, not delivered here
        if state is None:
            message = f"{mail} → itself, but there is no mailbox {mail}: the mail bounces."
            findings.append(_alias_finding("dead-end", ERROR, mail, message))
        else:
            message = (
                f"Mailbox {mail} is disabled but its own alias row is enabled: Postfix accepts "
                "its mail, then bounces it."
            )
            findings.append(_alias_finding("dead-end", WARNING, mail, message))
    return findings


def _next_rows(routes: PreloadedTables, source: str, targets: list[str]) -> list[str]:
    """The routing rows (address or '@domain') the destinations of `source` go through."""
    result = []
    for target in targets:
        if target.startswith("@"):  # a domain alias: the generic user goes to @target's row
            if enabled_alias(routes, target) and hosted(routes, target[1:]):
                result.append(target)
            continue
        if target == source:
            continue  # an address that maps to itself stops: its mailbox
        for found in follow(routes, target):
            address = found.address
            if not hosted(routes, domain_of(address)):
                break
            if found.kind in (ALIAS, SELF):
                if found.key in routes.forwards:  # the other rows lead nowhere local
                    result.append(found.key)  # the row: the address, or it without extension
                break
            if found.kind == CATCH_ALL:
                if not found.stops_here:  # a catch-all listing the address: its mailbox
                    result.append("@" + domain_of(address))
                break
            if found.kind != DOMAIN_ALIAS:
                break
    return result


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """At least one cycle per strongly connected part (iterative DFS, no recursion)."""
    grey, black = 1, 2
    color: dict[str, int] = {}
    cycles = []
    for root in graph:
        if color.get(root):
            continue
        color[root] = grey
        path, position = [root], {root: 0}
        stack = [iter(graph[root])]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                node = path.pop()
                del position[node]
                color[node] = black
                continue
            state = color.get(nxt)
            if state == grey:
                cycles.append(path[position[nxt] :])
            elif state is None:
                color[nxt] = grey
                if nxt in graph:
                    position[nxt] = len(path)
                    path.append(nxt)
                    stack.append(iter(graph[nxt]))
                else:
                    color[nxt] = black
    return cycles


def check_loops(ctx: CheckContext) -> list[Finding]:
    """Rows whose mail comes back to them: Postfix refuses such messages (4.6.0)."""
    routes = ctx.routes
    graph: dict[str, list[str]] = {}
    for mail, targets in routes.forwards.items():
        if nxt := _next_rows(routes, mail, targets):
            graph[mail] = nxt
    for name, targets in routes.domain_rows.items():
        if routes.domains.get(name) and (nxt := _next_rows(routes, "@" + name, targets)):
            graph["@" + name] = nxt
    findings = []
    for cycle in _cycles(graph):
        in_scope = [n for n in cycle if ctx.in_scope(domain_of(n))]
        if not in_scope:
            continue
        start = cycle.index(min(cycle))
        ordered = cycle[start:] + cycle[:start]
        route = " → ".join([*ordered, ordered[0]])
        subject = min(in_scope)
        message = f"Mail loops: {route}. Postfix refuses the message (4.6.0 alias expansion error)."
        findings.append(_alias_finding("loop", ERROR, subject, message))
    return findings


def check_swallowed_mailboxes(ctx: CheckContext) -> list[Finding]:
    """Mailboxes without their own alias row in a domain with a catch-all or domain alias."""
    # A catch-all listing the mailbox itself hands its mail back to it (an address that maps
    # to itself stops there), so only the other catch-alls swallow it.
    lists_it = Contains(
        Concat(Value(","), F("destination"), Value(",")),
        Concat(Value(","), OuterRef("address"), Value(",")),
    )
    domain_row = Alias.objects.filter(
        enabled=True, mail=Concat(Value("@"), OuterRef("domain_name"))
    ).exclude(lists_it)
    if ctx.style != GUIDE:  # the other style rewrites a domain alias only to existing users
        domain_row = domain_row.exclude(destination__startswith="@")
    # Only mailboxes of a domain with an '@domain' row can be swallowed (routing data already
    # loaded): index ranges instead of every mailbox. Whether a mailbox has its own row is
    # selected, not filtered on: as a NOT EXISTS filter MariaDB materializes every alias.
    names = sorted(
        name
        for name, targets in ctx.routes.domain_rows.items()
        if ctx.style == GUIDE or not targets[0].startswith("@")
    )
    own_row = Exists(Alias.objects.filter(enabled=True, mail=OuterRef("address")))
    findings = []
    for start in range(0, len(names), LOOKUP_BATCH):
        batch = names[start : start + LOOKUP_BATCH]
        rows = (
            ctx.scoped(Mailbox.objects.filter(Exists(domain_row), enabled=True))
            .filter(domain_name__in=batch)
            .annotate(own_row=own_row)
            .values_list("address", "domain_name", "own_row")
        )
        findings += [
            _mailbox_finding(
                "swallowed-mailbox",
                ERROR,
                address,
                f"Mailbox {address} has no enabled alias row {address} → {address}: the "
                f"catch-all or domain alias @{name} takes all its mail.",
            )
            for address, name, own in rows.iterator(STREAM_CHUNK)
            if not own
        ]
    return findings


def check_mailboxes_receiving_nothing(ctx: CheckContext) -> list[Finding]:
    """Enabled mailboxes whose own enabled row does not list them: forwarded with no copy.

    One streamed query: the enabled address rows whose destination list does not name
    them, that are an enabled mailbox (an EXISTS semi-join, twice as fast on MariaDB as
    selecting the mailbox's state per row: 2.8 s instead of 5.7 s at 600,000 aliases).
    """
    lists_itself = Contains(
        Concat(Value(","), F("destination"), Value(",")), Concat(Value(","), F("mail"), Value(","))
    )
    mailbox = Mailbox.objects.filter(enabled=True, address=OuterRef("mail"))
    rows = (
        ctx.scoped(Alias.objects.filter(enabled=True).exclude(DOMAIN_ROW))
        .exclude(lists_itself)
        .filter(Exists(mailbox))
        .values_list("mail", "destination")
    )
    findings = []
    for mail, destination in rows.iterator(STREAM_CHUNK):
        delivery = MailboxDelivery.of(mail, destination)
        if delivery.keeps_copy:
            continue
        where = ", ".join(delivery.targets) or "nowhere"
        message = (
            f"Mailbox {mail} receives nothing: its own alias row sends its mail to {where} "
            "and keeps no copy, so no mail reaches its maildir."
        )
        findings.append(_mailbox_finding("receives-nothing", INFO, mail, message, page="forward"))
    return findings


def check_backscatter(ctx: CheckContext) -> list[Finding]:
    """Domain aliases under the guide's map: unknown users are accepted, then bounced."""
    if ctx.style != GUIDE:
        return []
    rows = (
        ctx.scoped(Alias.objects.filter(DOMAIN_ROW, enabled=True))
        .filter(destination__startswith="@")
        .values_list("mail", "destination")
        .iterator(STREAM_CHUNK)
    )
    return [
        _alias_finding(
            "backscatter",
            WARNING,
            mail,
            f"Domain alias {mail} → {destination} with the guide's alias map: mail for any "
            f"unknown user{mail} is accepted, then bounced (backscatter). The no-backscatter "
            "map style (`mail config postfix --style no-backscatter`) refuses it at RCPT.",
        )
        for mail, destination in rows
    ]


def check_domain_state(ctx: CheckContext) -> list[Finding]:
    """Aliases and mailboxes whose domain is missing (orphans) or disabled (inert).

    One grouped count per table (an index-only scan of `domain_name`, or its range for a
    domain admin), matched against the domains ignoring case, as the servers' lookups do.
    """
    hosted = {name.lower(): (name, enabled) for name, enabled in ctx.routes.domains.items()}
    counts: dict[str, list] = {}  # lower-case domain -> [name as stored, mailboxes, aliases]
    for index, model in enumerate((Mailbox, Alias), start=1):
        rows = ctx.scoped(model.objects.all()).values_list("domain_name").annotate(n=Count("*"))
        for name, n in rows:
            counts.setdefault(name.lower(), [name, 0, 0])[index] += n
    findings = []
    for key, (name, mailboxes, aliases) in sorted(counts.items()):
        if key not in hosted:  # a missing domain's rows belong to no domain admin
            message = (
                f"{mailboxes} mailbox(es) and {aliases} alias(es) of {name or '(no domain)'}, "
                "which is not in the domains table: Postfix does not host them and the panel "
                "cannot manage them. Add the domain or remove the rows."
            )
            findings.append(
                _domain_finding(
                    "domain-state", ERROR, name, message, url_name="domains:create", url_args=()
                )
            )
        elif not hosted[key][1]:
            name = hosted[key][0]
            message = (
                f"Domain {name} is disabled: its {mailboxes} mailbox(es) and {aliases} "
                "alias(es) are inert (outside mail gets 454; locally submitted mail is "
                "still rewritten by its aliases)."
            )
            findings.append(_domain_finding("domain-state", WARNING, name, message))
    return findings


def check_default_passwords(ctx: CheckContext) -> list[Finding]:
    """`crypt` still the guide's column default: the password is "ChangeMe" for both servers."""
    rows = ctx.scoped(Mailbox.objects.filter(crypt=GUIDE_DEFAULT_CRYPT)).values_list("address")
    return [
        _mailbox_finding(
            "default-password",
            ERROR,
            address,
            f"Mailbox {address} still has the guide's default hash {GUIDE_DEFAULT_CRYPT} "
            '(the password "ChangeMe"): anyone can log in. Set a password.',
            page="password",
        )
        for (address,) in rows.iterator(STREAM_CHUNK)
    ]


def check_weak_passwords(ctx: CheckContext) -> list[Finding]:
    """Legacy schemes (DES, MD5-crypt) and strings that are no hash the servers accept."""
    rows = (
        ctx.scoped(Mailbox.objects.exclude(crypt="").exclude(crypt=GUIDE_DEFAULT_CRYPT))
        .exclude(crypt__startswith="$6$")
        .values_list("address", "crypt")
    )
    findings = []
    for address, crypt in rows.iterator(STREAM_CHUNK):
        scheme = passwords.scheme_of(crypt)
        if scheme is None:
            level = ERROR
            message = (
                f"Mailbox {address} has a crypt value that is no password hash the mail "
                "servers accept: nobody can log in. Set a password."
            )
        elif scheme == "des_crypt":
            level = WARNING
            message = (
                f"Mailbox {address} has a legacy des_crypt hash, which reads only the first 8 "
                "characters of a password (so a self-service login with a longer one cannot "
                "upgrade it): ask the owner to set a new password."
            )
        elif scheme in passwords.WEAK_SCHEMES:
            level = WARNING
            message = (
                f"Mailbox {address} has a weak {scheme} hash: set a new password (or let "
                "the owner log in to self-service, which upgrades it)."
            )
        else:
            continue
        findings.append(_mailbox_finding("weak-password", level, address, message, page="password"))
    return findings


def check_empty_passwords(ctx: CheckContext) -> list[Finding]:
    rows = ctx.scoped(Mailbox.objects.filter(crypt="")).values_list("address")
    return [
        _mailbox_finding(
            "empty-password",
            ERROR,
            address,
            f"Mailbox {address} has an empty crypt column: set a password.",
            page="password",
        )
        for (address,) in rows.iterator(STREAM_CHUNK)
    ]


def check_plaintext_passwords(ctx: CheckContext) -> list[Finding]:
    """A non-empty `clear` column: a readable password (the value itself is never shown)."""
    rows = ctx.scoped(Mailbox.objects.exclude(clear="")).values_list("address")
    return [
        _mailbox_finding(
            "plaintext-password",
            ERROR,
            address,
            f"Mailbox {address} has a plain-text password in the clear column. Setting a "
            "password through the panel empties it.",
            page="password",
        )
        for (address,) in rows.iterator(STREAM_CHUNK)
    ]


def check_quotas(ctx: CheckContext) -> list[Finding]:
    """Quota strings Courier does not understand: they silently mean no quota at all."""
    rows = ctx.scoped(Mailbox.objects.exclude(quota="")).values_list("address", "quota")
    return [
        _mailbox_finding(
            "bad-quota",
            WARNING,
            address,
            f"Mailbox {address} has quota {value!r}, which Courier ignores (no quota at all). "
            f"Use e.g. 524288000S for 500 MB.",
        )
        for address, value in rows.iterator(STREAM_CHUNK)
        if not quota.is_courier_quota(value)
    ]


def check_mailbox_usage(ctx: CheckContext) -> list[Finding]:
    """Mailboxes at 90 % of their quota or more (a warning) and over it (an error: mail
    bounces), from the last measurement against the quota as it is now. The index on the
    fill at measurement narrows the rows; a quota lowered since shows at the next run."""
    rows = ctx.scoped(
        MailboxUsage.objects.filter(fill__gte=WARN_FILL), "mailbox__domain_name"
    ).values_list("mailbox_id", "bytes", "messages", "mailbox__quota")
    findings = []
    for address, size, messages, quota_string in rows.iterator(STREAM_CHUNK):
        fill = fill_of(quota_string, size, messages)
        if fill is None or fill < WARN_FILL:
            continue
        used = f"{quota.human_size(size)} and {messages} messages of {quota.humanize(quota_string)}"
        if fill > FULL_FILL:
            message = f"Mailbox {address} is over its quota ({used}): new mail bounces."
        else:
            message = f"Mailbox {address} is {fill // 10}% full ({used})."
        level = ERROR if fill > FULL_FILL else WARNING
        findings.append(_mailbox_finding("mailbox-full", level, address, message))
    return findings


def check_usage_stale(ctx: CheckContext) -> list[Finding]:
    """Domains whose usage was last measured more than a day ago: `mail usage collect` is
    not running (one GROUP BY over the indexed measurement time)."""
    since = timezone.now() - timedelta(seconds=STALE_AFTER)
    rows = (
        ctx.scoped(MailboxUsage.objects.filter(measured_at__lt=since), "mailbox__domain_name")
        .values("mailbox__domain_name")
        .annotate(n=Count("*"), newest=Max("measured_at"))
        .values_list("mailbox__domain_name", "n", "newest")
    )
    return [
        _domain_finding(
            "usage-stale",
            WARNING,
            domain,
            f"The usage of {n} mailbox{'es' if n != 1 else ''} of {domain} was last measured "
            f"{timesince(newest)} ago: is `mail usage collect` running (cron or its systemd "
            "timer)?",
        )
        for domain, n, newest in rows
    ]


def _maildir_finding(address: str, message: str) -> Finding:
    """Linked to the mailbox's page, unless the panel no longer accepts its address (a
    quoted or slashed local part): then the row is removed by hand."""
    try:
        usable = normalize_address(address) == address
    except ValidationError:
        usable = False
    if usable:
        return _mailbox_finding("maildir", ERROR, address, message)
    message += (
        " The panel does not take this address as stored: fix or remove its users and "
        "aliases rows by hand."
    )
    return Finding("maildir", ERROR, "mailbox", address, domain_of(address), message)


def check_maildirs(ctx: CheckContext) -> list[Finding]:
    """Maildirs that escape `virtual_mailbox_base` or lie in another hosted domain's
    directory, and mailboxes sharing a maildir or nested in another's (`xandros/.sent/` is
    a Maildir++ folder of `xandros/`). Paths as the servers resolve them (mailadmin.maildirs).

    One streamed pass over every mailbox (judged against the whole table, reported in
    scope); the resolved paths are then sorted once, so a maildir and everything inside
    it are neighbours: a stack of the enclosing maildirs finds every overlap.
    """
    domains = ctx.routes.domains  # every hosted name, loaded once per run
    rows = Mailbox.objects.order_by().values_list("address", "maildir")
    findings: list[Finding] = []
    entries: list[str] = []  # "path\0address": one string a row, sorted by path
    for address, maildir in rows.iterator(STREAM_CHUNK):
        name = domain_of(address).lower()  # after the last '@', as Postfix reads it
        path = maildirs.resolve(maildir.replace("\0", ""))
        if path is None:
            if ctx.in_scope(name):
                message = (
                    f"Mailbox {address} has maildir {maildir!r}, which is absolute or climbs "
                    "out of virtual_mailbox_base: its mail is written outside the mail store."
                )
                findings.append(_maildir_finding(address, message))
            continue
        other = maildirs.outside_own_domain(path, name, domains)
        if other and ctx.in_scope(name):
            message = (
                f"Mailbox {address} has maildir {maildir!r}, in the directory of domain "
                f"{other}: its mail is stored among that domain's."
            )
            findings.append(_maildir_finding(address, message))
        entries.append(f"{path}\0{address}")
    entries.sort()
    enclosing: list[tuple[str, str]] = []
    reported: set[str] = set()  # an outer mailbox gets one finding, however many inside
    for entry in entries:
        path, _, address = entry.partition("\0")
        while enclosing and not path.startswith(enclosing[-1][0]):
            enclosing.pop()
        if enclosing:
            outer_path, outer = enclosing[-1]
            same = path == outer_path
            pair = ((address, outer, path), (outer, address, outer_path))
            for this, that, where in pair:
                if not ctx.in_scope(domain_of(this).lower()) or this in reported:
                    continue
                reported.add(this)
                visible = ctx.in_scope(domain_of(that).lower())
                shown = that if visible else "a mailbox of another domain"
                if same:
                    relation = f"the same maildir as {shown}"
                elif this == address:
                    relation = f"inside the maildir of {shown}"
                else:
                    relation = f"which holds the maildir of {shown}"
                message = (
                    f"Mailbox {this} has maildir {where!r}, {relation}: each can read and "
                    "expunge the other's mail."
                )
                findings.append(_maildir_finding(this, message))
        enclosing.append((path, address))
    return findings


_CASE_TABLES: list[tuple[type, str, str, str]] = [
    (Domain, "domain", "domain", "domain"),
    (Mailbox, "address", "domain_name", "mailbox"),
    (Alias, "mail", "domain_name", "alias"),
]


def check_case(ctx: CheckContext) -> list[Finding]:
    """Rows that differ only by case (ambiguous lookups), and rows stored with capitals.

    Two rows that differ only by case include one with capitals, so both findings start from
    the rows with capitals (a scan without sorting or grouping); their lower-case twins are
    then looked up by value (an index lookup; case-insensitive on MySQL).
    """
    findings = []
    scope = None if ctx.domains is None else {name.lower() for name in ctx.domains}
    for model, column, scope_field, what in _CASE_TABLES:
        members = dict(
            model.objects.order_by()
            .alias(stored=Binary(F(column)), lowered=Binary(Lower(column)))
            .exclude(stored=F("lowered"))
            .values_list(column, scope_field)
            .iterator(STREAM_CHUNK)
        )
        capitals = list(members)
        keys = sorted({value.lower() for value in capitals})
        for start in range(0, len(keys), LOOKUP_BATCH):
            batch = keys[start : start + LOOKUP_BATCH]
            twins = model.objects.order_by().filter(**{f"{column}__in": batch})
            members.update(twins.values_list(column, scope_field))
        groups: dict[str, list[str]] = {}
        for value in members:
            groups.setdefault(value.lower(), []).append(value)
        visible = {v for v, name in members.items() if scope is None or name.lower() in scope}
        duplicated = set()
        for key, values in sorted(groups.items()):
            if len(values) < 2:
                continue
            duplicated.update(values)
            values = sorted(v for v in values if v in visible)
            if values:
                findings.append(
                    _case_finding(
                        what,
                        ERROR,
                        values[0],
                        key,
                        f"{len(values)} {what} rows differ only by case: {', '.join(values)}. "
                        "Lookups may find either.",
                    )
                )
        stored = [v for v in capitals if v not in duplicated and v in visible]
        if stored:
            examples = stored[:MAX_EXAMPLES]
            findings.append(
                _case_finding(
                    what,
                    WARNING,
                    examples[0],
                    examples[0].lower(),
                    f"{len(stored)} {what} row(s) stored with capitals "
                    f"(e.g. {', '.join(examples)}): the mail servers look addresses up in lower "
                    "case, which only a case-insensitive collation matches.",
                )
            )
    return findings


def _case_finding(what: str, level: str, value: str, key: str, message: str) -> Finding:
    if what == "domain":
        return _domain_finding("case", level, value, message, url_name="domains:list", url_args=())
    name = domain_of(key)
    url = "aliases:list" if what == "alias" else "domains:mailbox_list"
    query = f"q={re.sub(r'[^a-z0-9@._+-]', '', key)}"
    return Finding("case", level, what, value, name, message, url, (), query)


ROLE_ADDRESSES = ("postmaster", "abuse")


def check_role_addresses(ctx: CheckContext) -> list[Finding]:
    """RFC 2142: every hosted domain receives postmaster@ and abuse@.

    An address is reachable through an enabled alias or mailbox of its own, or an enabled
    '@domain' row. Those rows are read by prefix (index ranges on `mail` and `id`), then
    matched ignoring case, as the mail servers' lookups do on MariaDB.
    """
    alias_rows, mailbox_rows = DOMAIN_ROW, Q()
    for local in ROLE_ADDRESSES:
        alias_rows |= Q(mail__istartswith=f"{local}@")
        mailbox_rows |= Q(address__istartswith=f"{local}@")
    reachable = {
        address.lower()
        for rows in (
            Alias.objects.filter(alias_rows, enabled=True).values_list("mail", flat=True),
            Mailbox.objects.filter(mailbox_rows, enabled=True).values_list("address", flat=True),
        )
        for address in rows.order_by().iterator(STREAM_CHUNK)
    }
    rows = ctx.scoped(Domain.objects.filter(enabled=True), "domain").values_list("domain")
    findings = []
    for (name,) in rows.iterator(STREAM_CHUNK):
        if "@" + name.lower() in reachable:
            continue
        for local in ROLE_ADDRESSES:
            if f"{local}@{name}".lower() not in reachable:
                findings.append(
                    _domain_finding(
                        "role-address",
                        WARNING,
                        name,
                        f"Domain {name} has no {local}@{name} (RFC 2142): add an alias.",
                        url_name="aliases:create",
                        url_args=(),
                    )
                )
    return findings


CHECKS: list[Callable[[CheckContext], list[Finding]]] = [
    check_dead_ends,
    check_loops,
    check_swallowed_mailboxes,
    check_mailboxes_receiving_nothing,
    check_backscatter,
    check_domain_state,
    check_default_passwords,
    check_weak_passwords,
    check_empty_passwords,
    check_plaintext_passwords,
    check_quotas,
    check_maildirs,
    check_case,
    check_role_addresses,
    check_mailbox_usage,
    check_usage_stale,
]
