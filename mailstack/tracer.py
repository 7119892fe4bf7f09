"""The address tracer: what Postfix does with mail for an address, step by step.

`trace(address)` reads the panel's tables and reproduces, for the configuration
`mailstack.config` generates (measured against real Postfix by the `mailstack` test
layer), the rules of `routing` (docs/ARCHITECTURE.md), explaining each step:

1. RCPT TO from an outside client (smtpd): the domain must be hosted (`domains.enabled=1`),
   else 454 relay access denied; then an enabled alias must match the address or
   `@domain`, or an enabled mailbox the address, else 550 user unknown.
2. Virtual alias expansion (cleanup): each address is looked up as `user@domain`, then
   `@domain`; a result `@target` keeps the local part; results are expanded again until an
   address has no alias or expands into itself (a self-alias). An alias loop makes
   Postfix refuse the message with a temporary error (4.6.0) after 1000 rounds.
   A relay domain (transport not `virtual:`, `domains.models.relay_nexthop`) is accepted
   (relay_domains) for an address an enabled alias or mailbox names, or any address when
   the panel marks the domain a backup MX (relay_recipient_maps), else 550.
3. Each final recipient: a relay domain's is handed to its transport (transport_maps:
   "relayed to [10.0.0.5]:25 via smtp"); a hosted domain goes to the virtual delivery agent, which
   delivers to `virtual_mailbox_base/maildir` of an enabled mailbox or bounces the mail
   (accepted, then bounced); any other domain is sent out by SMTP (forwarded outside).

With a recipient delimiter (`routing.extensions`, MAILADMIN_RECIPIENT_DELIMITER) an
address `user+tag@domain` is also looked up as `user@domain` (the extension carried onto that
row's results) before `@domain`, at RCPT, in the expansion and for the mailbox.

The trace states the alias map style (`guide` or `no-backscatter`, see `routing.styles`) and
the recipient delimiter it assumes. It never writes anything.
"""

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from domains.models import relay_words
from mailadmin.addresses import check_recipient_delimiter, domain_of
from mailadmin.autoreply import mailbox_of
from routing import extensions
from routing.rules import (
    ADDRESS_LENGTH_LIMIT,
    ALIAS,
    AUTOREPLY,
    BOUNCED,
    CATCH_ALL,
    DEFERRED,
    DELIVERED,
    DOMAIN_ALIAS,
    EXPANSION_LIMIT,
    FORWARDED,
    OUTCOMES,
    RECURSION_LIMIT,
    REJECTED,
    RELAYED,
    SELF,
    Lookup,
    deliver,
    delivery_mailbox,
    expand,
    hosted,
    lookup,
    mailbox_keys,
    relay,
    relay_recipient,
    split_address,
)
from routing.styles import STYLES, alias_style
from routing.tables import LazyTables

CARRIED_SHOWN = 2  # lookups explained per alias row carrying an extension

__all__ = [
    "AUTOREPLY",
    "BOUNCED",
    "DEFERRED",
    "DELIVERED",
    "EXPANSION_LIMIT",
    "FORWARDED",
    "OUTCOMES",
    "RECURSION_LIMIT",
    "REJECTED",
    "RELAYED",
    "Hidden",
    "Recipient",
    "Step",
    "Trace",
    "redacted",
    "render_text",
    "trace",
]


# What the tracer page calls each kind of step and each outcome (the CLI and the JSON keep
# the kinds' own names).
STEP_LABELS = {
    "domain": pgettext_lazy("tracer step", "Domain"),
    "alias": pgettext_lazy("tracer step", "Alias"),
    "self": pgettext_lazy("tracer step", "Self-alias"),
    "catch-all": pgettext_lazy("tracer step", "Catch-all"),
    "domain-alias": pgettext_lazy("tracer step", "Domain alias"),
    "extension": pgettext_lazy("tracer step", "Extension"),
    "mailbox": pgettext_lazy("tracer step", "Mailbox"),
    "outside": pgettext_lazy("tracer step", "Outside"),
    "relay": pgettext_lazy("tracer step", "Relay"),
    "autoreply": pgettext_lazy("tracer step", "Auto-reply"),
    "loop": pgettext_lazy("tracer step", "Loop"),
    "limit": pgettext_lazy("tracer step", "Limit"),
}
OUTCOME_LABELS = {
    DELIVERED: pgettext_lazy("mail outcome", "delivered"),
    FORWARDED: pgettext_lazy("mail outcome", "forwarded"),
    RELAYED: pgettext_lazy("mail outcome", "relayed"),
    BOUNCED: pgettext_lazy("mail outcome", "bounced"),
    REJECTED: pgettext_lazy("mail outcome", "rejected"),
    DEFERRED: pgettext_lazy("mail outcome", "deferred"),
    AUTOREPLY: pgettext_lazy("mail outcome", "auto-reply"),
}


