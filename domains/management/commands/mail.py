"""`python manage.py mail <noun> <verb> ...`: the postmaster's command line (DESIGN.md §6).

Exit codes are a contract: 0 success, 1 bad input (one line on stderr, nothing written),
2 usage error. Every list takes `--json`.
"""

import getpass
import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import cli as accounts_cli
from aliases import services as alias_services
from aliases.models import Alias
from audit import cli as audit_cli
from audit.services import Actor
from bulk import cli as bulk_cli
from domains import services
from domains.list_filters import count_in_domain
from domains.models import Domain, Mailbox
from mailadmin import quota
from mailadmin.addresses import normalize_domain
from mailstack import cli as mailstack_cli

EXTRA_NOUNS: list = []  # modules with `add_parser(subparsers)` and `run(command, options)`
EXTRA_NOUNS += mailstack_cli.NOUNS  # mail config, mail trace
EXTRA_NOUNS += bulk_cli.NOUNS  # mail import, mail export
EXTRA_NOUNS += [audit_cli]  # mail check
EXTRA_NOUNS += [accounts_cli]  # mail admin reset-2fa|unlock


class Command(BaseCommand):
    help = "Manage domains, mailboxes and aliases of the mail database."

    def add_arguments(self, parser):
        nouns = parser.add_subparsers(dest="noun", required=True, metavar="NOUN")

        domain = nouns.add_parser("domain", help="hosted domains").add_subparsers(
            dest="verb", required=True, metavar="VERB"
        )
        for verb in ("add", "remove", "enable", "disable"):
            sub = domain.add_parser(verb)
            sub.add_argument("name")
            if verb == "add":
                sub.add_argument("--transport", default="virtual:")
                sub.add_argument("--disabled", action="store_true")
            if verb == "remove":
                inbound = sub.add_mutually_exclusive_group()
                inbound.add_argument(
                    "--keep-inbound",
                    action="store_true",
                    help="keep the aliases of other domains that deliver into it (default)",
                )
                inbound.add_argument(
                    "--remove-inbound",
                    action="store_true",
                    help="take the domain out of those aliases (one left empty is removed)",
                )
        domain.add_parser("list").add_argument("--json", action="store_true")

        mailbox = nouns.add_parser("mailbox", help="mailboxes (users)").add_subparsers(
            dest="verb", required=True, metavar="VERB"
        )
        add = mailbox.add_parser("add")
        add.add_argument("address")
        add.add_argument("--name", default="")
        add.add_argument("--quota", default="", help="e.g. 500M, 2G, 1000C; empty = unlimited")
        add.add_argument("--password-stdin", action="store_true", required=True)
        add.add_argument("--disabled", action="store_true")
        add.add_argument(
            "--lock-password",
            action="store_true",
            help="the owner may not change it in self-service",
        )
        passwd = mailbox.add_parser("passwd")
        passwd.add_argument("address")
        passwd.add_argument("--password-stdin", action="store_true", required=True)
        for verb in ("enable", "disable", "remove"):
            mailbox.add_parser(verb).add_argument("address")
        forward = mailbox.add_parser(
            "forward", help="forward a mailbox's mail (a copy stays in the mailbox by default)"
        )
        forward.add_argument("address")
        forward.add_argument("destinations", nargs="?", default="", help="DEST[,DEST...]")
        forward.add_argument(
            "--no-copy", action="store_true", help="keep no copy: no mail reaches the mailbox"
        )
        forward.add_argument(
            "--off", action="store_true", help="stop forwarding: deliver to the mailbox only"
        )
        listing = mailbox.add_parser("list")
        listing.add_argument("--domain")
        listing.add_argument("--json", action="store_true")

        alias = nouns.add_parser(
            "alias", help="forwards, catch-alls, domain aliases"
        ).add_subparsers(dest="verb", required=True, metavar="VERB")
        add = alias.add_parser("add")
        add.add_argument("source", help="address, @domain (catch-all) or @alias.tld")
        add.add_argument("destinations", help="DEST[,DEST...] or @target.tld")
        add.add_argument("--replace", action="store_true", help="replace an existing alias")
        add.add_argument(
            "--forward-mailbox",
            action="store_true",
            help="SOURCE is a mailbox and DEST replaces its delivery (list SOURCE to keep a copy)",
        )
        add.add_argument("--disabled", action="store_true")
        for verb in ("remove", "enable", "disable"):
            alias.add_parser(verb).add_argument("source")
        listing = alias.add_parser("list")
        listing.add_argument("--domain")
        state = listing.add_mutually_exclusive_group()
        state.add_argument("--enabled", action="store_true")
        state.add_argument("--disabled", action="store_true")
        listing.add_argument("--json", action="store_true")

        for module in EXTRA_NOUNS:
            module.add_parser(nouns)

    def handle(self, *args, **options):
        self.actor = Actor(f"cli:{getpass.getuser()}")
        noun, verb = options["noun"], options.get("verb")
        try:
            for module in EXTRA_NOUNS:
                if noun == module.NOUN:
                    return module.run(self, options)
            getattr(self, f"{noun}_{verb}")(options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=1) from None

    # --- helpers -------------------------------------------------------------------------
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

    # --- domain --------------------------------------------------------------------------
    def domain_add(self, o):
        domain = services.create_domain(
            o["name"], actor=self.actor, transport=o["transport"], enabled=not o["disabled"]
        )
        self.ok(f"Domain {domain.domain} added.")

    def domain_remove(self, o):
        inbound = "remove" if o["remove_inbound"] else "keep"
        removed = services.remove_domain(o["name"], actor=self.actor, inbound=inbound)
        self.ok(
            f"Domain {normalize_domain(o['name'])} removed with {removed.mailboxes} "
            f"mailbox(es) and {removed.aliases} alias(es)."
        )
        if removed.inbound_removed:
            self.show_inbound(removed, "removed from their destinations")
        else:
            self.show_inbound(
                removed, "kept (their mail now goes out by SMTP; --remove-inbound drops them)"
            )

    def show_inbound(self, found: "services.Removed", what: str) -> None:
        """The alias rows of other domains that deliver into a domain, first ones listed."""
        if not found.inbound:
            return
        self.ok(f"{found.inbound} alias(es) of other domains deliver into it, {what}:")
        for alias in found.inbound_rows:
            self.ok(f"  {alias.mail} → {alias.destination}")
        if found.inbound > len(found.inbound_rows):
            self.ok(f"  ... {found.inbound} in all")

    def domain_enable(self, o):
        self.ok(f"Domain {services.set_domain_enabled(o['name'], True, actor=self.actor)} enabled.")

    def domain_disable(self, o):
        domain = services.set_domain_enabled(o["name"], False, actor=self.actor)
        self.ok(f"Domain {domain} disabled.")
        self.show_inbound(services.removal_preview(domain.domain), "now relayed out by SMTP")

    def domain_list(self, o):
        domains = Domain.objects.annotate(
            mailboxes=count_in_domain(Mailbox), aliases=count_in_domain(Alias)
        ).order_by("domain")
        rows = [
            {
                "domain": d.domain,
                "transport": d.transport,
                "enabled": d.enabled,
                "mailboxes": d.mailboxes,
                "aliases": d.aliases,
            }
            for d in domains
        ]
        self.emit(rows, o, ["domain", "transport", "enabled", "mailboxes", "aliases"])

    # --- mailbox -------------------------------------------------------------------------
    def mailbox_add(self, o):
        mailbox = services.create_mailbox(
            o["address"],
            self.read_password(),
            actor=self.actor,
            name=o["name"],
            quota_text=o["quota"],
            enabled=not o["disabled"],
            change_password=not o["lock_password"],
        )
        self.ok(f"Mailbox {mailbox.address} added (maildir {mailbox.maildir}).")

    def mailbox_passwd(self, o):
        mailbox = services.set_mailbox_password(
            o["address"], self.read_password(), actor=self.actor
        )
        self.ok(f"Password of {mailbox.address} set.")

    def mailbox_enable(self, o):
        self.ok(
            f"Mailbox {services.set_mailbox_enabled(o['address'], True, actor=self.actor)} enabled."
        )

    def mailbox_disable(self, o):
        mailbox = services.set_mailbox_enabled(o["address"], False, actor=self.actor)
        self.ok(f"Mailbox {mailbox} disabled.")

    def mailbox_remove(self, o):
        removed = services.remove_mailbox(o["address"], actor=self.actor)
        self.ok(
            f"Mailbox {o['address'].strip().lower()} removed with {removed.aliases} alias(es); "
            f"dropped from {removed.destinations_dropped} destination list(s)."
        )

    def mailbox_forward(self, o):
        if o["off"] == bool(o["destinations"]):
            raise CommandError("give DEST[,DEST...] or --off (not both)", returncode=2)
        if o["off"]:
            alias = alias_services.stop_forwarding_mailbox(o["address"], actor=self.actor)
        else:
            alias = alias_services.forward_mailbox(
                o["address"], o["destinations"], actor=self.actor, keep_copy=not o["no_copy"]
            )
        delivery = alias_services.MailboxDelivery.of(alias.mail, alias.destination)
        self.ok(f"Mailbox {alias.mail}: {delivery.summary or 'delivered to the mailbox only'}.")

    def mailbox_list(self, o):
        mailboxes = Mailbox.objects.order_by("address")
        if o["domain"]:
            mailboxes = mailboxes.filter(domain_name=normalize_domain(o["domain"]))
        rows = [
            {
                "address": m.address,
                "name": m.name,
                "quota": m.quota,
                "quota_human": quota.humanize(m.quota),
                "enabled": bool(m.enabled),
                "maildir": m.maildir,
            }
            for m in mailboxes
        ]
        self.emit(rows, o, ["address", "name", "quota_human", "enabled", "maildir"])

    # --- alias ---------------------------------------------------------------------------
    def alias_add(self, o):
        if o["forward_mailbox"]:
            source = alias_services.normalize_source(o["source"])
            targets = alias_services.parse_destinations(o["destinations"])
            alias = alias_services.forward_mailbox(
                source, targets, actor=self.actor, keep_copy=source in targets
            )
            self.ok(f"Alias {alias.mail} → {alias.destination} replaced (mailbox forward).")
            return
        if alias_services.is_mailbox(alias_services.normalize_source(o["source"])):
            source = alias_services.normalize_source(o["source"])
            keeps = source in alias_services.parse_destinations(o["destinations"])
            if not (o["replace"] and keeps):
                raise ValidationError(
                    f"{source} is a mailbox: its alias row is its delivery. Use `mail mailbox "
                    f"forward {source} DEST[,DEST...]` (--no-copy: no local copy), or add "
                    "--forward-mailbox to replace its delivery with DEST."
                )
        if o["replace"]:
            alias = alias_services.replace_alias(o["source"], o["destinations"], actor=self.actor)
            self.ok(f"Alias {alias.mail} → {alias.destination} replaced.")
            return
        alias = alias_services.create_alias(
            o["source"], o["destinations"], actor=self.actor, enabled=not o["disabled"]
        )
        self.ok(f"Alias {alias.mail} → {alias.destination} added ({alias.kind.label}).")

    def alias_remove(self, o):
        alias_services.remove_alias(o["source"], actor=self.actor)
        self.ok(f"Alias {o['source'].strip().lower()} removed.")

    def alias_enable(self, o):
        alias = alias_services.set_alias_enabled(o["source"], True, actor=self.actor)
        self.ok(f"Alias {alias.mail} enabled.")

    def alias_disable(self, o):
        alias = alias_services.set_alias_enabled(o["source"], False, actor=self.actor)
        self.ok(f"Alias {alias.mail} disabled.")

    def alias_list(self, o):
        aliases = Alias.objects.order_by("mail")
        if o["domain"]:
            aliases = aliases.filter(domain_name=normalize_domain(o["domain"]))
        if o["enabled"]:
            aliases = aliases.filter(enabled=True)
        elif o["disabled"]:
            aliases = aliases.filter(enabled=False)
        rows = [
            {
                "mail": a.mail,
                "destination": a.destination,
                "enabled": a.enabled,
                "kind": a.kind.value,
            }
            for a in aliases
        ]
        self.emit(rows, o, ["mail", "destination", "kind", "enabled"])
