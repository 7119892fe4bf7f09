"""Per-domain limits: the one check every writer of mailboxes and aliases calls.

`hold` runs inside the writer's transaction: it locks the domain's limits row (so two
admins racing wait for each other), measures the current use with one indexed query per
kind of limit, and refuses a change that would pass a limit — unless the caller passes
`over_limit=True` (a superuser who confirmed), in which case it returns what is exceeded
for the audit entry. Domains without a limits row are unlimited and take no lock.

What counts: enabled mailboxes (what Postfix serves); enabled aliases that are not a
mailbox's own row (its self-alias, or the forward it became); the quotas of every
mailbox, enabled or not, since a disabled mailbox keeps its maildir. A mailbox without a
byte quota counts as the domain's maximum quota, and is refused when a total is set and
there is no maximum. Lowering or removing a quota, or fewer rows, is always allowed.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import BigIntegerField, Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, StrIndex, Substr
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from aliases.models import TO_ITSELF, Alias
from audit.services import Actor, record
from domains.models import Domain, Mailbox
from limits.models import DomainLimits
from mailadmin import fingerprint, quota
from mailadmin.addresses import normalize_domain
from mailadmin.prepared import Prepared

OVER_LIMIT = "over_limit"
# The quota strings `mailadmin.quota.parse` writes with a byte size; anything else has none.
_SIZED = Q(quota__regex=r"^[0-9]+S(,[0-9]+C)?$")
FIELDS = ("mailboxes", "aliases", "max_quota", "total_quota", "default_quota")
# Translators: the subjects of the errors of a domain's limits form ("... must be a number").
LABELS = {
    "mailboxes": gettext_lazy("The most mailboxes"),
    "aliases": gettext_lazy("The most aliases"),
    "max_quota": gettext_lazy("The largest quota"),
    "total_quota": gettext_lazy("The total quota"),
    "default_quota": gettext_lazy("The default quota"),
}


@dataclass(frozen=True)
class Change:
    """What a write adds to a domain: rows made enabled, quotas given and taken back."""

    mailboxes: int = 0
    aliases: int = 0
    quotas_added: tuple[str, ...] = ()
    quotas_removed: tuple[str, ...] = ()


@dataclass
class Use:
    mailboxes: int = 0
    aliases: int = 0
    sized_bytes: int = 0  # the sum of the byte quotas
    unsized: int = 0  # mailboxes without a byte quota
    counted: set[str] = field(default_factory=set)

    def allocated(self, limits: DomainLimits) -> int | None:
        """Bytes of quota allocated; None when unbounded (mailboxes without quota, no max)."""
        if self.unsized and limits.max_quota is None:
            return None
        return self.sized_bytes + self.unsized * (limits.max_quota or 0)


def _size():
    return Cast(
        Substr("quota", 1, StrIndex("quota", Value("S")) - 1), output_field=BigIntegerField()
    )


USE_KEYS = ("mailboxes", "sized_bytes", "unsized")  # _use_aggregates' names


def _use_aggregates() -> dict:
    return {
        "mailboxes": Count("pk", filter=Q(enabled=True)),
        "sized_bytes": Sum(_size(), filter=_SIZED),
        "unsized": Count("pk", filter=~_SIZED),
    }


def counted_aliases():
    """The alias rows an alias limit counts: enabled, not a mailbox's own row."""
    own = Mailbox.objects.filter(address=OuterRef("mail"))
    return Alias.objects.filter(enabled=True).exclude(TO_ITSELF.q).exclude(Exists(own))


_MAILBOX_USE = Prepared(
    lambda name: (
        Mailbox.objects.filter(domain_name=name)
        .order_by()
        .values("domain_name")
        .annotate(**_use_aggregates())
        .values(*_use_aggregates())
    ),
    str,
)
_ALIAS_USE = Prepared(
    lambda name: counted_aliases().filter(domain_name=name).order_by().values("pk"), str
)
_LIMITS = Prepared(lambda name: DomainLimits.objects.filter(domain__domain=name)[:1], str)


def mailbox_use(name: str) -> dict:
    """Enabled mailboxes and allocated quota of a domain: one query on users' domain index."""
    rows = _MAILBOX_USE.dicts(name)
    row = rows[0] if rows else {}
    return {key: row.get(key) or 0 for key in USE_KEYS}


def alias_use(name: str) -> int:
    """Enabled aliases of a domain that are not a mailbox's own row: one query."""
    return _ALIAS_USE.count(name)