def outcome_label(outcome: str) -> str:
    return str(OUTCOME_LABELS.get(outcome, outcome))


@dataclass
class Step:
    kind: str  # domain, alias, catch-all, domain-alias, self, mailbox, outside, loop, limit
    address: str
    text: str
    found: bool = False
    result: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(STEP_LABELS.get(self.kind, self.kind))


@dataclass
class Recipient:
    address: str
    outcome: str
    text: str
    maildir: str | None = None  # absolute path, for DELIVERED
    uid: int | None = None
    gid: int | None = None
    smtp_code: int | None = None  # for REJECTED

    @property
    def label(self) -> str:
        return outcome_label(self.outcome)


@dataclass
class Trace:
    address: str
    style: str
    hosted: bool
    smtp_code: int  # the answer to RCPT TO from an outside client
    smtp_text: str
    steps: list[Step]
    # What happens to mail Postfix takes in (from the Internet when smtp_code is 250, or
    # submitted on this server): one entry per final recipient.
    expansion: list[Recipient]
    deferred: str = ""  # why the message is refused after RCPT (alias loop), else ''
    warnings: list[str] = field(default_factory=list)
    recipient_delimiter: str = ""  # Postfix's recipient_delimiter assumed ('' when off)

    @property
    def accepted(self) -> bool:
        return self.smtp_code == 250

    @property
    def recipients(self) -> list[Recipient]:
        """The outcome per final recipient of mail from an outside client."""
        if not self.accepted:
            return [Recipient(self.address, REJECTED, self.smtp_text, smtp_code=self.smtp_code)]
        return self.expansion

    def as_dict(self) -> dict:
        data = asdict(self)
        data["accepted"] = self.accepted
        data["recipients"] = [asdict(r) for r in self.recipients]
        return data


def _explain(found: Lookup) -> list[Step]:
    """The steps of one lookup, in the order Postfix passes over the rows."""
    address = found.address
    local, domain = split_address(address)
    steps: list[Step] = []
    if found.bare:
        extension = address[len(split_address(found.bare)[0]) :].rpartition("@")[0]
        steps.append(
            Step(
                "extension",
                address,
                _(
                    "%(address)s has the address extension %(extension)s: Postfix looks up "
                    "%(address)s, then %(bare)s (carrying %(extension)s onto its results), "
                    "then @%(domain)s"
                )
                % {
                    "address": address,
                    "extension": extension,
                    "bare": found.bare,
                    "domain": domain,
                },
            )
        )
    if found.kind in (ALIAS, SELF) and found.key == address:
        return [*steps, _result_step(found)]
    if found.own_disabled:
        text = _("alias %(address)s is disabled: ignored") % {"address": address}
        steps.append(Step("alias", address, text))
    if found.kind in (ALIAS, SELF):
        return [*steps, _result_step(found)]
    if found.bare_disabled:
        text = _("alias %(address)s is disabled: ignored") % {"address": found.bare}
        steps.append(Step("alias", address, text))
    if found.domain_alias is not None:
        words = {
            "domain": domain,
            "target_domain": found.domain_alias.destination[1:],
            "key": found.key,
            "target": found.domain_alias_target,
        }
        if found.by_domain_alias_map:
            if found.extension:
                words["result"] = found.results[0]
                text = _(
                    "@%(domain)s is a domain alias of @%(target_domain)s: %(key)s → %(target)s "
                    "(the local part is kept; the target exists), with the extension %(result)s"
                )
            else:
                text = _(
                    "@%(domain)s is a domain alias of @%(target_domain)s: %(key)s → %(target)s "
                    "(the local part is kept; the target exists)"
                )
            steps.append(
                Step(
                    "domain-alias",
                    address,
                    text % words,
                    found=True,
                    result=list(found.results),
                )
            )
            return steps
        text = _(
            "@%(domain)s is a domain alias of @%(target_domain)s, but %(target)s does not "
            "exist (no enabled alias, mailbox or catch-all): not rewritten"
        )
        steps.append(Step("domain-alias", address, text % words))
    if found.skipped_domain_alias:
        text = _("@%(domain)s is a domain alias; the plain map skips it") % {"domain": domain}
        steps.append(Step("domain-alias", address, text))
    elif found.kind:
        steps.append(_result_step(found))
    elif found.domain_row_disabled:
        text = _("@%(domain)s is disabled: ignored") % {"domain": domain}
        steps.append(Step("catch-all", address, text))
    return steps


