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


@dataclass
class Step:
    kind: str  # domain, alias, catch-all, domain-alias, self, mailbox, outside, loop, limit
    address: str
    text: str
    found: bool = False
    result: list[str] = field(default_factory=list)


@dataclass
class Recipient:
    address: str
    outcome: str
    text: str
    maildir: str | None = None  # absolute path, for DELIVERED
    uid: int | None = None
    gid: int | None = None
    smtp_code: int | None = None  # for REJECTED


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
                f"{address} has the address extension {extension}: Postfix looks up "
                f"{address}, then {found.bare} (carrying {extension} onto its results), "
                f"then @{domain}",
            )
        )
    if found.kind in (ALIAS, SELF) and found.key == address:
        return [*steps, _result_step(found)]
    if found.own_disabled:
        steps.append(Step("alias", address, f"alias {address} is disabled: ignored"))
    if found.kind in (ALIAS, SELF):
        return [*steps, _result_step(found)]
    if found.bare_disabled:
        steps.append(Step("alias", address, f"alias {found.bare} is disabled: ignored"))
    if found.domain_alias is not None:
        target = found.domain_alias_target
        target_domain = found.domain_alias.destination[1:]
        if found.by_domain_alias_map:
            carried = f", with the extension {found.results[0]}" if found.extension else ""
            steps.append(
                Step(
                    "domain-alias",
                    address,
                    f"@{domain} is a domain alias of @{target_domain}: {found.key} → "
                    f"{target} (the local part is kept; the target exists){carried}",
                    found=True,
                    result=list(found.results),
                )
            )
            return steps
        steps.append(
            Step(
                "domain-alias",
                address,
                f"@{domain} is a domain alias of @{target_domain}, but {target} "
                "does not exist (no enabled alias, mailbox or catch-all): "
                "not rewritten",
            )
        )
    if found.skipped_domain_alias:
        steps.append(
            Step("domain-alias", address, f"@{domain} is a domain alias; the plain map skips it")
        )
    elif found.kind:
        steps.append(_result_step(found))
    elif found.domain_row_disabled:
        steps.append(Step("catch-all", address, f"@{domain} is disabled: ignored"))
    return steps