def uses_of(names) -> dict[str, Use]:
    """The use of several domains (a list page's): two grouped queries on the domain
    indexes, however many domains the table holds."""
    names = list(names)
    uses = {name: Use(counted={"mailboxes", "aliases"}) for name in names}
    if not names:
        return uses
    rows = (
        Mailbox.objects.filter(domain_name__in=names)
        .order_by()
        .values("domain_name")
        .annotate(**_use_aggregates())
    )
    for row in rows:
        use = uses[row["domain_name"]]
        for key in USE_KEYS:
            setattr(use, key, row[key] or 0)
    aliases = (
        counted_aliases()
        .filter(domain_name__in=names)
        .order_by()
        .values_list("domain_name")
        .annotate(n=Count("*"))
    )
    for name, n in aliases:
        uses[name].aliases = n
    return uses


def use_of(name: str, *, mailboxes: bool = True, aliases: bool = True) -> Use:
    use = Use()
    if mailboxes:
        for key, value in mailbox_use(name).items():
            setattr(use, key, value)
        use.counted.add("mailboxes")
    if aliases:
        use.aliases = alias_use(name)
        use.counted.add("aliases")
    return use


def limits_of(name: str) -> DomainLimits | None:
    found = _LIMITS.objects(name)
    return found[0] if found else None


def locked(name: str) -> DomainLimits | None:
    """The domain's limits row, locked until the caller's transaction ends.

    Found first without a lock, then locked by its key alone: a locking read joined to
    `domains` would lock the domain's row too, and so serialise every creation in a
    domain without limits."""
    key = DomainLimits.objects.filter(domain__domain=name).values_list("pk", flat=True).first()
    if key is None:
        return None
    return DomainLimits.objects.select_for_update().filter(pk=key).first()


def lock_many(names) -> dict[str, DomainLimits]:
    """The limits rows of several domains, locked in one query (key order: no deadlock)."""
    keys = dict(
        DomainLimits.objects.filter(domain__domain__in=list(names)).values_list(
            "pk", "domain__domain"
        )
    )
    rows = DomainLimits.objects.select_for_update().filter(pk__in=list(keys)).order_by("pk")
    return {keys[row.pk]: row for row in rows}


def size_cell(size: int | None) -> str:
    """A size limit as an exact cell the import reads back: '2G', '1536M', '1000B'."""
    if size is None:
        return ""
    for unit in ("T", "G", "M", "K"):
        if size % quota.UNITS[unit] == 0:
            return f"{size // quota.UNITS[unit]}{unit}"
    return f"{size}B"


def size_words(size: int | None) -> str:
    return _("unlimited") if size is None else quota.human_size(size)


def _bytes(text: str, limits: DomainLimits) -> int | None:
    size, _ = quota.limits(text)
    return size if size is not None else limits.max_quota


def exceeded(name: str, limits: DomainLimits, use: Use, change: Change) -> list[str]:
    """What `change` would pass, one sentence per limit naming it and the current use."""
    problems = []
    if limits.mailboxes is not None and change.mailboxes > 0:
        after = use.mailboxes + change.mailboxes
        if after > limits.mailboxes:
            text = ngettext(
                "Domain %(domain)s allows %(limit)s mailbox and has %(have)s.",
                "Domain %(domain)s allows %(limit)s mailboxes and has %(have)s.",
                limits.mailboxes,
            )
            problems.append(
                text % {"domain": name, "limit": limits.mailboxes, "have": use.mailboxes}
            )
    if limits.aliases is not None and change.aliases > 0:
        after = use.aliases + change.aliases
        if after > limits.aliases:
            text = ngettext(
                "Domain %(domain)s allows %(limit)s alias and has %(have)s.",
                "Domain %(domain)s allows %(limit)s aliases and has %(have)s.",
                limits.aliases,
            )
            problems.append(text % {"domain": name, "limit": limits.aliases, "have": use.aliases})
    if limits.max_quota is not None:
        for text in change.quotas_added:
            size = quota.limits(text)[0]
            if size is None or size > limits.max_quota:
                problems.append(
                    _(
                        "Domain %(domain)s allows a quota of at most %(max)s per mailbox, "
                        "not %(size)s."
                    )
                    % {
                        "domain": name,
                        "max": size_words(limits.max_quota),
                        "size": size_words(size),
                    }
                )
    if limits.total_quota is not None and change.quotas_added:
        added = [_bytes(t, limits) for t in change.quotas_added]
        removed = [_bytes(t, limits) for t in change.quotas_removed]
        allocated = use.allocated(limits)
        words = {"domain": name, "total": size_words(limits.total_quota), "count": use.unsized}
        if None in added:
            problems.append(
                _("Domain %(domain)s allots %(total)s of quota in total: a mailbox needs a quota.")
                % words
            )
        elif allocated is None:
            text = ngettext(
                "Domain %(domain)s allots %(total)s of quota in total and has %(count)s "
                "mailbox without quota: give it one first.",
                "Domain %(domain)s allots %(total)s of quota in total and has %(count)s "
                "mailboxes without quota: give them one first.",
                use.unsized,
            )
            problems.append(text % words)
        elif sum(added) > sum(r or 0 for r in removed):
            after = allocated + sum(added) - sum(r or 0 for r in removed)
            if after > limits.total_quota:
                words.update(allocated=size_words(allocated), after=size_words(after))
                text = _(
                    "Domain %(domain)s allots %(total)s of quota in total and has allocated "
                    "%(allocated)s; this would make %(after)s."
                )
                problems.append(text % words)
    return problems


