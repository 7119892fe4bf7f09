"""`python manage.py mail admin reset-2fa|unlock USER`: recovery for staff accounts (a
plug-in of the `mail` command).

- reset-2fa: removes the account's authenticator (a lost phone); its next login asks only
  for the password, and the account may enrol again at /2fa/.
- unlock: lifts django-axes' lock after too many failed logins for that username.
- token create USERNAME --name NAME [--read-only] [--expires DAYS]: a new API token; its
  secret is printed once (the only time it is shown). `token list [--user U] [--json]`,
  `token revoke PREFIX`.
"""

from axes.utils import reset
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from django.db import transaction

from accounts import twofactor
from api import tokens
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
    token = verbs.add_parser("token", help="API tokens").add_subparsers(
        dest="token_verb", required=True, metavar="VERB"
    )
    create = token.add_parser("create", help="a new token; prints its secret once")
    create.add_argument("username")
    create.add_argument("--name", required=True)
    create.add_argument("--read-only", action="store_true")
    create.add_argument("--expires", type=int, metavar="DAYS")
    listing = token.add_parser("list", help="tokens with their state and last use")
    listing.add_argument("--user", metavar="USERNAME")
    listing.add_argument("--json", action="store_true")
    token.add_parser("revoke", help="revoke a token by its prefix").add_argument("prefix")


def _user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no staff account {username}.", returncode=1) from None


def _token(options: dict, command) -> None:
    verb = options["token_verb"]
    if verb == "create":
        created = tokens.create(
            _user(options["username"]),
            options["name"],
            actor=command.actor,
            read_only=options["read_only"],
            expires_days=options["expires"],
        )
        command.ok(created.secret)
    elif verb == "list":
        queryset = tokens.ApiToken.objects.select_related("user").order_by("user_id", "-id")
        if options["user"]:
            queryset = queryset.filter(user=_user(options["user"]))
        rows = [
            {
                "prefix": t.prefix,
                "user": t.user.get_username(),
                "name": t.name,
                "access": "read-only" if t.read_only else "read-write",
                "state": tokens.state(t),
                "expires": t.expires.isoformat() if t.expires else "",
                "last_used": t.last_used.isoformat() if t.last_used else "",
            }
            for t in queryset
        ]
        columns = ["prefix", "user", "name", "access", "state", "expires", "last_used"]
        command.emit(rows, options, columns)
    else:
        token = tokens.revoke(tokens.get_by_prefix(options["prefix"]), actor=command.actor)
        command.ok(f"Revoked API token {token.prefix} ({token.name}) of {token.user}.")


def handle(noun: str, options: dict, command) -> None:
    if options["verb"] == "token":
        _token(options, command)
        return
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
