"""The `import` and `export` nouns of `python manage.py mail` (a plug-in of the command).

    mail import FILE.csv [--dry-run] [--skip-existing | --update]
    mail import --from-mysql mysql://user@host/maildb [--from-mysql-password-file FILE]
    mail export [--output FILE.csv]

The source database's password comes from --from-mysql-password-file (- for standard
input) or MAILADMIN_IMPORT_MYSQL_PASSWORD: a password inside the URL is seen by every user
of the machine in `ps`, so it still works but draws a warning.

A bad row makes `import` exit 1 having written nothing: every bad row is listed on stdout
(`line 12: reason`), the one-line summary goes to stderr. On a terminal a progress bar
(tqdm) runs on stderr; piped or in cron, nothing but the report is printed.
"""

import io
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dj_database_url
from django.core.management.base import CommandError
from tqdm import tqdm

from bulk import flurdy
from bulk.exporter import export_csv
from bulk.importer import Bar, ImportReport, NullBar, Progress, import_csv, run_import

NOUNS = ("import", "export")
NOTE_EXAMPLES = 10
PASSWORD_ENV = "MAILADMIN_IMPORT_MYSQL_PASSWORD"  # noqa: S105 - the variable's name


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


def print_report(command, report: ImportReport) -> None:
    for problem in report.errors:
        command.stdout.write(str(problem))
    for category, items in report.notes.items():
        command.stdout.write(f"note: {category}: {len(items)}")
        for item in items[:NOTE_EXAMPLES]:
            command.stdout.write(f"  {item}")
        if len(items) > NOTE_EXAMPLES:
            command.stdout.write(f"  ... and {len(items) - NOTE_EXAMPLES} more")
    if not report.ok:
        raise CommandError(report.summary(), returncode=1)
    command.stdout.write(report.summary())


def _import_parser(subparsers) -> None:
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
        help="copy a flurdy database instead: mysql://user@host:3306/maildb (only read)",
    )
    parser.add_argument(
        "--from-mysql-password-file",
        metavar="FILE",
        help=f"the source database's password, from FILE (- for standard input); "
        f"or set {PASSWORD_ENV}. A password in the URL shows in `ps`",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    parser.add_argument(
        "--over-limit",
        action="store_true",
        help="knowingly pass domains' limits (else a file that would is refused)",
    )
    existing = parser.add_mutually_exclusive_group()
    existing.add_argument(
        "--skip-existing", action="store_true", help="leave objects that exist as they are"
    )
    existing.add_argument(
        "--update", action="store_true", help="rewrite objects that exist from their row"
    )


def _import(options: dict, command) -> None:
    if bool(options["file"]) == bool(options["from_mysql"]):
        raise CommandError("give either FILE or --from-mysql URL", returncode=2)
    if options["from_mysql_password_file"] and not options["from_mysql"]:
        raise CommandError("--from-mysql-password-file goes with --from-mysql", returncode=2)
    mode = "update" if options["update"] else "skip" if options["skip_existing"] else "strict"
    kwargs = {
        "actor": command.actor,
        "mode": mode,
        "dry_run": options["dry_run"],
        "progress": terminal_progress(),
        "over_limit": options["over_limit"],
    }
    if options["from_mysql"]:
        password = source_password(command, options)
        try:
            source = flurdy.read_source(options["from_mysql"], password=password)
        except flurdy.SourceError as exc:
            raise CommandError(str(exc), returncode=1) from None
        report = ImportReport(source.label)
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


def source_password(command, options: dict) -> str | None:
    """The --from-mysql password from its file or the environment (None: the URL's own)."""
    try:
        in_url = bool(dj_database_url.parse(options["from_mysql"]).get("PASSWORD"))
    except ValueError:
        in_url = False  # flurdy.read_source reports the bad URL
    path = options["from_mysql_password_file"]
    password = os.environ.get(PASSWORD_ENV) or None
    if path == "-":
        password = sys.stdin.readline().rstrip("\r\n")
    elif path:
        try:
            password = Path(path).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise CommandError(f"cannot read {path}: {reason}", returncode=1) from None
    if in_url and password is not None:
        raise CommandError(
            f"the --from-mysql URL has a password: leave it out when giving "
            f"--from-mysql-password-file or {PASSWORD_ENV}",
            returncode=2,
        )
    if in_url:
        command.stderr.write(
            "warning: the password in the --from-mysql URL is visible to every user of this "
            f"machine (ps); use --from-mysql-password-file or {PASSWORD_ENV}"
        )
    return password


class _Raw:
    """command.stdout without the newline Django's OutputWrapper adds to each write."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")


def _export_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export",
        help="every domain, mailbox and alias as CSV (the format `mail import` reads)",
    )
    parser.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE (mode 600, replaced whole when complete) instead of stdout",
    )


def _export(options: dict, command) -> None:
    output = options["output"]
    if not output:
        export_csv(_Raw(command.stdout), actor=command.actor, target="stdout")
        return
    try:
        count = export_to_file(output, actor=command.actor)
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror}") from None
    command.stderr.write(f"Exported {count} row(s) to {output}.")


def export_to_file(output: str, *, actor) -> int:
    """Export into a new mode-600 file beside `output`, renamed over it once complete: an
    existing file's mode does not carry over, and no reader sees half an export."""
    path = Path(output)
    try:
        special = not stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        special = False
    if special:  # /dev/stdout, a named pipe: nothing to rename over
        with open(path, "w", encoding="utf-8", newline="") as stream:
            return export_csv(stream, actor=actor, target=output)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as stream:
            count = export_csv(stream, actor=actor, target=output)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return count


def add_arguments(subparsers) -> None:
    _import_parser(subparsers)
    _export_parser(subparsers)


def handle(noun: str, options: dict, command) -> None:
    (_import if noun == "import" else _export)(options, command)
