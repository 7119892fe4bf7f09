"""Who may send as an address, explained: the tracer page's "Who may send" and
`mail trace --senders`, from the rules of `routing.senders` (the submission service's
smtpd_sender_login_maps, as `mail config postfix` writes it).

Two answers: the mailboxes that may send as the address (`owners`), and, when the address is
a mailbox, the addresses it may send as (`sends_as`). Nothing here writes.
"""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from mailadmin.addresses import check_recipient_delimiter
from routing import extensions, senders
from routing.tables import LazyTables


@dataclass
class Grant:
    address: str  # the mailbox (in `owners`) or the address it may send as (in `sends_as`)
    why: str  # routing.senders MAILBOX, LISTED, DOMAIN_ALIAS
    rule: str
    text: str


@dataclass
class SenderReport:
    address: str
    recipient_delimiter: str
    key: str  # the smtpd_sender_login_maps key that answered ('' when none did)
    owners: list[Grant] = field(default_factory=list)
    is_mailbox: bool = False
    sends_as: list[Grant] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def extension_note(self) -> str:
        """What the delimiter adds to `sends_as`, '' when address extensions are off."""
        if not self.recipient_delimiter:
            return ""
        local, _at, domain = self.address.rpartition("@")
        example = f"{local}{self.recipient_delimiter[0]}anything@{domain}"
        return _(
            "and each of these with an extension (%(example)s), unless that address has an "
            "alias row of its own"
        ) % {"example": example}


def report(address: str, *, delimiter: str | None = None, sends_as: bool = True) -> SenderReport:
    """Who may send as `address` (index lookups), and, with `sends_as`, as what it may send
    when it is a mailbox (that reads every alias row: `routing.senders.addresses_of`)."""
    if delimiter is None:
        delimiter = extensions.recipient_delimiter()
    check_recipient_delimiter(delimiter)
    tables = LazyTables(delimiter=delimiter)
    answer = senders.owners(address, tables)
    first = {}  # a login granted twice (its mailbox and its self-alias): the first reason
    for owner in answer.owners:
        if owner.mailbox:
            first.setdefault(owner.login, owner)
    result = SenderReport(
        address=answer.sender,
        recipient_delimiter=delimiter,
        key=answer.key,
        owners=[Grant(o.login, o.why, o.rule, o.text) for o in first.values()],
        is_mailbox=bool(tables.mailbox_enabled(answer.sender)),
    )
    if result.is_mailbox and sends_as:
        result.sends_as = [
            Grant(s.address, s.owner.why, s.owner.rule, s.owner.text)
            for s in senders.addresses_of(answer.sender, tables)
        ]
    return result


def render_text(result: SenderReport) -> str:
    """The report for a terminal."""
    assumed = extensions.describe(result.recipient_delimiter)
    lines = [f"Who may send as {result.address} ({assumed})"]
    if result.owners:
        if result.key != result.address:
            lines.append(f"  (Postfix looks it up as {result.key})")
        lines += [f"  {g.address}: {g.text}" for g in result.owners]
    else:
        lines.append("  no mailbox: the submission service refuses it (553)")
    if result.is_mailbox:
        lines.append(f"As which addresses may {result.address} send:")
        lines += [f"  {g.address}: {g.text}" for g in result.sends_as]
        if result.extension_note:
            lines.append(f"  {result.extension_note}")
    return "\n".join(lines)
