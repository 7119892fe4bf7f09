"""The `usage` noun of `python manage.py mail` (a plug-in of the command).

mail usage collect [--domain D] [--jobs N] [--base DIR] [--json]
"""

from usage import collector

NOUNS = ("usage",)


def add_arguments(subparsers) -> None:
    usage = subparsers.add_parser("usage", help="how full each mailbox is").add_subparsers(
        dest="verb", required=True, metavar="VERB"
    )
    collect = usage.add_parser(
        "collect", help="measure every maildir on this host and store bytes and messages"
    )
    collect.add_argument("--domain", help="only the mailboxes of this domain")
    collect.add_argument(
        "--jobs",
        type=int,
        default=collector.DEFAULT_JOBS,
        help=f"maildirs measured at once (default {collector.DEFAULT_JOBS})",
    )
    collect.add_argument(
        "--base",
        help="read maildirs under this directory instead of each mailbox's home "
        "(Postfix's virtual_mailbox_base, when it differs)",
    )
    collect.add_argument("--json", action="store_true")


def handle(noun: str, options: dict, command) -> None:
    summary = collector.collect(
        domain=options["domain"], jobs=options["jobs"], base=options["base"]
    ).as_dict()
    if options["json"]:
        command.emit(summary, options, [])
        return
    command.ok(
        f"Measured {summary['mailboxes']} mailboxes in {summary['seconds']} s "
        f"({summary['maildirsize']} from maildirsize, {summary['walked']} walked, "
        f"{summary['missing']} without a maildir yet); removed {summary['removed']} "
        "rows of mailboxes that are gone."
    )
    for address in summary["skipped"]:
        command.ok(f"Skipped {address}: its maildir leaves its home directory.")
