"""The vacation responder: `mail vacation reply`, run by Postfix's pipe service for each
message to an autoreply address (mailadmin.autoreply), with the message on standard input.

It answers under `vacation.rules` (active days, RFC 3834, the reply) once per sender per
interval (`mailadmin_vacation_notice`), through the local sendmail with an empty envelope
sender. It never fails the delivery: the original is already in the maildir, and a failure
here would bounce a copy to the sender. Every outcome is one line for the log.

It runs with the mail servers' database account, which may read the users columns the
servers read, the aliases and the vacation settings, and write the notices only.
"""

import email
import subprocess
from datetime import datetime, timedelta
from email import policy

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from domains.models import Mailbox
from mailadmin.autoreply import mailbox_of
from routing.sources import sources_of
from vacation.models import Vacation, VacationNotice
from vacation.rules import Reply, build_reply, is_active, refusal

MAX_MESSAGE_BYTES = 10 * 1024 * 1024  # read at most this much of a message: headers suffice


def sendmail(message: email.message.EmailMessage, to: str) -> None:
    """Hand the reply to the local sendmail, envelope sender empty (<>)."""
    subprocess.run(
        [settings.MAILADMIN_SENDMAIL, "-i", "-f", "<>", "--", to],
        input=message.as_bytes(),
        check=True,
        capture_output=True,
        timeout=60,
    )


def _first_notice(mailbox: str, sender: str, now: datetime, interval: timedelta) -> bool:
    """Record that `sender` is answered now; False when it was within `interval`."""
    with transaction.atomic():
        notice = (
            VacationNotice.objects.select_for_update()
            .filter(mailbox=mailbox, sender=sender)
            .first()
        )
        if notice is not None:
            if now - notice.notified_at < interval:
                return False
            notice.notified_at = now
            notice.save(update_fields=["notified_at"])
            return True
        try:
            with transaction.atomic():
                VacationNotice.objects.create(mailbox=mailbox, sender=sender, notified_at=now)
        except IntegrityError:  # a second message from the same sender, at the same time
            return False
    return True


def respond(
    raw: bytes, sender: str, recipient: str, *, now: datetime | None = None, send=sendmail
) -> str:
    """Answer one message handed to `recipient` (an autoreply address) from `sender`."""
    now = now or timezone.now()
    mailbox = mailbox_of(recipient)
    if mailbox is None:
        return f"{recipient} is not an autoreply address: nothing to do"
    vacation = Vacation.objects.filter(mailbox=mailbox).first()
    today = timezone.localdate(now)
    if vacation is None or not is_active(
        vacation.enabled, vacation.first_day, vacation.last_day, today
    ):
        return f"{mailbox}: no vacation today, no reply"
    message = email.message_from_bytes(raw[:MAX_MESSAGE_BYTES], policy=policy.compat32)
    addresses = [mailbox, *(s.address for s in sources_of(mailbox))]
    why = refusal(message, sender, addresses)
    if why:
        return f"{mailbox}: no reply to {sender or '<>'}: {why}"
    sender = sender.strip().strip("<>").lower()
    if not _first_notice(mailbox, sender, now, timedelta(days=vacation.interval_days)):
        return f"{mailbox}: {sender} was answered less than {vacation.interval_days} day(s) ago"
    name = Mailbox.objects.filter(address=mailbox).values_list("name", flat=True).first() or ""
    reply = build_reply(message, sender, Reply(mailbox, name, vacation.subject, vacation.body), now)
    send(reply, sender)
    return f"{mailbox}: replied to {sender}"
