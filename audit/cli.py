"""`python manage.py mail check [--json] [--domain D] [--save]`: the adoption / integrity report.

Exit 0 when no error-level finding exists, 1 otherwise (warnings alone do not fail), so a
script or CI job can gate on it. The checks always run now; `--save` also stores the report
for the findings page of a large database (e.g. from cron), and needs the whole database
(no --domain).
"""

import json

from django.core.management.base import CommandError

from audit.findings.kinds import ERROR
from audit.findings.report import run_checks
from audit.findings.store import run_and_save
from mailadmin.addresses import normalize_domain

NOUNS = ("check",)


def add_arguments(subparsers) -> None:
    parser = subparsers.add_parser(
        "check", help="report what is broken or risky in the mail tables (exit 1 on errors)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--domain", action="append", help="only this domain (repeatable)")
    parser.add_argument(
        "--save",
        action="store_true",
        help="store the report for the findings page (whole database only)",
    )


def handle(noun: str, options: dict, command) -> None:
    domains = [normalize_domain(d) for d in options["domain"]] if options.get("domain") else None
    if options.get("save"):
        if domains is not None:
            raise CommandError("--save stores a report of the whole database: drop --domain.")
        report, _ = run_and_save(command.actor.name)
    else:
        report = run_checks(domains)
    if options["json"]:
        command.stdout.write(
            json.dumps(
                {
                    "style": report.style,
                    "errors": report.errors,
                    "warnings": report.warnings,
                    "infos": report.infos,
                    "findings": [f.as_dict() for f in report.findings],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for finding in report.findings:
            command.stdout.write(f"{finding.level.upper():7}  {finding.kind:18}  {finding.message}")
        command.stdout.write(
            f"{report.errors} error(s), {report.warnings} warning(s), {report.infos} info(s) "
            f"(alias map style assumed: {report.style})."
        )
    if report.errors:
        raise CommandError(
            f"{report.errors} error-level finding(s) in the mail tables.", returncode=1
        )
    return None


__all__ = ["ERROR", "NOUNS", "add_arguments", "handle"]
