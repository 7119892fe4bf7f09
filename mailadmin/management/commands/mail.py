"""`python manage.py mail <noun> <verb> ...`: the postmaster's command line (README, "The
`mail` command line").

This command only assembles the parser and dispatches; each noun is a plug-in of the app it
belongs to (PLUGINS). A plug-in module has the same three names:

- `NOUNS`: the nouns it adds, as `options["noun"]` names them;
- `add_arguments(subparsers)`: adds their parsers to the command's NOUN subparsers;
- `handle(noun, options, command)`: runs one. `command` is this command: `.actor` (whom the
  audit log names), `.stdout` and `.stderr`, `.ok(line)`, `.emit(rows, options, columns)`
  (a table, or JSON with --json) and `.read_password()` (one line of standard input).

Exit codes are a contract: 0 success, 1 bad input (one line on stderr, nothing written),
2 usage error. Every list takes `--json`. A `ValidationError` out of a plug-in is bad input.
"""

import getpass
import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, no_translations

from accounts import cli as accounts_cli
from aliases import cli as aliases_cli
from audit import cli as audit_cli
from audit.services import Actor
from bulk import cli as bulk_cli
from domains import cli as domains_cli
from mailstack import cli as mailstack_cli
from usage import cli as usage_cli
from vacation import cli as vacation_cli

# In the order `mail --help` lists their nouns.
PLUGINS = [
    domains_cli,  # mail domain, mail mailbox
    aliases_cli,  # mail alias
    mailstack_cli,  # mail config, mail trace
    bulk_cli,  # mail import, mail export
    audit_cli,  # mail check
    accounts_cli,  # mail admin reset-2fa|unlock
    vacation_cli,  # mail vacation
    usage_cli,  # mail usage collect
]


class Command(BaseCommand):
    help = "Manage domains, mailboxes and aliases of the mail database."

    def add_arguments(self, parser):
        nouns = parser.add_subparsers(dest="noun", required=True, metavar="NOUN")
        for plugin in PLUGINS:
            plugin.add_arguments(nouns)

    # English whatever LANGUAGE_CODE says: scripts parse this output (DESIGN.md, section 6).
    @no_translations
    def handle(self, *args, **options):
        self.actor = Actor(f"cli:{getpass.getuser()}")
        noun = options["noun"]
        plugin = next(p for p in PLUGINS if noun in p.NOUNS)
        try:
            plugin.handle(noun, options, self)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=1) from None

    # --- what the plug-ins write with ----------------------------------------------------
    def ok(self, message: str) -> None:
        self.stdout.write(message)

    def emit(self, rows: list[dict], options: dict, columns: list[str]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        if not rows:
            return
        widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in columns}
        self.stdout.write("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
        for row in rows:
            self.stdout.write("  ".join(str(row[c]).ljust(widths[c]) for c in columns).rstrip())

    def read_password(self) -> str:
        line = sys.stdin.readline()
        password = line.rstrip("\r\n")
        if not password:
            raise ValidationError("No password on standard input.")
        return password