def _result_step(found: Lookup) -> Step:
    address, row, results = found.address, found.row, found.results
    words = {"address": address, "results": ", ".join(results)}
    if found.kind == DOMAIN_ALIAS:
        words.update(domain=split_address(address)[1], target=row.destination)
        text = _(
            "@%(domain)s is a domain alias of %(target)s: %(address)s → %(results)s "
            "(the local part is kept)"
        )
    elif found.kind == CATCH_ALL:
        words["catch_all"] = row.mail
        text = _("no alias %(address)s; catch-all %(catch_all)s → %(results)s")
    elif found.extension:
        words.update(
            key=found.key, destinations=", ".join(row.destinations), extension=found.extension
        )
        if found.kind == SELF:
            text = _(
                "alias %(key)s → %(destinations)s, with the extension %(extension)s: "
                "%(address)s → %(results)s (the mailbox's self-alias: expansion stops here)"
            )
        else:
            text = _(
                "alias %(key)s → %(destinations)s, with the extension %(extension)s: "
                "%(address)s → %(results)s"
            )
    elif found.kind == SELF:
        text = _("%(address)s is its own alias (a mailbox's self-alias): expansion stops here")
    else:
        text = _("alias %(address)s → %(results)s")
    return Step(found.kind, address, text % words, found=True, result=results)


