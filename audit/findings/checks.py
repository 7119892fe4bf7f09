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

from aliases.models import Alias
from aliases.services import MailboxDelivery
from audit.findings import texts
from audit.findings.kinds import ERROR, FINDING_KINDS, INFO, WARNING
from audit.findings.texts import Text
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
    texts: tuple[Text, ...]  # its sentences (audit.findings.texts), all from `params`
    params: dict
    url_name: str = ""
    url_args: tuple = ()
    url_query: str = ""

    @property
    def message(self) -> str:
        """In English, whatever the active language: `mail check`, --json, the API and the
        stored report's column."""
        return " ".join(text.english(self.params) for text in self.texts)

    @property
    def explanation(self) -> str:
        """In the active language: the findings page."""
        return " ".join(text.render(self.params) for text in self.texts)

    @property
    def text_keys(self) -> str:
        return " ".join(text.key for text in self.texts)

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


def _alias_finding(kind: str, level: str, mail: str, text: Text, params: dict) -> Finding:
    return Finding(
        kind, level, "alias", mail, domain_of(mail), (text,), params, "aliases:edit", (mail,)
    )


def _mailbox_finding(
    kind: str, level: str, address: str, text: Text, params: dict, *, page=""
) -> Finding:
    url = f"domains:mailbox_{page}" if page else "domains:mailbox"
    name = domain_of(address)
    return Finding(kind, level, "mailbox", address, name, (text,), params, url, (address,))


def _domain_finding(kind: str, level: str, name: str, text: Text, params: dict, **link) -> Finding:
    url_name = link.pop("url_name", "domains:detail")
    url_args = link.pop("url_args", (name,))
    return Finding(kind, level, "domain", name, name, (text,), params, url_name, url_args, **link)


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


def _why_dead(routes: PreloadedTables, source: str, target: str) -> tuple[str, Text, dict] | None:
    """(level, text, params) when mail from `source` to local `target` cannot be delivered."""
    for found in follow(routes, target):
        address = found.address
        name = domain_of(address)
        state = routes.domain_enabled(name)
        if state is None:
            return None  # rewritten to a domain hosted elsewhere
        if not state:
            params = {"source": source, "address": address, "domain": name}
            return WARNING, texts.DEAD_DISABLED_DOMAIN, params
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
        params = {"source": source, "address": address}
        if state is None:
            return ERROR, texts.DEAD_NO_MAILBOX, params
        if not state:
            return WARNING, texts.DEAD_DISABLED_MAILBOX, params
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
            if dead := _why_dead(routes, mail, target):
                level, text, params = dead
                findings.append(_alias_finding("dead-end", level, mail, text, params))
    for name, targets in routes.domain_rows.items():
        target = targets[0]
        if not target.startswith("@") or not ctx.in_scope(name):
            continue
        state = routes.domains.get(target[1:])
        params = {"alias": "@" + name, "target": target, "domain": target[1:], "name": name}
        if state is False:
            text = texts.DEAD_DOMAIN_ALIAS_DISABLED
            findings.append(_alias_finding("dead-end", WARNING, "@" + name, text, params))
        elif state is None:  # e.g. the target domain was removed, its domain alias kept
            text = texts.DEAD_DOMAIN_ALIAS_ELSEWHERE
            findings.append(_alias_finding("dead-end", INFO, "@" + name, text, params))
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
            text, level = texts.DEAD_SELF_NO_MAILBOX, ERROR
        else:
            text, level = texts.DEAD_SELF_DISABLED, WARNING
        findings.append(_alias_finding("dead-end", level, mail, text, {"address": mail}))
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
        findings.append(_alias_finding("loop", ERROR, subject, texts.LOOP, {"route": route}))
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
                texts.SWALLOWED,
                {"address": address, "domain": name},
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
        params = {"address": mail, "targets": ", ".join(delivery.targets)}
        text = texts.RECEIVES_NOTHING if delivery.targets else texts.RECEIVES_NOTHING_NOWHERE
        findings.append(
            _mailbox_finding("receives-nothing", INFO, mail, text, params, page="forward")
        )
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
            texts.BACKSCATTER,
            {"alias": mail, "target": destination},
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
            text = texts.DOMAIN_MISSING if name else texts.DOMAIN_MISSING_EMPTY
            params = {"mailboxes": mailboxes, "aliases": aliases, "domain": name}
            link = {"url_name": "domains:create", "url_args": ()}
            findings.append(_domain_finding("domain-state", ERROR, name, text, params, **link))
        elif not hosted[key][1]:
            name = hosted[key][0]
            params = {"mailboxes": mailboxes, "aliases": aliases, "domain": name}
            text = texts.DOMAIN_DISABLED
            findings.append(_domain_finding("domain-state", WARNING, name, text, params))
    return findings


