"""The address tracer: what Postfix does with mail for an address, step by step.

`trace(address)` reads the panel's tables and reproduces, for the configuration
`mailstack.config` generates (DESIGN.md §2, measured against real Postfix by the
`mailstack` test layer):

1. RCPT TO from an outside client (smtpd): the domain must be hosted (`domains.enabled=1`),
   else 454 relay access denied; then an enabled alias must match the address or
   `@domain`, or an enabled mailbox the address, else 550 user unknown.
2. Virtual alias expansion (cleanup): each address is looked up as `user@domain`, then
   `@domain`; a result `@target` keeps the local part; results are expanded again until an
   address has no alias or expands into itself (a self-alias). An alias loop makes
   Postfix refuse the message with a temporary error (4.6.0) after 1000 rounds.
3. Each final recipient: a hosted domain goes to the virtual delivery agent, which
   delivers to `virtual_mailbox_base/maildir` of an enabled mailbox or bounces the mail
   (accepted, then bounced); any other domain is sent out by SMTP (forwarded outside).

The trace states the alias map style it assumes (`guide` or `no-backscatter`, see
`mailstack.config`). It never writes anything.
"""

from dataclasses import asdict, dataclass, field

from django.conf import settings

from aliases.models import Alias, split_destinations
from domains.models import Domain, Mailbox
from mailstack.config import STYLES, alias_style

RECURSION_LIMIT = 1000  # virtual_alias_recursion_limit
EXPANSION_LIMIT = 1000  # virtual_alias_expansion_limit

# Outcomes of a final recipient.
DELIVERED = "delivered"  # to a maildir, by the virtual delivery agent
FORWARDED = "forwarded"  # out by SMTP: the domain is not hosted (or disabled) here
BOUNCED = "bounced"  # accepted, then bounced: no enabled mailbox
REJECTED = "rejected"  # refused at RCPT (550 user unknown, 454 relay access denied)
DEFERRED = "deferred"  # accepted at RCPT, then refused with 4.6.0 (alias loop or too many)
OUTCOMES = (DELIVERED, FORWARDED, BOUNCED, REJECTED, DEFERRED)


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


class _Tables:
    """Cached reads of the three tables, as Postfix's maps see them. `overrides` (alias
    source → destination string) are enabled rows read before the database: a row that
    is not saved yet, or replaces the saved one."""

    def __init__(self, overrides: dict[str, str] | None = None):
        self.aliases: dict[str, Alias | None] = {}
        for mail, destination in (overrides or {}).items():
            mail = mail.strip().lower()
            self.aliases[mail] = Alias(mail=mail, destination=destination, enabled=True)
        self.domains: dict[str, Domain | None] = {}
        self.mailboxes: dict[str, Mailbox | None] = {}

    def alias(self, mail: str) -> Alias | None:
        if mail not in self.aliases:
            self.aliases[mail] = Alias.objects.filter(mail=mail).first()
        return self.aliases[mail]

    def enabled_alias(self, mail: str) -> Alias | None:
        alias = self.alias(mail)
        return alias if alias and alias.enabled else None

    def domain(self, name: str) -> Domain | None:
        if name not in self.domains:
            self.domains[name] = Domain.objects.filter(domain=name).first()
        return self.domains[name]

    def hosted(self, name: str) -> bool:
        domain = self.domain(name)
        return bool(domain and domain.enabled)

    def mailbox(self, address: str) -> Mailbox | None:
        if address not in self.mailboxes:
            self.mailboxes[address] = Mailbox.objects.filter(address=address).first()
        return self.mailboxes[address]

    def enabled_mailbox(self, address: str) -> Mailbox | None:
        mailbox = self.mailbox(address)
        return mailbox if mailbox and mailbox.enabled else None


def _split(address: str) -> tuple[str, str]:
    local, _, domain = address.rpartition("@")
    return local, domain


def _cycle(chain: list[str]) -> str:
    """'a → b → a' from the addresses one alias slot went through."""
    seen: dict[str, int] = {}
    for index, address in enumerate(chain):
        if address in seen:
            return " → ".join(chain[seen[address] : index + 1])
        seen[address] = index
    return " → ".join(chain)


def _is_domain_alias(alias: Alias) -> bool:
    return alias.mail.startswith("@") and alias.destination.startswith("@")