class _Tracer:
    def __init__(
        self,
        style: str,
        mail_base: str,
        overrides: dict[str, str] | None = None,
        delimiter: str = "",
    ):
        self.style = style
        self.mail_base = mail_base.rstrip("/")
        self.t = LazyTables(overrides, delimiter)
        self.steps: list[Step] = []
        self.warnings: list[str] = []
        self._explained: set[str] = set()
        self._carried: dict[str, int] = {}  # row key -> lookups that carried an extension

    # --- virtual_alias_maps ------------------------------------------------------------
    def lookup(self, address: str, explain: bool) -> list[str] | None:
        """One virtual_alias_maps lookup (mail_addr_find: user@domain, then @domain)."""
        found = lookup(self.t, address, self.style)
        if explain and address not in self._explained:
            self._explained.add(address)
            if found.extension:
                # A loop carrying an extension meets the same row with a longer one each
                # round: explained twice, then once said.
                rounds = self._carried[found.key] = self._carried.get(found.key, 0) + 1
                if rounds == CARRIED_SHOWN + 1:
                    text = _(
                        "alias %(key)s again, each round with a longer extension "
                        "(further rounds not shown)"
                    )
                    self.steps.append(Step("extension", address, text % {"key": found.key}))
                if rounds > CARRIED_SHOWN:
                    return found.results
            self.steps.extend(_explain(found))
        return found.results

    # --- cleanup: recursive expansion ------------------------------------------------------
    def expand(self, address: str) -> tuple[list[str], str]:
        """cleanup_map1n: the final recipients, or ([], reason) when Postfix defers.
        The reason is Postfix's own reply, in English as Postfix writes it."""
        expansion = expand(address, lambda current: self.lookup(current, explain=True))
        if expansion.limit == "expansion":
            text = _("more than %(limit)s recipients: Postfix refuses the message (4.6.0)")
            self.steps.append(Step("limit", expansion.at, text % {"limit": EXPANSION_LIMIT}))
            return [], "4.6.0 Alias expansion error (too many recipients)"
        if expansion.limit == "loop":
            text = _(
                "alias loop: %(loop)s; after %(limit)s rounds Postfix refuses the message (4.6.0)"
            )
            words = {"loop": expansion.loop, "limit": RECURSION_LIMIT}
            self.steps.append(Step("loop", expansion.at, text % words))
            return [], f"4.6.0 Alias expansion error (alias loop: {expansion.loop})"
        if expansion.limit == "length":
            text = _(
                "alias loop carrying an address extension: %(loop)s; the address grows each "
                "round until it is longer than %(limit)s characters, and Postfix refuses the "
                "message (4.6.0)"
            )
            words = {"loop": expansion.loop, "limit": ADDRESS_LENGTH_LIMIT}
            self.steps.append(Step("limit", expansion.at, text % words))
            return [], f"4.6.0 Alias expansion error (address too long: {expansion.loop})"
        return expansion.recipients, ""

    def _mailbox_disabled(self, address: str) -> bool:
        """Whether a users row of `address` exists, disabled (else none exists)."""
        own = mailbox_keys(self.t, address)[:-1]
        return any(self.t.mailbox(key) for key in own)

    def _named(self, address: str) -> str:
        """`address`, and the address without its extension when it has one."""
        own = mailbox_keys(self.t, address)[:-1]
        if len(own) == 1:
            return own[0]
        # Translators: two addresses, the second one without its extension (user+tag, user).
        return _("%(address)s or %(bare)s") % {"address": own[0], "bare": own[1]}

    # --- delivery ------------------------------------------------------------------------
    def deliver(self, address: str) -> Recipient:
        local, domain = split_address(address)
        outcome, key = deliver(self.t, address)
        words = {"address": address, "domain": domain}
        if not domain:
            text = _(
                "unqualified address: Postfix appends @$myorigin, which the tracer does not know"
            )
            return Recipient(address, BOUNCED, text)
        if outcome == FORWARDED:
            if self.t.domain(domain):
                step = _("%(domain)s is disabled here: Postfix sends %(address)s out by SMTP")
                text = _("forwarded outside: %(domain)s is disabled here")
            else:
                step = _("%(domain)s is not hosted here: Postfix sends %(address)s out by SMTP")
                text = _("forwarded outside: %(domain)s is not hosted here")
            self.steps.append(Step("outside", address, step % words))
            return Recipient(address, FORWARDED, text % words)
        if outcome == AUTOREPLY:
            words["mailbox"] = mailbox_of(address)
            step = _(
                "%(address)s: answered by the vacation responder for %(mailbox)s "
                "(transport_maps: vacation)"
            )
            text = _("answered by the vacation responder for %(mailbox)s")
            self.steps.append(Step("autoreply", address, step % words))
            return Recipient(address, AUTOREPLY, text % words)
        if outcome == RELAYED:
            relayed = relay_words(relay(self.t, domain))
            transport = self.t.domain_transport(domain)
            words.update(transport=transport, relayed=relayed)
            # Translators: relayed is where the relay domain's mail is handed,
            # "relayed to [10.0.0.5]:25 via smtp".
            step = _(
                "%(domain)s is a relay domain (transport %(transport)s): %(address)s is %(relayed)s"
            )
            self.steps.append(Step("relay", address, step % words, found=True, result=[transport]))
            return Recipient(address, RELAYED, relayed)
        if outcome == BOUNCED:
            # virtual(8) tries @domain too: a users row '@domain' would have caught it.
            words["named"] = self._named(address)
            if self._mailbox_disabled(address):
                step = _(
                    "mailbox %(named)s is disabled: the virtual delivery agent bounces it "
                    "(5.1.1 unknown user)"
                )
                text = _("bounced: mailbox %(named)s is disabled")
            else:
                step = _(
                    "mailbox %(named)s does not exist: the virtual delivery agent bounces it "
                    "(5.1.1 unknown user)"
                )
                text = _("bounced: mailbox %(named)s does not exist")
            self.steps.append(Step("mailbox", address, step % words))
            return Recipient(address, BOUNCED, text % words)
        mailbox = self.t.mailbox(key)
        path = f"{self.mail_base}/{mailbox.maildir}"
        if mailbox.home.rstrip("/") != self.mail_base:
            warning = _(
                "%(mailbox)s: users.home is %(home)s, but Postfix delivers under "
                "virtual_mailbox_base %(base)s: Courier and Dovecot read %(read)s"
            )
            self.warnings.append(
                warning
                % {
                    "mailbox": mailbox.address,
                    "home": mailbox.home,
                    "base": self.mail_base,
                    "read": f"{mailbox.home.rstrip('/')}/{mailbox.maildir}",
                }
            )
        words.update(key=key, path=path, uid=mailbox.uid, gid=mailbox.gid)
        if mailbox.maildir.endswith("/"):
            text = _("delivered to maildir %(path)s")
            if key == address:
                step = _(
                    "mailbox %(address)s: delivered to maildir %(path)s (uid %(uid)s, gid %(gid)s)"
                )
            else:
                step = _(
                    "%(address)s: mailbox %(key)s: delivered to maildir %(path)s "
                    "(uid %(uid)s, gid %(gid)s)"
                )
        else:
            text = _("delivered to mbox file %(path)s")
            if key == address:
                step = _(
                    "mailbox %(address)s: delivered to mbox file %(path)s "
                    "(uid %(uid)s, gid %(gid)s)"
                )
            else:
                step = _(
                    "%(address)s: mailbox %(key)s: delivered to mbox file %(path)s "
                    "(uid %(uid)s, gid %(gid)s)"
                )
        self.steps.append(Step("mailbox", address, step % words, found=True, result=[path]))
        return Recipient(
            address,
            DELIVERED,
            text % words,
            maildir=path,
            uid=mailbox.uid,
            gid=mailbox.gid,
        )

    # --- smtpd ---------------------------------------------------------------------------
    def rcpt(self, address: str) -> tuple[int, str, bool]:
        """(Postfix's reply to RCPT TO, in English as Postfix writes it, hosted)."""
        _local, domain = split_address(address)
        words = {"address": address, "domain": domain}
        if not hosted(self.t, domain):
            if self.t.domain(domain):
                text = _(
                    "domain %(domain)s is disabled: outside clients get 454 relay access denied"
                )
            else:
                text = _(
                    "%(domain)s is not in domains: outside clients get 454 relay access denied"
                )
            self.steps.append(Step("domain", address, text % words))
            return 454, "4.7.1 Relay access denied", False
        relayed = relay(self.t, domain)
        if relayed is not None:
            return self._relay_rcpt(address, domain)
        text = _("%(domain)s is hosted (enabled)") % words
        self.steps.append(Step("domain", address, text, found=True))
        if self.lookup(address, explain=True) is not None:
            return 250, "2.1.5 Ok", True
        key = delivery_mailbox(self.t, address)
        if key:
            text = _("no alias, but mailbox %(key)s is enabled: accepted") % {"key": key}
            self.steps.append(Step("mailbox", address, text))
            return 250, "2.1.5 Ok", True
        words["named"] = self._named(address)
        if self._mailbox_disabled(address):
            text = _("mailbox %(named)s is disabled: 550 user unknown at RCPT")
        else:
            text = _("no alias or mailbox %(named)s: 550 user unknown at RCPT")
        self.steps.append(Step("mailbox", address, text % words))
        return 550, "5.1.1 User unknown in virtual mailbox table", True

    def _relay_rcpt(self, address: str, domain: str) -> tuple[int, str, bool]:
        """RCPT for a relay domain: virtual_alias_maps, then relay_recipient_maps."""
        backup_mx = self.t.backup_mx(domain)
        words = {"domain": domain, "transport": self.t.domain_transport(domain)}
        if backup_mx:
            text = _(
                "%(domain)s is a relay domain (enabled, transport %(transport)s): a backup MX: "
                "any recipient is accepted"
            )
        else:
            text = _(
                "%(domain)s is a relay domain (enabled, transport %(transport)s): only its "
                "enabled aliases and mailboxes are accepted"
            )
        self.steps.append(Step("domain", address, text % words, found=True))
        # `hosted` False: relay_domains, not virtual_mailbox_domains.
        if self.lookup(address, explain=True) is not None:
            return 250, "2.1.5 Ok", False
        if relay_recipient(self.t, address):
            if not backup_mx:
                key = delivery_mailbox(self.t, address)
                text = _("no alias, but mailbox %(key)s is enabled: accepted") % {"key": key}
                self.steps.append(Step("mailbox", address, text))
            return 250, "2.1.5 Ok", False
        words["named"] = self._named(address)
        text = _(
            "no enabled alias or mailbox %(named)s in relay domain %(domain)s: "
            "550 user unknown at RCPT"
        )
        self.steps.append(Step("mailbox", address, text % words))
        return 550, "5.1.1 User unknown in relay recipient table", False