def check_default_passwords(ctx: CheckContext) -> list[Finding]:
    """`crypt` still the guide's column default: the password is "ChangeMe" for both servers."""
    rows = ctx.scoped(Mailbox.objects.filter(crypt=GUIDE_DEFAULT_CRYPT)).values_list("address")
    return [
        _mailbox_finding(
            "default-password",
            ERROR,
            address,
            texts.DEFAULT_PASSWORD,
            {"address": address, "hash": GUIDE_DEFAULT_CRYPT},
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
            level, text = ERROR, texts.NOT_A_HASH
        elif scheme == "des_crypt":
            level, text = WARNING, texts.DES_CRYPT
        elif scheme in passwords.WEAK_SCHEMES:
            level, text = WARNING, texts.WEAK_SCHEME
        else:
            continue
        params = {"address": address, "scheme": scheme}
        findings.append(
            _mailbox_finding("weak-password", level, address, text, params, page="password")
        )
    return findings


def check_empty_passwords(ctx: CheckContext) -> list[Finding]:
    rows = ctx.scoped(Mailbox.objects.filter(crypt="")).values_list("address")
    return [
        _mailbox_finding(
            "empty-password",
            ERROR,
            address,
            texts.EMPTY_PASSWORD,
            {"address": address},
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
            texts.PLAINTEXT_PASSWORD,
            {"address": address},
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
            texts.BAD_QUOTA,
            {"address": address, "quota": repr(value)},
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
        params = {
            "address": address,
            "percent": fill // 10,
            "size": size,
            "messages": messages,
            "quota": quota_string,
        }
        if fill > FULL_FILL:
            level, text = ERROR, texts.OVER_QUOTA
        else:
            level, text = WARNING, texts.NEARLY_FULL
        findings.append(_mailbox_finding("mailbox-full", level, address, text, params))
    return findings


def check_usage_stale(ctx: CheckContext) -> list[Finding]:
    """Domains whose usage was last measured more than a day ago: `mail usage collect` is
    not running (one GROUP BY over the indexed measurement time)."""
    now = timezone.now()
    since = now - timedelta(seconds=STALE_AFTER)
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
            texts.USAGE_STALE,
            {
                "count": n,
                "domain": domain,
                "measured": newest.isoformat(),
                "checked": now.isoformat(),
            },
        )
        for domain, n, newest in rows
    ]


def _maildir_finding(address: str, text: Text, params: dict) -> Finding:
    """Linked to the mailbox's page, unless the panel no longer accepts its address (a
    quoted or slashed local part): then the row is removed by hand."""
    try:
        usable = normalize_address(address) == address
    except ValidationError:
        usable = False
    if usable:
        return _mailbox_finding("maildir", ERROR, address, text, params)
    both = (text, texts.MAILDIR_BY_HAND)
    return Finding("maildir", ERROR, "mailbox", address, domain_of(address), both, params)


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
                params = {"address": address, "maildir": repr(maildir)}
                findings.append(_maildir_finding(address, texts.MAILDIR_OUTSIDE, params))
            continue
        other = maildirs.outside_own_domain(path, name, domains)
        if other and ctx.in_scope(name):
            params = {"address": address, "maildir": repr(maildir), "domain": other}
            findings.append(_maildir_finding(address, texts.MAILDIR_OTHER_DOMAIN, params))
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
                if same:
                    text = texts.MAILDIR_SAME if visible else texts.MAILDIR_SAME_HIDDEN
                elif this == address:
                    text = texts.MAILDIR_INSIDE if visible else texts.MAILDIR_INSIDE_HIDDEN
                else:
                    text = texts.MAILDIR_HOLDS if visible else texts.MAILDIR_HOLDS_HIDDEN
                params = {"address": this, "maildir": repr(where)}
                if visible:
                    params["other"] = that
                findings.append(_maildir_finding(this, text, params))
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
                        texts.CASE_TWINS[what],
                        {"count": len(values), "values": ", ".join(values)},
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
                    texts.CASE_CAPITALS[what],
                    {"count": len(stored), "examples": ", ".join(examples)},
                )
            )
    return findings


def _case_finding(what: str, level: str, value: str, key: str, text: Text, params: dict) -> Finding:
    if what == "domain":
        link = {"url_name": "domains:list", "url_args": ()}
        return _domain_finding("case", level, value, text, params, **link)
    name = domain_of(key)
    url = "aliases:list" if what == "alias" else "domains:mailbox_list"
    query = f"q={re.sub(r'[^a-z0-9@._+-]', '', key)}"
    return Finding("case", level, what, value, name, (text,), params, url, (), query)


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
                        texts.ROLE_ADDRESS,
                        {"domain": name, "address": f"{local}@{name}"},
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
