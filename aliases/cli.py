"""The `alias` noun of `python manage.py mail` (a plug-in of the command).

mail alias add SOURCE DEST[,DEST...] [--replace] [--forward-mailbox] [--disabled] [--over-limit]
mail alias remove|enable|disable SOURCE  (enable: [--over-limit])
mail alias list [--domain D] [--enabled | --disabled] [--json]
"""

from django.core.exceptions import ValidationError

from aliases import services as alias_services
from aliases.models import Alias
from mailadmin.addresses import normalize_domain

NOUNS = ("alias",)


def add_arguments(subparsers) -> None:
    alias = subparsers.add_parser(
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
    over_limit = "knowingly pass the domain's alias limit (refused otherwise)"
    add.add_argument("--over-limit", action="store_true", help=over_limit)
    for verb in ("remove", "enable", "disable"):
        sub = alias.add_parser(verb)
        sub.add_argument("source")
        if verb == "enable":
            sub.add_argument("--over-limit", action="store_true", help=over_limit)
    listing = alias.add_parser("list")
    listing.add_argument("--domain")
    state = listing.add_mutually_exclusive_group()
    state.add_argument("--enabled", action="store_true")
    state.add_argument("--disabled", action="store_true")
    listing.add_argument("--json", action="store_true")


def handle(noun: str, options: dict, command) -> None:
    VERBS[options["verb"]](options, command)


def alias_add(o, command):
    if o["forward_mailbox"]:
        source = alias_services.normalize_source(o["source"])
        targets = alias_services.parse_destinations(o["destinations"])
        alias = alias_services.forward_mailbox(
            source, targets, actor=command.actor, keep_copy=source in targets
        )
        command.ok(f"Alias {alias.mail} → {alias.destination} replaced (mailbox forward).")
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
        alias = alias_services.replace_alias(o["source"], o["destinations"], actor=command.actor)
        command.ok(f"Alias {alias.mail} → {alias.destination} replaced.")
        return
    alias = alias_services.create_alias(
        o["source"],
        o["destinations"],
        actor=command.actor,
        enabled=not o["disabled"],
        over_limit=o["over_limit"],
    )
    command.ok(f"Alias {alias.mail} → {alias.destination} added ({alias.kind.label}).")


def alias_remove(o, command):
    alias_services.remove_alias(o["source"], actor=command.actor)
    command.ok(f"Alias {o['source'].strip().lower()} removed.")


def alias_enable(o, command):
    alias = alias_services.set_alias_enabled(
        o["source"], True, actor=command.actor, over_limit=o["over_limit"]
    )
    command.ok(f"Alias {alias.mail} enabled.")


def alias_disable(o, command):
    alias = alias_services.set_alias_enabled(o["source"], False, actor=command.actor)
    command.ok(f"Alias {alias.mail} disabled.")


def alias_list(o, command):
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
    command.emit(rows, o, ["mail", "destination", "kind", "enabled"])


VERBS = {
    "add": alias_add,
    "remove": alias_remove,
    "enable": alias_enable,
    "disable": alias_disable,
    "list": alias_list,
}