def trace(
    address: str,
    *,
    style: str | None = None,
    mail_base: str | None = None,
    overrides: dict[str, str] | None = None,
    delimiter: str | None = None,
) -> Trace:
    """Trace `address` (case-insensitive) through the alias map style `style`
    (default: MAILADMIN_ALIAS_STYLE) with virtual_mailbox_base `mail_base`
    (default: MAILADMIN_MAIL_HOME) and the recipient delimiter `delimiter` (default:
    MAILADMIN_RECIPIENT_DELIMITER; '' for none). `overrides` maps alias sources to
    destination strings ('a@x.org,b@y.org') taken as enabled rows instead of the
    database's: what the mail would do once a proposed alias is saved."""
    style = style or alias_style()
    if style not in STYLES:
        raise ValueError(f"unknown alias map style {style!r}")
    if delimiter is None:
        delimiter = extensions.recipient_delimiter()
    check_recipient_delimiter(delimiter)
    address = address.strip().lower()
    tracer = _Tracer(style, mail_base or settings.MAILADMIN_MAIL_HOME, overrides, delimiter)
    code, text, hosted = tracer.rcpt(address)
    final, deferred = tracer.expand(address)
    expansion = (
        [Recipient(address, DEFERRED, deferred)]
        if deferred
        else [tracer.deliver(recipient) for recipient in final]
    )
    return Trace(
        address=address,
        style=style,
        hosted=hosted,
        smtp_code=code,
        smtp_text=text,
        steps=tracer.steps,
        expansion=expansion,
        deferred=deferred,
        warnings=list(dict.fromkeys(tracer.warnings)),
        recipient_delimiter=delimiter,
    )


