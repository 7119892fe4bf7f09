"""The `config` and `trace` nouns of `python manage.py mail` (a plug-in of the command).

mail config postfix|courier|dovecot|grants [--output DIR] [--style S] ...
mail config readme            # the README's "Connect your mail server" section
mail config diff [--postfix-dir D] [--courier-dir D] [--dovecot-dir D] [--json]
                              # the live servers' settings against the generated ones
mail trace ADDRESS [--style S] [--recipient-delimiter D] [--json]
mail trace --senders ADDRESS [--recipient-delimiter D] [--json]
                              # who may send as ADDRESS, and as what a mailbox may send
"""

import json
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from mailstack import config, drift, sender_report, tracer

NOUNS = ("config", "trace")


def add_arguments(subparsers) -> None:
    _config_parser(subparsers)
    _trace_parser(subparsers)


def handle(noun: str, options: dict, command) -> None:
    (_config if noun == "config" else _trace)(options, command)


def _config_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "config", help="ready configuration files for Postfix, Courier, Dovecot, MySQL grants"
    )
    parser.add_argument(
        "verb",
        choices=[*config.PRODUCTS, "readme", "diff"],
        metavar="PRODUCT",
        help="postfix, courier, dovecot, grants (or readme; diff: compare the live servers)",
    )
    parser.add_argument("--output", type=Path, help="write the files into DIR (mode 0640)")
    parser.add_argument(
        "--style",
        choices=config.STYLES,
        help="Postfix alias map style (default MAILADMIN_ALIAS_STYLE or guide)",
    )
    parser.add_argument(
        "--dovecot-version",
        choices=config.DOVECOT_VERSIONS,
        help="default: what `dovecot --version` says",
    )
    parser.add_argument("--db-name", help="default: the database of DATABASE_URL")
    parser.add_argument("--db-host", help="default: the host of DATABASE_URL, as TCP")
    parser.add_argument("--db-port", type=int)
    parser.add_argument(
        "--db-user",
        default=None,
        help=f"the mail servers' read-only account (default {config.DEFAULT_DB_USER})",
    )
    parser.add_argument("--mail-home", help="virtual_mailbox_base (default MAILADMIN_MAIL_HOME)")
    parser.add_argument("--postfix-dir", help="where the Postfix maps live (/etc/postfix)")
    parser.add_argument("--dovecot-dir", help="where the Dovecot files live (/etc/dovecot)")
    _delimiter_option(parser)
    parser.add_argument(
        "--courier-dir", default="/etc/courier", help="(diff) where authmysqlrc lives"
    )
    parser.add_argument(
        "--postconf", default="postconf", help="(diff) the postconf program to read main.cf with"
    )
    parser.add_argument("--json", action="store_true", help="(diff) the report as JSON")


def _delimiter_option(parser) -> None:
    parser.add_argument(
        "--recipient-delimiter",
        help="Postfix's recipient_delimiter ('' for none; default MAILADMIN_RECIPIENT_DELIMITER;"
        " write --recipient-delimiter=-+ for one that starts with -)",
    )


def _config(options: dict, command) -> None:
    if options["verb"] == "readme":
        command.stdout.write(config.readme_section(), ending="")
        return
    if options["verb"] == "diff":
        _diff(options, command)
        return
    target = config.target_for_database(
        db_name=options["db_name"],
        db_host=options["db_host"],
        db_port=options["db_port"],
        db_user=options["db_user"],
        mail_home=options["mail_home"],
        style=options["style"],
        dovecot_version=options["dovecot_version"],
        postfix_dir=options["postfix_dir"],
        dovecot_dir=options["dovecot_dir"],
        recipient_delimiter=options["recipient_delimiter"],
    )
    files = config.generate(options["verb"], target)
    if options["output"]:
        for path in config.write(files, options["output"]):
            command.stdout.write(f"Wrote {path}")
        return
    for name, content in files.items():
        command.stdout.write(f"# ==> {name} <==\n{content}")


def _diff(options: dict, command) -> None:
    live = drift.Live(
        postfix_dir=options["postfix_dir"] or drift.Live.postfix_dir,
        courier_dir=options["courier_dir"],
        dovecot_dir=options["dovecot_dir"] or drift.Live.dovecot_dir,
        postconf=options["postconf"],
    )
    target = config.target_for_database(
        db_name=options["db_name"],
        db_host=options["db_host"],
        db_port=options["db_port"],
        db_user=options["db_user"],
        mail_home=options["mail_home"],
        style=options["style"],
        dovecot_version=options["dovecot_version"] or drift.live_dovecot_version(live),
        postfix_dir=live.postfix_dir,
        dovecot_dir=live.dovecot_dir,
        recipient_delimiter=options["recipient_delimiter"],
    )
    report = drift.diff(target, live)
    if options["json"]:
        command.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        command.stdout.write(drift.render_text(report))
    if report.changes_routing:
        raise CommandError(
            "The live configuration routes mail differently from what the panel assumes.",
            returncode=1,
        )


def _trace_parser(subparsers) -> None:
    parser = subparsers.add_parser("trace", help="the route Postfix takes for an address")
    parser.add_argument("address")
    parser.add_argument(
        "--style",
        choices=config.STYLES,
        help="alias map style to assume (default MAILADMIN_ALIAS_STYLE or guide)",
    )
    _delimiter_option(parser)
    parser.add_argument(
        "--senders",
        action="store_true",
        help="who may send as ADDRESS (submission service), and as which addresses a mailbox may",
    )
    parser.add_argument("--json", action="store_true")


def _trace(options: dict, command) -> None:
    address = options["address"].strip()
    if "@" not in address or address.startswith("@"):
        raise ValidationError(f"{address!r} is not a mail address (local@domain).")
    if options["senders"]:
        found = sender_report.report(address, delimiter=options["recipient_delimiter"])
        if options["json"]:
            command.stdout.write(json.dumps(found.as_dict(), indent=2, ensure_ascii=False))
        else:
            command.stdout.write(sender_report.render_text(found))
        return
    result = tracer.trace(address, style=options["style"], delimiter=options["recipient_delimiter"])
    if options["json"]:
        command.stdout.write(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        command.stdout.write(tracer.render_text(result))
    sys.stdout.flush()
