"""`python manage.py mail admin reset-2fa|unlock USER`: recovery for staff accounts (a
plug-in of the `mail` command).

- reset-2fa: removes the account's authenticator (a lost phone); its next login asks only
  for the password, and the account may enrol again at /2fa/.
- unlock: lifts django-axes' lock after too many failed logins for that username.
"""

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from accounts import twofactor
from audit.services import record

NOUNS = ("admin",)


def add_arguments(subparsers) -> None:
    verbs = subparsers.add_parser("admin", help="staff accounts: recovery").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    verbs.add_parser("reset-2fa", help="remove the account's authenticator").add_argument(
        "username"
    )
    verbs.add_parser("unlock", help="lift the lock after failed logins").add_argument("username")


def _user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no staff account {username}.", returncode=1) from None


def handle(noun: str, options: dict, command) -> None:
    user = _user(options["username"])
    if options["verb"] == "reset-2fa":
        removed = twofactor.remove_devices(
            user, actor=command.actor, message="two-factor login reset from the command line"
        )
        command.ok(f"Removed {removed} authenticator(s) of {user.get_username()}.")
    else:
        with transaction.atomic():
            attempts = reset(username=user.get_username())
            record(
                command.actor,
                "unlock",
                "admin",
                user.get_username(),
                message=f"login lock lifted ({attempts} failed attempt(s) forgotten)",
            )
        command.ok(f"Unlocked {user.get_username()} ({attempts} failed attempt(s) forgotten).")