def _result_step(found: Lookup) -> Step:
    address, row, results = found.address, found.row, found.results
    if found.kind == DOMAIN_ALIAS:
        text = (
            f"@{split_address(address)[1]} is a domain alias of {row.destination}: "
            f"{address} → {results[0]} (the local part is kept)"
        )
    elif found.kind == CATCH_ALL:
        text = f"no alias {address}; catch-all {row.mail} → {', '.join(results)}"
    elif found.extension:
        text = (
            f"alias {found.key} → {', '.join(row.destinations)}, with the extension "
            f"{found.extension}: {address} → {', '.join(results)}"
        )
        if found.kind == SELF:
            text += " (the mailbox's self-alias: expansion stops here)"
    elif found.kind == SELF:
        text = f"{address} is its own alias (a mailbox's self-alias): expansion stops here"
    else:
        text = f"alias {address} → {', '.join(results)}"
    return Step(found.kind, address, text, found=True, result=results)


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
                    self.steps.append(
                        Step(
                            "extension",
                            address,
                            f"alias {found.key} again, each round with a longer extension "
                            "(further rounds not shown)",
                        )
                    )
                if rounds > CARRIED_SHOWN:
                    return found.results
            self.steps.extend(_explain(found))
        return found.results

    # --- cleanup: recursive expansion ------------------------------------------------------
    def expand(self, address: str) -> tuple[list[str], str]:
        """cleanup_map1n: the final recipients, or ([], reason) when Postfix defers."""
        expansion = expand(address, lambda current: self.lookup(current, explain=True))
        if expansion.limit == "expansion":
            self.steps.append(
                Step(
                    "limit",
                    expansion.at,
                    f"more than {EXPANSION_LIMIT} recipients: Postfix refuses the message (4.6.0)",
                )
            )
            return [], "4.6.0 Alias expansion error (too many recipients)"
        if expansion.limit == "loop":
            self.steps.append(
                Step(
                    "loop",
                    expansion.at,
                    f"alias loop: {expansion.loop}; after {RECURSION_LIMIT} "
                    "rounds Postfix refuses the message (4.6.0)",
                )
            )
            return [], f"4.6.0 Alias expansion error (alias loop: {expansion.loop})"
        if expansion.limit == "length":
            self.steps.append(
                Step(
                    "limit",
                    expansion.at,
                    f"alias loop carrying an address extension: {expansion.loop}; the "
                    f"address grows each round until it is longer than "
                    f"{ADDRESS_LENGTH_LIMIT} characters, and Postfix refuses the message "
                    "(4.6.0)",
                )
            )
            return [], f"4.6.0 Alias expansion error (address too long: {expansion.loop})"
        return expansion.recipients, ""

    def _mailbox_why(self, address: str) -> str:
        """Why no users row takes `address`: 'is disabled' or 'does not exist'."""
        own = mailbox_keys(self.t, address)[:-1]
        return "is disabled" if any(self.t.mailbox(key) for key in own) else "does not exist"

    def _named(self, address: str) -> str:
        """`address`, and the address without its extension when it has one."""
        own = mailbox_keys(self.t, address)[:-1]
        return " or ".join(own)

    # --- delivery ------------------------------------------------------------------------
    def deliver(self, address: str) -> Recipient:
        local, domain = split_address(address)
        outcome, key = deliver(self.t, address)
        if not domain:
            return Recipient(
                address,
                BOUNCED,
                "unqualified address: Postfix appends @$myorigin, which the tracer does not know",
            )
        if outcome == FORWARDED:
            row = self.t.domain(domain)
            why = "is disabled here" if row else "is not hosted here"
            self.steps.append(
                Step("outside", address, f"{domain} {why}: Postfix sends {address} out by SMTP")
            )
            return Recipient(address, FORWARDED, f"forwarded outside: {domain} {why}")
        if outcome == AUTOREPLY:
            words = f"answered by the vacation responder for {mailbox_of(address)}"
            self.steps.append(
                Step("autoreply", address, f"{address}: {words} (transport_maps: vacation)")
            )
            return Recipient(address, AUTOREPLY, words)
        if outcome == RELAYED:
            words = relay_words(relay(self.t, domain))
            transport = self.t.domain_transport(domain)
            self.steps.append(
                Step(
                    "relay",
                    address,
                    f"{domain} is a relay domain (transport {transport}): {address} is {words}",
                    found=True,
                    result=[transport],
                )
            )
            return Recipient(address, RELAYED, words)
        if outcome == BOUNCED:
            # virtual(8) tries @domain too: a users row '@domain' would have caught it.
            why = self._mailbox_why(address)
            named = self._named(address)
            self.steps.append(
                Step(
                    "mailbox",
                    address,
                    f"mailbox {named} {why}: the virtual delivery agent "
                    "bounces it (5.1.1 unknown user)",
                )
            )
            return Recipient(address, BOUNCED, f"bounced: mailbox {named} {why}")
        mailbox = self.t.mailbox(key)
        path = f"{self.mail_base}/{mailbox.maildir}"
        if mailbox.home.rstrip("/") != self.mail_base:
            self.warnings.append(
                f"{mailbox.address}: users.home is {mailbox.home}, but Postfix delivers "
                f"under virtual_mailbox_base {self.mail_base}: Courier and Dovecot read "
                f"{mailbox.home.rstrip('/')}/{mailbox.maildir}"
            )
        kind = "maildir" if mailbox.maildir.endswith("/") else "mbox file"
        which = f"mailbox {address}" if key == address else f"{address}: mailbox {key}"
        self.steps.append(
            Step(
                "mailbox",
                address,
                f"{which}: delivered to {kind} {path} (uid {mailbox.uid}, gid {mailbox.gid})",
                found=True,
                result=[path],
            )
        )
        return Recipient(
            address,
            DELIVERED,
            f"delivered to {kind} {path}",
            maildir=path,
            uid=mailbox.uid,
            gid=mailbox.gid,
        )

    # --- smtpd ---------------------------------------------------------------------------
    def rcpt(self, address: str) -> tuple[int, str, bool]:
        _, domain = split_address(address)
        if not hosted(self.t, domain):
            row = self.t.domain(domain)
            why = f"domain {domain} is disabled" if row else f"{domain} is not in domains"
            self.steps.append(
                Step("domain", address, f"{why}: outside clients get 454 relay access denied")
            )
            return 454, "4.7.1 Relay access denied", False
        relayed = relay(self.t, domain)
        if relayed is not None:
            return self._relay_rcpt(address, domain)
        self.steps.append(Step("domain", address, f"{domain} is hosted (enabled)", found=True))
        if self.lookup(address, explain=True) is not None:
            return 250, "2.1.5 Ok", True
        key = delivery_mailbox(self.t, address)
        if key:
            self.steps.append(
                Step("mailbox", address, f"no alias, but mailbox {key} is enabled: accepted")
            )
            return 250, "2.1.5 Ok", True
        named = self._named(address)
        why = (
            f"mailbox {named} is disabled"
            if self._mailbox_why(address) == "is disabled"
            else f"no alias or mailbox {named}"
        )
        self.steps.append(Step("mailbox", address, f"{why}: 550 user unknown at RCPT"))
        return 550, "5.1.1 User unknown in virtual mailbox table", True

    def _relay_rcpt(self, address: str, domain: str) -> tuple[int, str, bool]:
        """RCPT for a relay domain: virtual_alias_maps, then relay_recipient_maps."""
        backup_mx = self.t.backup_mx(domain)
        who = (
            "a backup MX: any recipient is accepted"
            if backup_mx
            else "only its enabled aliases and mailboxes are accepted"
        )
        transport = self.t.domain_transport(domain)
        self.steps.append(
            Step(
                "domain",
                address,
                f"{domain} is a relay domain (enabled, transport {transport}): {who}",
                found=True,
            )
        )
        # `hosted` False: relay_domains, not virtual_mailbox_domains.
        if self.lookup(address, explain=True) is not None:
            return 250, "2.1.5 Ok", False
        if relay_recipient(self.t, address):
            if not backup_mx:
                key = delivery_mailbox(self.t, address)
                self.steps.append(
                    Step("mailbox", address, f"no alias, but mailbox {key} is enabled: accepted")
                )
            return 250, "2.1.5 Ok", False
        named = self._named(address)
        self.steps.append(
            Step(
                "mailbox",
                address,
                f"no enabled alias or mailbox {named} in relay domain {domain}: "
                "550 user unknown at RCPT",
            )
        )
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
        self.address = f"(an address in {domain})"
        self.outcome = outcome
        self.text = "in a domain you do not administer"