def render_text(result: Trace) -> str:
    """The trace for a terminal."""
    lines = [f"Tracing {result.address} (alias map style: {result.style})"]
    lines.append(f"Assuming {extensions.describe(result.recipient_delimiter)}")
    for number, step in enumerate(result.steps, 1):
        lines.append(f"  {number}. [{step.kind}] {step.text}")
    lines.append(f"RCPT TO from the Internet: {result.smtp_code} {result.smtp_text}")
    heading = "Outcome" if result.accepted else "Mail submitted on this server"
    lines.append(f"{heading}:")
    for recipient in result.expansion:
        lines.append(f"  {recipient.address}: {recipient.outcome} — {recipient.text}")
    for warning in result.warnings:
        lines.append(f"Warning: {warning}")
    return "\n".join(lines)


# --- what a domain admin sees of a trace (the tracer page, the API) ----------------------
def redacted(result, allowed: set[str] | None):
    """A domain admin sees the steps and recipients of its own domains only."""
    if allowed is None:
        return result.steps, result.recipients, result.expansion
    steps, hidden = [], set()
    for step in result.steps:
        name = domain_of(step.address) or step.address.lstrip("@")
        if name in allowed:
            steps.append(step)
        elif name not in hidden:
            hidden.add(name)
            steps.append(None)

    def visible(recipients):
        return [
            r if domain_of(r.address) in allowed else Hidden(domain_of(r.address), r.outcome)
            for r in recipients
        ]

    return steps, visible(result.recipients), visible(result.expansion)


class Hidden:
    """A final recipient in a domain the admin does not administer: outcome only."""

    maildir = None

    def __init__(self, domain: str, outcome: str):
        self.address = _("(an address in %(domain)s)") % {"domain": domain}
        self.outcome = outcome
        self.label = outcome_label(outcome)
        self.text = _("in a domain you do not administer")