class Passed(str):
    """A limit a change passes, in the active language; `english` is how the audit log
    keeps it (its records stay in English)."""

    english: str


def check(
    name: str, limits: DomainLimits | None, change: Change, *, over_limit: bool = False
) -> list[str]:
    """Refuse `change` when it passes a limit of `limits` (already locked by `locked`);
    with `over_limit` return the limits passed instead (for the audit entry)."""
    if limits is None or limits.is_empty:
        return []
    use = use_of(
        name,
        mailboxes=bool(change.mailboxes or change.quotas_added),
        aliases=bool(change.aliases),
    )
    problems = exceeded(name, limits, use, change)
    if problems and not over_limit:
        raise ValidationError(" ".join(problems), code=OVER_LIMIT)
    with translation.override(None):
        english = exceeded(name, limits, use, change)
    passed = []
    for text, in_english in zip(problems, english, strict=True):
        item = Passed(text)
        item.english = in_english
        passed.append(item)
    return passed


def hold(name: str, change: Change, *, over_limit: bool = False) -> list[str]:
    """`check` under the domain's lock: call it inside the creating transaction."""
    return check(name, locked(name), change, over_limit=over_limit)


def english(problems: list[str]) -> list[str]:
    """Limits passed (`check`'s) as the audit log keeps them."""
    return [getattr(p, "english", p) for p in problems]


def over_note(problems: list[str]) -> str:
    """The audit message of a change a superuser confirmed past a limit."""
    return ("over the limit, confirmed: " + " ".join(english(problems))) if problems else ""


def quota_for_new(limits: DomainLimits | None, quota_text: str) -> str:
    """The quota string of a new mailbox: the one given, else the domain's default."""
    if not (quota_text or "").strip() and limits is not None:
        return limits.default_quota
    return quota.parse(quota_text)


# --- setting limits ----------------------------------------------------------------------
def parse_count(value, label: str) -> int | None:
    if value is None or str(value).strip().lower() in ("", "unlimited", "none"):
        return None
    text = str(value).strip()
    if not text.isdigit() or len(text) > 9:
        raise ValidationError(
            _("%(label)s must be a whole number or empty (unlimited), not %(value)s.")
            % {"label": label, "value": repr(text[:20])},
            code="invalid_limit",
        )
    return int(text)


def parse_size(value, label: str) -> int | None:
    """A size limit in human units (`2G`, `100 GB`) → bytes; empty/'unlimited' → None."""
    text = parse_quota(value, label)
    if not text:
        return None
    size, count = quota.limits(text)
    if size is None or count is not None:
        raise ValidationError(
            _("%(label)s is a size such as 2G or 100 GB, not %(value)s.")
            % {"label": label, "value": repr(value)},
            code="invalid_limit",
        )
    return size


def parse_quota(value, label: str) -> str:
    try:
        return quota.parse(value or "")
    except ValidationError as error:
        # Translators: label is the limit (the default quota), reason what is wrong with it.
        message = _("%(label)s: %(reason)s") % {"label": label, "reason": " ".join(error.messages)}
        raise ValidationError(message, code="invalid_limit") from None


def snapshot(limits: DomainLimits | None) -> dict:
    if limits is None:
        return dict.fromkeys(FIELDS)
    return {f: getattr(limits, f) for f in FIELDS}


