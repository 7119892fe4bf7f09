"""The vacation responder's rules, written once and without the database: whether a setting
is active on a day, whether a message gets an automatic reply (RFC 3834), and the reply.

- Active: switched on, and today between its first and last day (both optional, inclusive).
- No reply (`refusal` says why): an empty envelope sender; a sender that is a mail system or
  says it wants none (`MAILER-DAEMON`, `postmaster`, `noreply`, `no-reply`, `do-not-reply`,
  `bounce(s)`, `…-bounces`, `owner-…`, `…-request`, list servers); `Auto-Submitted` other
  than `no`; `Precedence: bulk`, `list` or `junk`; any `List-*` header; or none of the
  mailbox's addresses among the recipient headers (To, Cc, and their Resent- forms): the
  message came by Bcc or from a list.
- The reply: from the mailbox, to the envelope sender, `Auto-Submitted: auto-replied`,
  `In-Reply-To` and `References` from the message, the subject prefixed with the setting's
  (`Out of office: <subject>`), plain text; sent with an empty envelope sender so that
  nothing ever answers it back.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage, Message
from email.utils import format_datetime, getaddresses, make_msgid

from django.utils.translation import gettext as _

DEFAULT_SUBJECT = "Auto"
DEFAULT_INTERVAL_DAYS = 7
LIST_HEADERS = ("list-id", "list-unsubscribe", "list-post", "list-help", "list-owner")
RECIPIENT_HEADERS = ("to", "cc", "resent-to", "resent-cc")
_AUTOMATED_SENDER = re.compile(
    r"^(mailer-daemon|postmaster|double-bounce|no-?reply|do-?not-?reply|bounces?|"
    r".*-bounces?|owner-.*|.*-request|listserv|majordomo|root)([+=].*)?$",
    re.IGNORECASE,
)


def is_active(enabled: bool, first_day: date | None, last_day: date | None, today: date) -> bool:
    """The one rule for "is this vacation answering today"."""
    if not enabled:
        return False
    if first_day is not None and today < first_day:
        return False
    return last_day is None or today <= last_day


def check_days(first_day: date | None, last_day: date | None) -> str:
    """'' or why the days cannot be saved."""
    if first_day and last_day and last_day < first_day:
        return _("The last day is before the first day.")
    return ""


def refusal(message: Message, sender: str, addresses: Iterable[str]) -> str:
    """Why `message` (envelope sender `sender`, to a mailbox known by `addresses`: its own
    and those that deliver to it, '@domain' for a catch-all) gets no automatic reply; ''
    when it gets one."""
    sender = (sender or "").strip().strip("<>")
    if not sender or "@" not in sender:
        return "the envelope sender is empty"
    if _AUTOMATED_SENDER.match(sender.rpartition("@")[0]):
        return f"the sender {sender} is a mail system or asks for no replies"
    auto = (message.get("Auto-Submitted") or "").split(";")[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = (message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "list", "junk"):
        return f"Precedence: {precedence}"
    for header in LIST_HEADERS:
        if message.get(header) is not None:
            return f"a mailing list ({header.title()})"
    if (message.get("X-Auto-Response-Suppress") or "").strip().lower() in ("all", "oof"):
        return "X-Auto-Response-Suppress"
    mine = {a.strip().lower() for a in addresses}
    values = [str(v) for h in RECIPIENT_HEADERS for v in message.get_all(h, [])]
    named = {address.lower() for _, address in getaddresses(values) if address}
    # '@domain' in `addresses`: a catch-all delivers every address of that domain here.
    if not any(a in mine or "@" + a.rpartition("@")[2] in mine for a in named):
        return "the mailbox is not among the recipients (Bcc or a list)"
    return ""


@dataclass(frozen=True)
class Reply:
    mailbox: str  # From:
    name: str  # the mailbox's display name, may be ''
    subject: str  # the setting's subject (the prefix)
    body: str


def build_reply(original: Message, sender: str, reply: Reply, now: datetime) -> EmailMessage:
    """The automatic answer to `original` (RFC 3834 section 3)."""
    answer = EmailMessage()
    answer["From"] = f"{reply.name} <{reply.mailbox}>" if reply.name else reply.mailbox
    answer["To"] = sender
    subject = " ".join(str(original.get("Subject") or "").split())
    prefix = reply.subject.strip() or DEFAULT_SUBJECT
    answer["Subject"] = f"{prefix}: {subject}" if subject else prefix
    answer["Date"] = format_datetime(now)
    answer["Message-ID"] = make_msgid(domain=reply.mailbox.rpartition("@")[2])
    answer["Auto-Submitted"] = "auto-replied"
    answer["X-Auto-Response-Suppress"] = "All"
    message_id = str(original.get("Message-ID") or "").strip()
    if message_id:
        answer["In-Reply-To"] = message_id
        references = " ".join(str(original.get("References") or "").split())
        answer["References"] = f"{references} {message_id}".strip()
    answer.set_content(reply.body.rstrip() + "\n")
    return answer
