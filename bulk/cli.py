"""The `import` and `export` nouns of `python manage.py mail` (see EXTRA_NOUNS there).

    mail import FILE.csv [--dry-run] [--skip-existing | --update]
    mail import --from-mysql mysql://user:pw@host/maildb [--dry-run] [...]
    mail export [--output FILE.csv]

A bad row makes `import` exit 1 having written nothing: every bad row is listed on stdout
(`line 12: reason`), the one-line summary goes to stderr. On a terminal a progress bar
(tqdm) runs on stderr; piped or in cron, nothing but the report is printed.
"""

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from tqdm import tqdm

from bulk import flurdy
from bulk.exporter import export_csv
from bulk.importer import Bar, NullBar, Progress, Report, import_csv, run_import

NOTE_EXAMPLES = 10


def terminal_progress(stream=None) -> Progress:
    """A tqdm bar per phase when `stream` (stderr) is a terminal, else nothing at all."""
    stream = stream or sys.stderr
    shown = hasattr(stream, "isatty") and stream.isatty()
    # No monitor thread: the password hashing forks worker processes while a bar is shown.
    tqdm.monitor_interval = 0

    @contextmanager
    def progress(description: str, total: int) -> Iterator[Bar]:
        if not shown:
            yield NullBar()
            return
        with tqdm(
            total=total or None, desc=description, file=stream, unit="row", dynamic_ncols=True
        ) as bar:
            yield bar

    return progress


def print_report(command, report: Report) -> None:
    for problem in report.errors:
        command.stdout.write(str(problem))
    for category, items in report.notes.items():
        command.stdout.write(f"note: {category}: {len(items)}")
        for item in items[:NOTE_EXAMPLES]:
            command.stdout.write(f"  {item}")
        if len(items) > NOTE_EXAMPLES:
            command.stdout.write(f"  ... and {len(items) - NOTE_EXAMPLES} more")
    if report.errors:
        raise CommandError(report.summary(), returncode=1)
    command.stdout.write(report.summary())


class ImportNoun:
    NOUN = "import"

    @staticmethod
    def add_parser(subparsers) -> None:
        parser = subparsers.add_parser(
            "import",
            help="domains, mailboxes and aliases from a CSV file or a flurdy database",
            description="Import the CSV format of bulk/csvformat.py (see `mail export`). "
            "All or nothing: any bad row and nothing is written.",
        )
        parser.add_argument("file", nargs="?", help="the CSV file, - for standard input")
        parser.add_argument(
            "--from-mysql",
            metavar="URL",
            help="copy a flurdy database instead: mysql://user:password@host:3306/maildb "
            "(only read)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--skip-existing", action="store_true", help="leave objects that exist as they are"
        )
        existing.add_argument(
            "--update", action="store_true", help="rewrite objects that exist from their row"
        )

    @staticmethod
    def run(command, options: dict) -> None:
        if bool(options["file"]) == bool(options["from_mysql"]):
            raise CommandError("give either FILE or --from-mysql URL", returncode=2)
        mode = "update" if options["update"] else "skip" if options["skip_existing"] else "strict"
        kwargs = {
            "actor": command.actor,
            "mode": mode,
            "dry_run": options["dry_run"],
            "progress": terminal_progress(),
        }
        if options["from_mysql"]:
            try:
                source = flurdy.read_source(options["from_mysql"])
            except flurdy.SourceError as exc:
                raise CommandError(str(exc), returncode=1) from None
            report = Report(source.label)
            for category, detail in source.notes:
                report.note(category, detail)
            report = run_import(
                source.rows,
                source=source.label,
                report=report,
                total=len(source.rows),
                **kwargs,
            )
        elif options["file"] == "-":
            stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
            report = import_csv(stream, source="standard input", **kwargs)
        else:
            try:
                with open(options["file"], encoding="utf-8-sig", newline="") as stream:
                    report = import_csv(stream, source=options["file"], **kwargs)
            except OSError as exc:
                raise CommandError(f"cannot read {options['file']}: {exc.strerror}") from None
        print_report(command, report)


class _Raw:
    """command.stdout without the newline Django's OutputWrapper adds to each write."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")


class ExportNoun:
    NOUN = "export"

    @staticmethod
    def add_parser(subparsers) -> None:
        parser = subparsers.add_parser(
            "export",
            help="every domain, mailbox and alias as CSV (the format `mail import` reads)",
        )
        parser.add_argument(
            "--output", "-o", metavar="FILE", help="write to FILE (mode 600) instead of stdout"
        )

    @staticmethod
    def run(command, options: dict) -> None:
        if not options["output"]:
            export_csv(_Raw(command.stdout), actor=command.actor, target="stdout")
            return
        try:
            fd = os.open(options["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise CommandError(f"cannot write {options['output']}: {exc.strerror}") from None
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            count = export_csv(stream, actor=command.actor, target=options["output"])
        command.stderr.write(f"Exported {count} row(s) to {options['output']}.")


NOUNS = [ImportNoun, ExportNoun]
