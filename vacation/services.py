"""Out of office: the only writer of the vacation settings and of their route.

A vacation's route (the mailbox's autoreply address in its own alias row,
`aliases.services.set_mailbox_autoreply`) is present while the vacation is switched on and
its last day has not passed; the responder itself honours the first and last day
(`vacation.rules.is_active`), and `expire` takes the route away after the last day, so a
forgotten vacation never keeps answering. Every change is atomic and audited.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aliases import services as alias_services
from audit.services import Actor, record
from domains.models import Mailbox
from mailadmin import fingerprint
from mailadmin.addresses import domain_of, normalize_address
from vacation.models import Vacation
from vacation.rules import check_days

SUBJECT_MAX = 200
BODY_MAX = 10_000
INTERVAL_MAX_DAYS = 365


def today() -> date:
    return timezone.localdate()


def routed(vacation: Vacation, on: date) -> bool:
    """The route is present: switched on, and the last day (if any) not passed."""
    return vacation.enabled and (vacation.last_day is None or on <= vacation.last_day)


def vacation_of(address: str, *, for_update: bool = False) -> Vacation | None:
    queryset = Vacation.objects.select_for_update() if for_update else Vacation.objects
    return queryset.filter(mailbox=normalize_address(address)).first()


def snapshot(vacation: Vacation) -> dict:
    return {
        "enabled": vacation.enabled,
        "subject": vacation.subject,
        "first_day": vacation.first_day.isoformat() if vacation.first_day else None,
        "last_day": vacation.last_day.isoformat() if vacation.last_day else None,
        "interval_days": vacation.interval_days,
        "body_chars": len(vacation.body),
    }


def vacation_fingerprint(vacation: Vacation | None) -> str:
    """The setting as an editor (the API's ETag) loaded it (mailadmin.fingerprint)."""
    if vacation is None:
        return fingerprint.fingerprint({"enabled": False})
    return fingerprint.fingerprint({**snapshot(vacation), "body": vacation.body})


@dataclass(frozen=True)
class Setting:
    subject: str
    body: str
    first_day: date | None = None
    last_day: date | None = None
    interval_days: int = 7


def setting_of(vacation: Vacation) -> Setting:
    return Setting(
        vacation.subject,
        vacation.body,
        vacation.first_day,
        vacation.last_day,
        vacation.interval_days,
    )


def validate(setting: Setting, on: date) -> Setting:
    subject = " ".join(setting.subject.split())
    body = setting.body.replace("\r\n", "\n").strip("\n")
    if not subject:
        raise ValidationError(_("Give the reply a subject."), code="subject")
    if len(subject) > SUBJECT_MAX:
        raise ValidationError(
            _("The subject is longer than %(max)s characters.") % {"max": SUBJECT_MAX},
            code="subject",
        )
    if not body.strip():
        raise ValidationError(_("Write the text of the reply."), code="body")
    if len(body) > BODY_MAX:
        raise ValidationError(
            _("The text is longer than %(max)s characters.") % {"max": BODY_MAX}, code="body"
        )
    problem = check_days(setting.first_day, setting.last_day)
    if problem:
        raise ValidationError(problem, code="days")
    if setting.last_day is not None and setting.last_day < on:
        raise ValidationError(_("The last day has already passed."), code="days")
    if not 1 <= setting.interval_days <= INTERVAL_MAX_DAYS:
        raise ValidationError(
            _("Reply to one sender at most once every 1 to %(max)s days.")
            % {"max": INTERVAL_MAX_DAYS},
            code="interval",
        )
    return Setting(subject, body, setting.first_day, setting.last_day, setting.interval_days)


def require_mailbox(address: str) -> str:
    address = normalize_address(address)
    if not Mailbox.objects.filter(address=address).exists():
        raise ValidationError(
            _("There is no mailbox %(address)s.") % {"address": address}, code="no_mailbox"
        )
    return address


@transaction.atomic
def set_vacation(
    address: str,
    setting: Setting,
    *,
    actor: Actor,
    on: date | None = None,
    expected: str | None = None,
) -> Vacation:
    """Switch the mailbox's vacation on with `setting` (replacing an earlier one).

    `expected`: the `vacation_fingerprint` the editor loaded; when given and the setting
    changed since, nothing is written. The same setting again writes and records nothing."""
    on = on or today()
    address = require_mailbox(address)
    setting = validate(setting, on)
    vacation = Vacation.objects.select_for_update().filter(mailbox=address).first()
    fingerprint.check(vacation_fingerprint(vacation), expected, "vacation", address)
    before = snapshot(vacation) if vacation else None
    if vacation is not None and vacation.enabled and setting_of(vacation) == setting:
        alias_services.set_mailbox_autoreply(address, routed(vacation, on), actor=actor)
        return vacation  # a repeated PUT: nothing is written or recorded
    vacation = vacation or Vacation(mailbox=address)
    vacation.enabled = True
    vacation.subject = setting.subject
    vacation.body = setting.body
    vacation.first_day = setting.first_day
    vacation.last_day = setting.last_day
    vacation.interval_days = setting.interval_days
    vacation.changed_by = actor.name[:150]
    vacation.save()
    alias_services.set_mailbox_autoreply(address, routed(vacation, on), actor=actor)
    record(
        actor,
        "vacation-on",
        "vacation",
        address,
        domain=domain_of(address),
        before=before,
        after=snapshot(vacation),
        message=f"vacation on for {address} by {actor.name}",
    )
    return vacation


@transaction.atomic
def turn_off(address: str, *, actor: Actor) -> Vacation | None:
    """Switch the vacation off and take its route away; None when there was none on."""
    address = require_mailbox(address)
    vacation = Vacation.objects.select_for_update().filter(mailbox=address).first()
    alias_services.set_mailbox_autoreply(address, False, actor=actor)
    if vacation is None or not vacation.enabled:
        return None
    before = snapshot(vacation)
    vacation.enabled = False
    vacation.changed_by = actor.name[:150]
    vacation.save()
    record(
        actor,
        "vacation-off",
        "vacation",
        address,
        domain=domain_of(address),
        before=before,
        after=snapshot(vacation),
        message=f"vacation off for {address} by {actor.name}",
    )
    return vacation


def expire(*, actor: Actor, on: date | None = None) -> list[str]:
    """Switch off every vacation whose last day has passed, and take its route away; the
    mailboxes changed. Each in its own transaction (a long list never holds one lock)."""
    on = on or today()
    expired = Vacation.objects.filter(enabled=True, last_day__lt=on).values_list(
        "mailbox", flat=True
    )
    done = []
    for address in list(expired):
        if not Mailbox.objects.filter(address=address).exists():
            Vacation.objects.filter(mailbox=address).delete()
            continue
        turn_off(address, actor=actor)
        done.append(address)
    return done
