"""The `vacation` noun of `python manage.py mail` (a plug-in of the command).

mail vacation set ADDRESS --subject S (--body B | --body-file F|-) [--first-day D]
                  [--last-day D] [--interval DAYS]
mail vacation off|show ADDRESS [--json]
mail vacation expire [--json]     # cron: switch off the vacations whose last day has passed
mail vacation reply --sender S --recipient R < message
                                  # the pipe service's program: never fails the delivery
"""

import json
import logging
import logging.handlers
import sys
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError

from vacation import responder, services
from vacation.rules import DEFAULT_INTERVAL_DAYS, DEFAULT_SUBJECT, is_active

NOUNS = ("vacation",)
log = logging.getLogger("mailadmin.vacation")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"{text!r} is not a day (YYYY-MM-DD).") from None


def add_arguments(subparsers) -> None:
    vacation = subparsers.add_parser("vacation", help="out-of-office replies").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    put = vacation.add_parser("set", help="switch a mailbox's vacation on")
    put.add_argument("address")
    put.add_argument("--subject", default=DEFAULT_SUBJECT, help="the reply's subject prefix")
    body = put.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", help="the reply's text")
    body.add_argument("--body-file", help="read the reply's text from FILE ('-': stdin)")
    put.add_argument("--first-day", help="YYYY-MM-DD: no replies before it")
    put.add_argument("--last-day", help="YYYY-MM-DD: the last day that gets replies")
    put.add_argument("--interval", type=int, default=DEFAULT_INTERVAL_DAYS, help="days")
    for verb in ("off", "show"):
        sub = vacation.add_parser(verb)
        sub.add_argument("address")
        sub.add_argument("--json", action="store_true")
    vacation.add_parser("expire").add_argument("--json", action="store_true")
    reply = vacation.add_parser("reply", help="answer the message on stdin (Postfix's pipe)")
    reply.add_argument("--sender", default="")
    reply.add_argument("--recipient", required=True)


def handle(noun: str, options: dict, command) -> None:
    VERBS[options["verb"]](options, command)


def _shown(vacation) -> dict:
    if vacation is None:
        return {"enabled": False}
    return {
        "mailbox": vacation.mailbox,
        **services.snapshot(vacation),
        "body": vacation.body,
        "active_today": is_active(
            vacation.enabled, vacation.first_day, vacation.last_day, services.today()
        ),
        "changed_by": vacation.changed_by,
    }


def vacation_set(o, command):
    if o["body_file"] is not None:
        source = sys.stdin if o["body_file"] == "-" else None
        try:
            text = source.read() if source else Path(o["body_file"]).read_text()
        except OSError as exc:
            raise ValidationError(f"Cannot read {o['body_file']}: {exc.strerror}.") from None
    else:
        text = o["body"]
    setting = services.Setting(
        subject=o["subject"],
        body=text,
        first_day=_day(o["first_day"]) if o["first_day"] else None,
        last_day=_day(o["last_day"]) if o["last_day"] else None,
        interval_days=o["interval"],
    )
    vacation = services.set_vacation(o["address"], setting, actor=command.actor)
    until = f" until {vacation.last_day}" if vacation.last_day else ""
    command.ok(f"Vacation on for {vacation.mailbox}{until}.")


def vacation_off(o, command):
    vacation = services.turn_off(o["address"], actor=command.actor)
    if o["json"]:
        command.stdout.write(json.dumps({"changed": vacation is not None}))
        return
    command.ok("Vacation off." if vacation else "No vacation was on.")


def vacation_show(o, command):
    services.require_mailbox(o["address"])
    shown = _shown(services.vacation_of(o["address"]))
    if o["json"]:
        command.stdout.write(json.dumps(shown, indent=2, ensure_ascii=False))
        return
    for key, value in shown.items():
        command.stdout.write(f"{key}: {value}")


def vacation_expire(o, command):
    done = services.expire(actor=command.actor)
    if o["json"]:
        command.stdout.write(json.dumps(done))
        return
    for address in done:
        command.ok(f"Vacation of {address} ended: switched off.")


def _syslog() -> None:
    if Path("/dev/log").exists() and not log.handlers:
        handler = logging.handlers.SysLogHandler(address="/dev/log")
        handler.setFormatter(logging.Formatter("mailadmin-vacation: %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


def vacation_reply(o, command):
    """Never fails: whatever happens, the delivery of the original stands."""
    _syslog()
    try:
        raw = sys.stdin.buffer.read(responder.MAX_MESSAGE_BYTES + 1)
        outcome = responder.respond(raw, o["sender"], o["recipient"])
    except Exception as exc:  # noqa: BLE001 - logged, never bounced (docs/VACATION.md)
        outcome = f"no reply to {o['sender'] or '<>'} for {o['recipient']}: {exc!r}"
        log.error(outcome)
    else:
        log.info(outcome)
    command.stdout.write(outcome)


VERBS = {
    "set": vacation_set,
    "off": vacation_off,
    "show": vacation_show,
    "expire": vacation_expire,
    "reply": vacation_reply,
}
