"""The `domain` and `mailbox` nouns of `python manage.py mail` (a plug-in of the command).

mail domain add NAME [--transport T] [--backup-mx], remove|enable|disable NAME,
mail domain list [--json]
mail domain limits NAME [--mailboxes N] [--aliases N] [--max-quota Q] [--total-quota Q]
  [--default-quota Q] [--json]  (no option: show the limits and the use)
mail mailbox add|passwd ADDRESS --password-stdin, enable|disable|remove ADDRESS
mail mailbox forward ADDRESS DEST[,DEST...] [--no-copy] | --off
mail mailbox list [--domain D] [--json]
"""

import json

from django.core.management.base import CommandError

from aliases import services as alias_services
from aliases.models import Alias
from domains import services
from domains.list_filters import count_in_domain
from domains.models import Domain, Mailbox
from limits import services as limits
from mailadmin import quota
from mailadmin.addresses import normalize_domain

NOUNS = ("domain", "mailbox")
OVER_LIMIT_HELP = "knowingly pass the domain's limits (refused otherwise)"
LIMIT_OPTIONS = (
    ("--mailboxes", "mailboxes", "most enabled mailboxes (empty or 'unlimited': no limit)"),
    ("--aliases", "aliases", "most enabled aliases, mailboxes' own rows not counted"),
    ("--max-quota", "max_quota", "largest quota of one mailbox, e.g. 2G"),
    ("--total-quota", "total_quota", "sum of the mailboxes' quotas, e.g. 100G"),
    ("--default-quota", "default_quota", "quota of a new mailbox given none, e.g. 1G"),
)


def add_arguments(subparsers) -> None:
    domain = subparsers.add_parser("domain", help="hosted domains").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    for verb in ("add", "remove", "enable", "disable"):
        sub = domain.add_parser(verb)
        sub.add_argument("name")
        if verb == "add":
            sub.add_argument(
                "--transport",
                default="virtual:",
                help="'virtual:' (hosted here, the default) or where a relay domain's mail is "
                "handed to, e.g. smtp:[10.0.0.5]:25",
            )
            sub.add_argument("--disabled", action="store_true")
            sub.add_argument(
                "--backup-mx",
                action="store_true",
                help="a relay domain for which this server is a backup MX: accept any recipient",
            )
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
    limits_parser = domain.add_parser(
        "limits", help="show or set a domain's limits (no option: show them with the use)"
    )
    limits_parser.add_argument("name")
    for flag, dest, text in LIMIT_OPTIONS:
        limits_parser.add_argument(flag, dest=dest, default=None, help=text)
    limits_parser.add_argument("--json", action="store_true")

    mailbox = subparsers.add_parser("mailbox", help="mailboxes (users)").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    add = mailbox.add_parser("add")
    add.add_argument("address")
    add.add_argument("--name", default="")
    add.add_argument(
        "--quota",
        default="",
        help="e.g. 500M, 2G, 1000C, or 'unlimited'; none given: the domain's default quota",
    )
    add.add_argument("--over-limit", action="store_true", help=OVER_LIMIT_HELP)
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
        sub = mailbox.add_parser(verb)
        sub.add_argument("address")
        if verb == "enable":
            sub.add_argument("--over-limit", action="store_true", help=OVER_LIMIT_HELP)
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


def handle(noun: str, options: dict, command) -> None:
    VERBS[noun, options["verb"]](options, command)


# --- domain ------------------------------------------------------------------------------
def domain_add(o, command):
    domain = services.create_domain(
        o["name"],
        actor=command.actor,
        transport=o["transport"],
        enabled=not o["disabled"],
        backup_mx=o["backup_mx"],
    )
    command.ok(f"Domain {domain.domain} added.")
    if domain.relay is not None:
        command.ok(services.describe_transport(domain.transport, backup_mx=o["backup_mx"]))


def domain_remove(o, command):
    inbound = "remove" if o["remove_inbound"] else "keep"
    removed = services.remove_domain(o["name"], actor=command.actor, inbound=inbound)
    command.ok(
        f"Domain {normalize_domain(o['name'])} removed with {removed.mailboxes} "
        f"mailbox(es) and {removed.aliases} alias(es)."
    )
    if removed.inbound_removed:
        show_inbound(command, removed, "removed from their destinations")
    else:
        show_inbound(
            command, removed, "kept (their mail now goes out by SMTP; --remove-inbound drops them)"
        )