def limits_fingerprint(limits: DomainLimits | None) -> str:
    """A domain's limits as an editor (the API's ETag) loaded them (mailadmin.fingerprint)."""
    return fingerprint.fingerprint(snapshot(limits))


@dataclass(frozen=True)
class Line:
    """One limit against its use: ('mailboxes', '12 / 50 mailboxes', over?)."""

    key: str
    text: str
    over: bool = False


def report(name: str, limits: DomainLimits | None, use: Use | None = None) -> list[Line]:
    """Each limit with the current use, for the domain page, the CLI and the findings."""
    limits = limits or DomainLimits()
    use = use or use_of(name)
    lines = []
    # Translators: "3 / 50 mailboxes": used / allowed.
    counted = {
        "mailboxes": (_("%(have)s / %(limit)s mailboxes"), _("%(have)s / unlimited mailboxes")),
        "aliases": (_("%(have)s / %(limit)s aliases"), _("%(have)s / unlimited aliases")),
    }
    for key, (limited, unlimited) in counted.items():
        limit, have = getattr(limits, key), getattr(use, key)
        text = (unlimited if limit is None else limited) % {"have": have, "limit": limit}
        lines.append(Line(key, text, limit is not None and have > limit))
    if limits.max_quota is None:
        lines.append(Line("max_quota", _("no maximum quota per mailbox")))
    else:
        size = size_words(limits.max_quota)
        lines.append(Line("max_quota", _("at most %(size)s per mailbox") % {"size": size}))
    allocated = use.allocated(limits)
    total = limits.total_quota
    over = total is not None and (allocated is None or allocated > total)
    words = {"total": size_words(total), "count": use.unsized}
    if allocated is None:
        words["size"] = size_words(use.sized_bytes)
        text = _("%(size)s + %(count)s without quota of %(total)s allocated") % words
    else:
        words["size"] = size_words(allocated)
        text = _("%(size)s of %(total)s allocated") % words
    lines.append(Line("total_quota", text, over))
    default = quota.humanize(limits.default_quota)
    lines.append(Line("default_quota", _("new mailboxes get %(quota)s") % {"quota": default}))
    return lines


@transaction.atomic
def set_limits(
    name: str, *, actor: Actor, expected: str | None = None, **values
) -> tuple[DomainLimits, list[Line]]:
    """Set some limits of a domain (keys of FIELDS; text as typed, '' = unlimited).

    Lowering a limit below the current use is allowed: nothing is removed, and the lines
    returned say which limits the domain is now over. `expected`: the `limits_fingerprint`
    the editor loaded; when given and the limits changed since, nothing is written."""
    name = normalize_domain(name)
    domain = Domain.objects.filter(domain=name).first()
    if domain is None:
        raise ValidationError(
            _("Domain %(domain)s is not hosted here.") % {"domain": name}, code="no_domain"
        )
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown limits {sorted(unknown)}")
    limits = DomainLimits.objects.select_for_update().filter(domain=domain).first()
    fingerprint.check(limits_fingerprint(limits), expected, "limits", name)
    before = snapshot(limits)
    limits = limits or DomainLimits(domain=domain)
    for key, value in values.items():
        try:
            if key in ("mailboxes", "aliases"):
                setattr(limits, key, parse_count(value, LABELS[key]))
            elif key == "default_quota":
                limits.default_quota = parse_quota(value, LABELS[key])
            else:
                setattr(limits, key, parse_size(value, LABELS[key]))
        except ValidationError as error:
            raise ValidationError(error.messages[0], code=f"invalid_{key}") from None
    if limits.default_quota and limits.max_quota is not None:
        size = quota.limits(limits.default_quota)[0]
        if size is None or size > limits.max_quota:
            words = {
                "default": quota.humanize(limits.default_quota),
                "max": size_words(limits.max_quota),
            }
            raise ValidationError(
                _(
                    "The default quota (%(default)s) is more than the maximum quota of one "
                    "mailbox (%(max)s)."
                )
                % words,
                code="invalid_default_quota",
            )
    after = snapshot(limits)
    use = use_of(name)
    lines = report(name, limits, use)
    with translation.override(None):  # the audit log keeps its records in English
        over = [line.text for line in report(name, limits, use) if line.over]
    if after != before:
        limits.save()
        record(
            actor,
            "limits",
            "domain",
            name,
            domain=name,
            before=before,
            after=after,
            message=("now over: " + "; ".join(over)) if over else "",
        )
    return limits, lines