class _Tracer:
    def __init__(self, style: str, mail_base: str, overrides: dict[str, str] | None = None):
        self.style = style
        self.mail_base = mail_base.rstrip("/")
        self.t = _Tables(overrides)
        self.steps: list[Step] = []
        self.warnings: list[str] = []
        self._explained: set[str] = set()

    # --- virtual_alias_maps ------------------------------------------------------------
    def lookup(self, address: str, explain: bool) -> list[str] | None:
        """One virtual_alias_maps lookup (mail_addr_find: user@domain, then @domain)."""
        steps: list[Step] = []
        result = self._lookup(address, steps)
        if explain and address not in self._explained:
            self._explained.add(address)
            self.steps.extend(steps)
        return result

    def _lookup(self, address: str, steps: list[Step]) -> list[str] | None:
        local, domain = _split(address)
        alias = self.t.alias(address)
        if alias and alias.enabled:
            return self._result(address, alias, "alias", steps)
        if alias:
            steps.append(Step("alias", address, f"alias {address} is disabled: ignored"))
        if self.style == "no-backscatter" and local:
            rewritten = self._domain_alias_map(address, steps)
            if rewritten:
                return rewritten
        catch_all = self.t.alias(f"@{domain}")
        if catch_all and catch_all.enabled:
            if self.style == "no-backscatter" and _is_domain_alias(catch_all):
                steps.append(
                    Step(
                        "domain-alias",
                        address,
                        f"@{domain} is a domain alias; the plain map skips it",
                    )
                )
                return None
            kind = "domain-alias" if _is_domain_alias(catch_all) else "catch-all"
            return self._result(address, catch_all, kind, steps)
        if catch_all:
            steps.append(Step("catch-all", address, f"@{domain} is disabled: ignored"))
        return None

    def _domain_alias_map(self, address: str, steps: list[Step]) -> list[str] | None:
        """mysql_alias_domain.cf: user@a → user@b when that target exists."""
        local, domain = _split(address)
        row = self.t.enabled_alias(f"@{domain}")
        if not row or not row.destination.startswith("@"):
            return None
        target = f"{local}{row.destination}"
        target_domain = row.destination[1:]
        catch_all = self.t.enabled_alias(f"@{target_domain}")
        exists = (
            self.t.enabled_alias(target) is not None
            or self.t.enabled_mailbox(target) is not None
            or (catch_all is not None and not catch_all.destination.startswith("@"))
        )
        if not exists:
            steps.append(
                Step(
                    "domain-alias",
                    address,
                    f"@{domain} is a domain alias of @{target_domain}, but {target} "
                    "does not exist (no enabled alias, mailbox or catch-all): "
                    "not rewritten",
                )
            )
            return None
        steps.append(
            Step(
                "domain-alias",
                address,
                f"@{domain} is a domain alias of @{target_domain}: {address} → "
                f"{target} (the local part is kept; the target exists)",
                found=True,
                result=[target],
            )
        )
        return [target]

    def _result(self, address: str, alias: Alias, kind: str, steps: list[Step]) -> list[str]:
        local, _ = _split(address)
        destination = alias.destination
        if destination.startswith("@"):  # Postfix keeps the local part of a @domain result
            destination = local + destination
        results = [d.lower() for d in split_destinations(destination)]
        if kind == "domain-alias":
            text = (
                f"@{_split(address)[1]} is a domain alias of {alias.destination}: "
                f"{address} → {results[0]} (the local part is kept)"
            )
        elif kind == "catch-all":
            text = f"no alias {address}; catch-all {alias.mail} → {', '.join(results)}"
        elif results == [address]:
            kind = "self"
            text = f"{address} is its own alias (a mailbox's self-alias): expansion stops here"
        else:
            text = f"alias {address} → {', '.join(results)}"
        steps.append(Step(kind, address, text, found=True, result=results))
        return results

    # --- cleanup: recursive expansion ------------------------------------------------------
    def expand(self, address: str) -> tuple[list[str], str]:
        """cleanup_map1n: the final recipients, or ([], reason) when Postfix defers."""
        argv = [address]
        been_here: set[str] = set()
        i = 0
        while i < len(argv):
            # Checked before each address, as cleanup does: an alias loop that fans out
            # reaches the nesting limit first.
            if len(argv) > EXPANSION_LIMIT:
                self.steps.append(
                    Step(
                        "limit",
                        argv[i],
                        f"more than {EXPANSION_LIMIT} "
                        "recipients: Postfix refuses the message (4.6.0)",
                    )
                )
                return [], "4.6.0 Alias expansion error (too many recipients)"
            chain = [argv[i]]
            count = 0
            while True:
                current = argv[i]
                if current in been_here:
                    break
                if count >= RECURSION_LIMIT:
                    loop = _cycle(chain)
                    self.steps.append(
                        Step(
                            "loop",
                            current,
                            f"alias loop: {loop}; after {RECURSION_LIMIT} "
                            "rounds Postfix refuses the message (4.6.0)",
                        )
                    )
                    return [], f"4.6.0 Alias expansion error (alias loop: {loop})"
                result = self.lookup(current, explain=True)
                if result is None:
                    break
                argv[i] = result[0]
                argv.extend(result[1:])
                if current in result:
                    been_here.add(current)
                chain.append(result[0])
                count += 1
            i += 1
        return list(dict.fromkeys(argv)), ""

    # --- delivery ------------------------------------------------------------------------
    def deliver(self, address: str) -> Recipient:
        local, domain = _split(address)
        if not domain:
            return Recipient(
                address,
                BOUNCED,
                "unqualified address: Postfix appends @$myorigin, which the tracer does not know",
            )
        if not self.t.hosted(domain):
            row = self.t.domain(domain)
            why = "is disabled here" if row else "is not hosted here"
            self.steps.append(
                Step("outside", address, f"{domain} {why}: Postfix sends {address} out by SMTP")
            )
            return Recipient(address, FORWARDED, f"forwarded outside: {domain} {why}")
        mailbox = self.t.mailbox(address)
        if mailbox is None or not mailbox.enabled:
            why = "is disabled" if mailbox else "does not exist"
            # virtual(8) tries @domain too: a users row '@domain' would catch it.
            catch = self.t.enabled_mailbox(f"@{domain}")
            if catch is None:
                self.steps.append(
                    Step(
                        "mailbox",
                        address,
                        f"mailbox {address} {why}: the virtual delivery agent "
                        "bounces it (5.1.1 unknown user)",
                    )
                )
                return Recipient(address, BOUNCED, f"bounced: mailbox {address} {why}")
            mailbox = catch
        path = f"{self.mail_base}/{mailbox.maildir}"
        if mailbox.home.rstrip("/") != self.mail_base:
            self.warnings.append(
                f"{mailbox.address}: users.home is {mailbox.home}, but Postfix delivers "
                f"under virtual_mailbox_base {self.mail_base}: Courier and Dovecot read "
                f"{mailbox.home.rstrip('/')}/{mailbox.maildir}"
            )
        kind = "maildir" if mailbox.maildir.endswith("/") else "mbox file"
        self.steps.append(
            Step(
                "mailbox",
                address,
                f"mailbox {address}: delivered to {kind} {path} "
                f"(uid {mailbox.uid}, gid {mailbox.gid})",
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
        _, domain = _split(address)
        row = self.t.domain(domain)
        if not row or not row.enabled:
            why = f"domain {domain} is disabled" if row else f"{domain} is not in domains"
            self.steps.append(
                Step("domain", address, f"{why}: outside clients get 454 relay access denied")
            )
            return 454, "4.7.1 Relay access denied", False
        self.steps.append(Step("domain", address, f"{domain} is hosted (enabled)", found=True))
        if self.lookup(address, explain=True) is not None:
            return 250, "2.1.5 Ok", True
        if self.t.enabled_mailbox(address) or self.t.enabled_mailbox(f"@{domain}"):
            self.steps.append(
                Step("mailbox", address, f"no alias, but mailbox {address} is enabled: accepted")
            )
            return 250, "2.1.5 Ok", True
        mailbox = self.t.mailbox(address)
        why = f"mailbox {address} is disabled" if mailbox else f"no alias or mailbox {address}"
        self.steps.append(Step("mailbox", address, f"{why}: 550 user unknown at RCPT"))
        return 550, "5.1.1 User unknown in virtual mailbox table", True


def trace(
    address: str,
    *,
    style: str | None = None,
    mail_base: str | None = None,
    overrides: dict[str, str] | None = None,
) -> Trace:
    """Trace `address` (case-insensitive) through the alias map style `style`
    (default: MAILADMIN_ALIAS_STYLE) with virtual_mailbox_base `mail_base`
    (default: MAILADMIN_MAIL_HOME). `overrides` maps alias sources to destination
    strings ('a@x.org,b@y.org') taken as enabled rows instead of the database's: what
    the mail would do once a proposed alias is saved."""
    style = style or alias_style()
    if style not in STYLES:
        raise ValueError(f"unknown alias map style {style!r}")
    address = address.strip().lower()
    tracer = _Tracer(style, mail_base or settings.MAILADMIN_MAIL_HOME, overrides)
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
    )


def render_text(result: Trace) -> str:
    """The trace for a terminal."""
    lines = [f"Tracing {result.address} (alias map style: {result.style})"]
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