def show_inbound(command, found: "services.Removed", what: str) -> None:
    """The alias rows of other domains that deliver into a domain, first ones listed."""
    if not found.inbound:
        return
    command.ok(f"{found.inbound} alias(es) of other domains deliver into it, {what}:")
    for alias in found.inbound_rows:
        command.ok(f"  {alias.mail} → {alias.destination}")
    if found.inbound > len(found.inbound_rows):
        command.ok(f"  ... {found.inbound} in all")


def domain_enable(o, command):
    domain = services.set_domain_enabled(o["name"], True, actor=command.actor)
    command.ok(f"Domain {domain} enabled.")


def domain_disable(o, command):
    domain = services.set_domain_enabled(o["name"], False, actor=command.actor)
    command.ok(f"Domain {domain} disabled.")
    show_inbound(command, services.removal_preview(domain.domain), "now relayed out by SMTP")


def domain_list(o, command):
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
    command.emit(rows, o, ["domain", "transport", "enabled", "mailboxes", "aliases"])


def domain_limits(o, command):
    name = normalize_domain(o["name"])
    given = {dest: o[dest] for _, dest, _ in LIMIT_OPTIONS if o[dest] is not None}
    if given:
        current, lines = limits.set_limits(name, actor=command.actor, **given)
    else:
        services.get_domain(name)
        current = limits.limits_of(name)
        lines = limits.report(name, current)
    values = limits.snapshot(current)
    if o["json"]:
        use = limits.use_of(name)
        row = {
            "domain": name,
            **values,
            "use": {
                "mailboxes": use.mailboxes,
                "aliases": use.aliases,
                "allocated_bytes": use.allocated(current or limits.DomainLimits()),
                "mailboxes_without_quota": use.unsized,
            },
            "report": [line.text for line in lines],
        }
        row["over"] = [line.key for line in lines if line.over]
        command.ok(json.dumps(row, indent=2, ensure_ascii=False))
        return
    for line in lines:
        command.ok(f"{name}: {line.text}" + (" — over the limit" if line.over else ""))


# --- mailbox -----------------------------------------------------------------------------
def mailbox_add(o, command):
    mailbox = services.create_mailbox(
        o["address"],
        command.read_password(),
        actor=command.actor,
        name=o["name"],
        quota_text=o["quota"],
        enabled=not o["disabled"],
        change_password=not o["lock_password"],
        over_limit=o["over_limit"],
    )
    command.ok(f"Mailbox {mailbox.address} added (maildir {mailbox.maildir}).")


def mailbox_passwd(o, command):
    mailbox = services.set_mailbox_password(
        o["address"], command.read_password(), actor=command.actor
    )
    command.ok(f"Password of {mailbox.address} set.")


def mailbox_enable(o, command):
    mailbox = services.set_mailbox_enabled(
        o["address"], True, actor=command.actor, over_limit=o["over_limit"]
    )
    command.ok(f"Mailbox {mailbox} enabled.")


def mailbox_disable(o, command):
    mailbox = services.set_mailbox_enabled(o["address"], False, actor=command.actor)
    command.ok(f"Mailbox {mailbox} disabled.")


def mailbox_remove(o, command):
    removed = services.remove_mailbox(o["address"], actor=command.actor)
    command.ok(
        f"Mailbox {o['address'].strip().lower()} removed with {removed.aliases} alias(es); "
        f"dropped from {removed.destinations_dropped} destination list(s)."
    )


def mailbox_forward(o, command):
    if o["off"] == bool(o["destinations"]):
        raise CommandError("give DEST[,DEST...] or --off (not both)", returncode=2)
    if o["off"]:
        alias = alias_services.stop_forwarding_mailbox(o["address"], actor=command.actor)
    else:
        alias = alias_services.forward_mailbox(
            o["address"], o["destinations"], actor=command.actor, keep_copy=not o["no_copy"]
        )
    delivery = alias_services.MailboxDelivery.of(alias.mail, alias.destination)
    command.ok(f"Mailbox {alias.mail}: {delivery.summary or 'delivered to the mailbox only'}.")


def mailbox_list(o, command):
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
    command.emit(rows, o, ["address", "name", "quota_human", "enabled", "maildir"])


VERBS = {
    ("domain", "add"): domain_add,
    ("domain", "remove"): domain_remove,
    ("domain", "enable"): domain_enable,
    ("domain", "disable"): domain_disable,
    ("domain", "list"): domain_list,
    ("domain", "limits"): domain_limits,
    ("mailbox", "add"): mailbox_add,
    ("mailbox", "passwd"): mailbox_passwd,
    ("mailbox", "enable"): mailbox_enable,
    ("mailbox", "disable"): mailbox_disable,
    ("mailbox", "remove"): mailbox_remove,
    ("mailbox", "forward"): mailbox_forward,
    ("mailbox", "list"): mailbox_list,
}
