"""Bulk import: validate every row first, then write everything in one transaction.

The rules are the service layer's (`mailadmin.addresses`, `mailadmin.quota`,
`aliases.services`, `domains.services`), applied to the whole file at once: every bad row
is reported with its line and reason, and by default nothing is written unless every row
is good. Rows are then written in batches (`bulk_create`) rather than one service call
per row, and clear passwords are checked and hashed on every core. One audit entry sums
up the import.

Modes for objects that already exist: `strict` (the default: an error), `skip` (left as
they are) and `update` (rewritten from the row; an empty cell keeps the current value, so
write `unlimited` to remove a quota). Mailboxes updated with an `enabled` value take their
self-alias along, as `set_mailbox_enabled` does.

Domain rows may set the domain's limits (`limits.services`); the file is held to them —
the limits of its own domain rows included — with the domains' limits rows locked in the
writing transaction. Passing a limit is an error of the file unless the import is run with
`over_limit` (a superuser who confirmed); a new mailbox without a quota cell gets the
domain's default quota.
"""

import ctypes
import os
import signal
import socket
import stat
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol, TextIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext, pgettext

from aliases.models import Alias
from aliases.services import (
    destination_text,
    normalize_source,
    parse_destinations,
    validate_source_domain,
)
from audit.services import Actor, record
from bulk.csvformat import ROW_KINDS, FormatError, Row, read_rows
from domains.models import PASSWORD_COLUMNS, Domain, Mailbox
from domains.services import (
    follow_mailbox,
    new_mailbox_row,
    self_alias_fields,
    validate_mail_password,
    validate_transport,
)
from limits import services as limits
from limits.models import DomainLimits
from mailadmin import maildirs, passwords, quota
from mailadmin.addresses import ALIAS_MAX, domain_of, normalize_address, normalize_domain

MODES = ("strict", "skip", "update")
BATCH = 1000
LOOKUP_CHUNK = 500
HASH_CHUNK = 200
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"0", "false", "no", "n", "off"}

WEAK_HASHES = "weak hashes kept (DES, MD5-crypt): upgraded when their owner logs in"
OVER_LIMIT = "over the limit, confirmed"
LIMITS_SET = "domain limits set"
# The notes' categories are the command's words; the result page says them in its language.
NOTE_LABELS = {
    WEAK_HASHES: gettext_lazy(
        "weak hashes kept (DES, MD5-crypt): upgraded when their owner logs in"
    ),
    OVER_LIMIT: gettext_lazy("over the limit, confirmed"),
    LIMITS_SET: gettext_lazy("domain limits set"),
}


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...


Progress = Callable[[str, int], AbstractContextManager[Bar]]


class NullBar:
    def update(self, n: int = 1) -> None:
        pass


@contextmanager
def no_progress(description: str, total: int) -> Iterator[Bar]:
    yield NullBar()


@dataclass(frozen=True)
class Problem:
    number: int
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ImportReport:
    source: str
    mode: str = "strict"
    dry_run: bool = False
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    errors: list[Problem] = field(default_factory=list)
    notes: dict[str, list[str]] = field(default_factory=dict)
    written: bool = False
    unavailable: str = ""  # the database stopped answering: why
    over_limit: list[str] = field(default_factory=list)  # limits passed, confirmed

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unavailable

    def note(self, category: str, detail: str) -> None:
        self.notes.setdefault(category, []).append(detail)

    def note_items(self) -> list[tuple[str, list[str]]]:
        """The notes with their categories in the page's language."""
        return [(str(NOTE_LABELS.get(c, c)), items) for c, items in self.notes.items()]

    def _part(self, name: str, counter: Counter) -> str:
        """One clause of the summary: what happened to how many rows of each kind."""
        words = {
            # Translators: a count of the import summary, e.g. "created 2 domains, ...".
            "domains": npgettext(
                "import", "%(count)s domain", "%(count)s domains", counter["domain"]
            ),
            "mailboxes": npgettext(
                "import", "%(count)s mailbox", "%(count)s mailboxes", counter["mailbox"]
            ),
            "aliases": npgettext(
                "import", "%(count)s alias", "%(count)s aliases", counter["alias"]
            ),
        }
        for key, kind in (("domains", "domain"), ("mailboxes", "mailbox"), ("aliases", "alias")):
            words[key] = words[key] % {"count": counter[kind]}
        # Translators: domains, mailboxes and aliases are counts such as "2 mailboxes".
        clauses = {
            "created": _("created %(domains)s, %(mailboxes)s, %(aliases)s"),
            "would create": _("would create %(domains)s, %(mailboxes)s, %(aliases)s"),
            "updated": _("updated %(domains)s, %(mailboxes)s, %(aliases)s"),
            "would be updated": _("would be updated %(domains)s, %(mailboxes)s, %(aliases)s"),
            "unchanged": _("unchanged %(domains)s, %(mailboxes)s, %(aliases)s"),
            "skipped": _("skipped %(domains)s, %(mailboxes)s, %(aliases)s"),
        }
        return clauses[name] % words

    def summary(self) -> str:
        """One line: the command prints it, the audit entry keeps it (in English, as the
        command runs untranslated and the entry is written untranslated) and the result page
        shows it in its language."""
        words = {"source": self.source, "reason": self.unavailable, "count": len(self.errors)}
        if self.unavailable:
            text = _(
                "Database unavailable (%(reason)s): nothing written from %(source)s. "
                "Run the import again when it answers."
            )
            return text % words
        if self.errors:
            if self.dry_run:
                text = ngettext(
                    "%(count)s bad row in %(source)s: nothing written (dry run).",
                    "%(count)s bad rows in %(source)s: nothing written (dry run).",
                    len(self.errors),
                )
            else:
                text = ngettext(
                    "%(count)s bad row in %(source)s: nothing written.",
                    "%(count)s bad rows in %(source)s: nothing written.",
                    len(self.errors),
                )
            return text % words
        parts = [self._part("would create" if self.dry_run else "created", self.created)]
        for name, counter in (
            ("updated", self.updated),
            ("unchanged", self.unchanged),
            ("skipped", self.skipped),
        ):
            if sum(counter.values()):
                label = "would be updated" if self.dry_run and name == "updated" else name
                parts.append(self._part(label, counter))
        # Translators: changes is a list of clauses separated by semicolons.
        words["changes"] = "; ".join(parts)
        if self.dry_run:
            return _("Dry run, nothing written. %(source)s: %(changes)s.") % words
        return _("%(source)s: %(changes)s.") % words

    def audit_data(self) -> dict:
        return {
            "source": self.source,
            "mode": self.mode,
            "created": dict(self.created),
            "updated": dict(self.updated),
            "unchanged": dict(self.unchanged),
            "skipped": dict(self.skipped),
            "notes": {category: len(items) for category, items in self.notes.items()},
            "over_limit": limits.english(self.over_limit),
        }


# --- field checks ------------------------------------------------------------------------
def _flag(row: Row, column: str, problems: list[str]) -> bool | None:
    text = row.get(column).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problems.append(
        _("%(column)s must be 1 or 0 (yes/no, true/false), not %(value)s.")
        % {"column": column, "value": repr(row.get(column))}
    )
    return None


def _check(problems: list[str], function, *args, **kwargs):
    try:
        return function(*args, **kwargs)
    except ValidationError as exc:
        problems.extend(exc.messages)
        return None


def _text(row: Row, column: str, limit: int, problems: list[str]) -> str | None:
    value = row.get(column).strip()
    if len(value) > limit:
        problems.append(
            _("%(column)s has at most %(limit)s characters.") % {"column": column, "limit": limit}
        )
    return value


def _maildir(value: str) -> None:
    maildirs.validate(value)  # the domain directory is checked in `resolve`


def _home(value: str) -> None:
    if (
        not value.startswith("/")
        or ".." in value.split("/")
        or any(ord(c) < 32 or ord(c) == 127 for c in value)
    ):
        raise ValidationError(
            _("home %(value)s must be an absolute path.") % {"value": repr(value)}
        )


def _unix_id(row: Row, column: str, problems: list[str]) -> int | None:
    text = row.get(column).strip()
    if not text:
        return None
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        problems.append(
            _("%(column)s must be a number from 0 to 65535, not %(value)s.")
            % {"column": column, "value": repr(text)}
        )
        return None
    return int(text)


def _crypt(value: str) -> None:
    if len(value) > 128 or passwords.scheme_of(value) is None:
        raise ValidationError(
            _(
                "crypt is not a hash the mail servers and the panel verify "
                "(SHA512-CRYPT, SHA256-CRYPT, bcrypt, MD5-crypt or DES)."
            )
        )


# --- passwords, on every core ------------------------------------------------------------
_PR_SET_PDEATHSIG = 1


def _close_listening_sockets() -> None:
    """A forked child must not keep the web server's listening socket open."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            if not stat.S_ISSOCK(os.fstat(fd).st_mode):
                continue
            with socket.socket(fileno=os.dup(fd)) as probe:
                listening = probe.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN)
        except OSError:
            continue
        if listening:
            os.close(fd)


def _init_worker(parent: int | None = None) -> None:
    """A pool child dies with its parent: a web worker killed past its timeout (SIGKILL)
    must not leave hashing children behind holding memory and the listening socket."""
    if parent is not None and os.path.isdir("/proc/self/fd"):  # Linux
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # it died before the line above
            os._exit(1)
        _close_listening_sockets()
    # gunicorn's handlers (inherited through fork) only mark the worker as stopping.
    for number in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT, signal.SIGHUP):
        signal.signal(number, signal.SIG_DFL)
    if not settings.configured:  # spawn/forkserver start methods: set Django up again
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailadmin.settings")
        django.setup()


def check_passwords(
    jobs: list[tuple[str, str, str]], hash_them: bool
) -> list[tuple[str | None, str | None]]:
    """(hash or None, error or None) for each (address, name, password)."""
    results: list[tuple[str | None, str | None]] = []
    for address, name, password in jobs:
        try:
            validate_mail_password(password, address, name)
        except ValidationError as exc:
            results.append((None, " ".join(exc.messages)))
            continue
        results.append((passwords.hash_password(password) if hash_them else None, None))
    return results


def _run_password_jobs(
    jobs: list[tuple[str, str, str]], hash_them: bool, progress: Progress
) -> list[tuple[str | None, str | None]]:
    workers = os.cpu_count() or 1
    description = "hashing passwords" if hash_them else "checking passwords"
    with progress(description, len(jobs)) as bar:
        if workers == 1 or len(jobs) < 2 * HASH_CHUNK:
            results = []
            for start in range(0, len(jobs), HASH_CHUNK):
                chunk = jobs[start : start + HASH_CHUNK]
                results.extend(check_passwords(chunk, hash_them))
                bar.update(len(chunk))
            return results
        chunks = [jobs[s : s + HASH_CHUNK] for s in range(0, len(jobs), HASH_CHUNK)]
        results = []
        with ProcessPoolExecutor(
            max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),)
        ) as pool:
            for chunk, done in zip(
                chunks, pool.map(check_passwords, chunks, [hash_them] * len(chunks)), strict=True
            ):
                results.extend(done)
                bar.update(len(chunk))
        return results


# --- the plan ----------------------------------------------------------------------------
@dataclass
class _Item:
    row: Row
    key: str
    obj: object
    fields: set[str]
    password: str = ""
    previous: tuple = ()  # (enabled, quota) of the row an update rewrites
    limits: dict = field(default_factory=dict)  # a domain row's limits cells, parsed


def _fetch(model, column: str, keys: Iterable[str]) -> dict:
    keys = list(keys)
    found = {}
    for start in range(0, len(keys), LOOKUP_CHUNK):
        chunk = keys[start : start + LOOKUP_CHUNK]
        for obj in model.objects.filter(**{f"{column}__in": chunk}):
            found[getattr(obj, column)] = obj
    return found


class _Plan:
    def __init__(self, report: ImportReport):
        self.report = report
        self.domains: dict[str, _Item] = {}
        self.mailboxes: dict[str, _Item] = {}
        self.aliases: dict[str, _Item] = {}
        self.new: dict[str, list] = {"domain": [], "mailbox": [], "alias": []}
        self.changed: dict[str, list] = {"domain": [], "mailbox": [], "alias": []}
        self.mailbox_fields: set[str] = set()
        self.password_items: list[_Item] = []

    def error(self, row: Row, messages: list[str] | str) -> None:
        if isinstance(messages, str):
            messages = [messages]
        self.report.errors.append(Problem(row.number, row.where, " ".join(messages)))

    def _keep(self, table: dict, kind: str, row: Row, key: str, obj, fields: set[str]) -> _Item:
        if key in table:
            texts = {
                "domain": _("Domain %(key)s is already on %(where)s."),
                "mailbox": _("Mailbox %(key)s is already on %(where)s."),
                "alias": _("Alias %(key)s is already on %(where)s."),
            }
            self.error(row, texts[kind] % {"key": key, "where": table[key].row.where})
            return _Item(row, key, obj, fields)  # not kept
        table[key] = _Item(row, key, obj, fields)
        return table[key]

    # Each reader checks one row on its own; what needs the other rows or the database
    # comes in `resolve`.
    def read_domain(self, row: Row) -> None:
        problems: list[str] = []
        name = _check(problems, normalize_domain, row.get("address"))
        transport = row.get("transport").strip()
        if transport:
            _check(problems, validate_transport, transport)
        enabled = _flag(row, "enabled", problems)
        limit_values = self._limit_cells(row, problems)
        if problems:
            return self.error(row, problems)
        fields = {
            f for f, v in (("transport", transport), ("enabled", enabled)) if v not in ("", None)
        }
        domain = Domain(
            domain=name,
            transport=transport or "virtual:",
            enabled=True if enabled is None else enabled,
        )
        self._keep(self.domains, "domain", row, name, domain, fields).limits = limit_values

    LIMIT_CELLS = (
        ("max_mailboxes", "mailboxes", limits.parse_count),
        ("max_aliases", "aliases", limits.parse_count),
        ("max_quota", "max_quota", limits.parse_size),
        ("total_quota", "total_quota", limits.parse_size),
        ("default_quota", "default_quota", lambda value, label: quota.parse(value)),
    )

    def _limit_cells(self, row: Row, problems: list[str]) -> dict:
        """The limits a domain row sets: only its non-empty cells ('unlimited' clears one)."""
        values = {}
        for column, key, parse in self.LIMIT_CELLS:
            if row.get(column).strip():
                values[key] = _check(problems, parse, row.get(column), column)
        return values

    def read_mailbox(self, row: Row) -> None:
        problems: list[str] = []
        address = _check(problems, normalize_address, row.get("address"), max_length=ALIAS_MAX)
        values: dict = {}
        values["name"] = _text(row, "name", 128, problems)
        values["quota"] = _check(problems, quota.parse, row.get("quota"))
        values["enabled"] = _flag(row, "enabled", problems)
        values["change_password"] = _flag(row, "change_password", problems)
        password, crypt = row.get("password"), row.get("crypt").strip()
        if password and crypt:
            problems.append(_("Give either a password or a crypt, not both."))
        elif crypt:
            _check(problems, _crypt, crypt)
            values["crypt"] = crypt
        for column, check, limit in (("maildir", _maildir, 255), ("home", _home, 255)):
            text = _text(row, column, limit, problems)
            if text:
                _check(problems, check, text)
                values[column] = text
        values["uid"] = _unix_id(row, "uid", problems)
        values["gid"] = _unix_id(row, "gid", problems)
        for column in ("procmailrc", "spamassassinrc"):
            values[column] = _text(row, column, 128, problems)
        if problems:
            return self.error(row, problems)
        # With --update, a column left empty keeps the current value.
        fields = {column for column in values if row.get(column).strip()}
        mailbox = new_mailbox_row(address, crypt=values.get("crypt", ""))
        for column in fields - {"crypt"}:
            setattr(mailbox, column, values[column])
        if password:
            fields.add("crypt")
        self._keep(self.mailboxes, "mailbox", row, address, mailbox, fields).password = password

    def read_alias(self, row: Row) -> None:
        problems: list[str] = []
        source = _check(problems, normalize_source, row.get("address"))
        targets = _check(problems, parse_destinations, row.get("destination"))
        destination = None
        if source and targets:
            destination = _check(problems, destination_text, source, targets)
        enabled = _flag(row, "enabled", problems)
        if problems:
            return self.error(row, problems)
        fields = {"destination"} | ({"enabled"} if enabled is not None else set())
        alias = Alias(mail=source, destination=destination, enabled=enabled is not False)
        self._keep(self.aliases, "alias", row, source, alias, fields)

    def read(self, row: Row) -> None:
        if row.kind == "!":
            self.error(row, row.get("!"))
        elif row.kind in ROW_KINDS:
            getattr(self, f"read_{row.kind}")(row)
        else:
            text = _("kind must be domain, mailbox or alias, not %(kind)s.")
            self.error(row, text % {"kind": repr(row.get("kind"))})

    # --- against the database ----------------------------------------------------------
    def _existing(self, kind: str, item: _Item) -> bool:
        """True when the row should update `existing`; records skips and errors."""
        mode = self.report.mode
        if mode == "strict":
            texts = {
                "domain": _("Domain %(key)s already exists (use --skip-existing or --update)."),
                "mailbox": _("Mailbox %(key)s already exists (use --skip-existing or --update)."),
                "alias": _("Alias %(key)s already exists (use --skip-existing or --update)."),
            }
            self.error(item.row, texts[kind] % {"key": item.key})
        elif mode == "skip":
            self.report.skipped[kind] += 1
        return mode == "update"

    def _apply(self, kind: str, existing, item: _Item) -> None:
        item.previous = (bool(existing.enabled), getattr(existing, "quota", ""))
        changed = [
            f for f in item.fields - {"crypt"} if getattr(existing, f) != getattr(item.obj, f)
        ]
        for column in changed:
            setattr(existing, column, getattr(item.obj, column))
        # A password is hashed later: always a new hash.
        if "crypt" in item.fields and (item.password or existing.crypt != item.obj.crypt):
            existing.set_crypt(item.obj.crypt)
            changed += PASSWORD_COLUMNS
        if changed:
            self.changed[kind].append(existing)
            self.report.updated[kind] += 1
            if kind == "mailbox":
                self.mailbox_fields.update(changed)
        else:
            self.report.unchanged[kind] += 1
        item.obj = existing

    def resolve(self) -> None:
        hosted = set(Domain.objects.values_list("domain", flat=True))
        existing = _fetch(Domain, "domain", self.domains)
        for name, item in self.domains.items():
            if name not in existing:
                self.new["domain"].append(item.obj)
                self.report.created["domain"] += 1
            elif self._existing("domain", item):
                self._apply("domain", existing[name], item)
            else:
                item.limits = {}  # skipped: its limits stay as they are
        hosted |= set(self.domains)

        mailboxes = _fetch(Mailbox, "address", self.mailboxes)
        aliases = _fetch(Alias, "mail", set(self.aliases) | set(self.mailboxes))
        own_alias_rows: set[str] = set()
        for address, item in self.mailboxes.items():
            domain = domain_of(address)
            maildir_problems: list[str] = []
            if "maildir" in item.fields:
                _check(maildir_problems, maildirs.validate, item.obj.maildir, address, hosted)
            if domain not in hosted:
                text = _("Domain %(domain)s is not hosted here: add a domain row.")
                self.error(item.row, text % {"domain": domain})
            elif maildir_problems:
                self.error(item.row, maildir_problems)
            elif address in mailboxes:
                if self._existing("mailbox", item):
                    self._apply("mailbox", mailboxes[address], item)
                    if item.password:
                        self.password_items.append(item)
                    self._follow_enabled(item, aliases.get(address))
            elif address in aliases:
                text = _("%(address)s is already an alias; remove it before adding a mailbox.")
                self.error(item.row, text % {"address": address})
            elif not item.password and "crypt" not in item.fields:
                self.error(item.row, _("A new mailbox needs a password or a crypt."))
            else:
                self.new["mailbox"].append(item.obj)
                self.report.created["mailbox"] += 1
                if item.password:
                    self.password_items.append(item)
                if address in self.aliases:
                    own_alias_rows.add(address)  # its alias row comes from the file
                else:
                    self.new["alias"].append(Alias(**self_alias_fields(item.obj)))

        for source, item in self.aliases.items():
            domain_problems: list[str] = []
            _check(domain_problems, validate_source_domain, source, hosted)
            if domain_problems:
                self.error(item.row, domain_problems)
            elif source in own_alias_rows:
                if "enabled" not in item.fields:  # a mailbox's own row follows the mailbox
                    item.obj.enabled = bool(self.mailboxes[source].obj.enabled)
                self.new["alias"].append(item.obj)
                self.report.created["alias"] += 1
            elif source in aliases:
                if self._existing("alias", item):
                    self._apply("alias", aliases[source], item)
            else:
                self.new["alias"].append(item.obj)
                self.report.created["alias"] += 1

        for item in self.new["mailbox"]:
            if passwords.scheme_of(item.crypt) in passwords.WEAK_SCHEMES:
                self.report.note(WEAK_HASHES, item.address)
        self._default_quotas()

    def _file_limits(self, name: str, current: DomainLimits | None) -> DomainLimits | None:
        """A domain's limits once the file's domain row is applied (unsaved)."""
        values = self.domains[name].limits if name in self.domains else {}
        if not values:
            return current
        merged = DomainLimits(**limits.snapshot(current))
        for key, value in values.items():
            setattr(merged, key, value)
        return merged

    def _default_quotas(self) -> None:
        """A new mailbox without a quota cell gets its domain's default quota."""
        names = {domain_of(m.address) for m in self.new["mailbox"]}
        current = {
            limit.domain.domain: limit
            for limit in DomainLimits.objects.filter(domain__domain__in=list(names))
            .exclude(default_quota="")
            .select_related("domain")
        }
        for mailbox in self.new["mailbox"]:
            name = domain_of(mailbox.address)
            merged = self._file_limits(name, current.get(name))
            item = self.mailboxes[mailbox.address]
            if merged is not None and merged.default_quota and "quota" not in item.fields:
                mailbox.quota = merged.default_quota

    def limit_changes(self) -> dict[str, limits.Change]:
        """What the file adds to each domain, in the terms of `limits.Change`."""
        mailbox_rows = set(self.mailboxes)
        counts: dict[str, list] = {}

        def add(name: str, mailboxes=0, aliases=0, added=(), removed=()):
            entry = counts.setdefault(name, [0, 0, [], []])
            entry[0] += mailboxes
            entry[1] += aliases
            entry[2].extend(added)
            entry[3].extend(removed)

        for mailbox in self.new["mailbox"]:
            add(domain_of(mailbox.address), int(bool(mailbox.enabled)), added=[mailbox.quota])
        for item in self.mailboxes.values():
            if not item.previous:
                continue
            was_enabled, old_quota = item.previous
            name = domain_of(item.key)
            add(name, int(bool(item.obj.enabled) and not was_enabled))
            if item.obj.quota != old_quota:
                add(name, added=[item.obj.quota], removed=[old_quota])
        own_rows = mailbox_rows | set(
            Mailbox.objects.filter(
                address__in=[i.key for i in self.aliases.values() if i.previous]
            ).values_list("address", flat=True)
        )
        for alias in self.new["alias"]:
            if alias.enabled and alias.mail != alias.destination and alias.mail not in own_rows:
                add(domain_of(alias.mail), aliases=1)
        for item in self.aliases.values():
            turned_on = item.previous and not item.previous[0] and item.obj.enabled
            if turned_on and item.key not in own_rows and item.obj.mail != item.obj.destination:
                add(domain_of(item.key), aliases=1)
        return {
            name: limits.Change(m, a, tuple(added), tuple(removed))
            for name, (m, a, added, removed) in counts.items()
        }

    def hold_limits(self, over_limit: bool) -> list[str]:
        """Lock the touched domains' limits rows and check the file against them; the limits
        passed (errors of the report unless `over_limit`)."""
        changes = self.limit_changes()
        names = set(changes) | {n for n, item in self.domains.items() if item.limits}
        locked = limits.lock_many(names)
        passed = []
        for name, change in sorted(changes.items()):
            merged = self._file_limits(name, locked.get(name))
            passed += limits.check(name, merged, change, over_limit=True)
        for message in passed:
            if over_limit:
                self.report.note(OVER_LIMIT, message)
            else:
                # Translators: where a problem of an import is: the domains' limits.
                self.report.errors.append(Problem(0, pgettext("import", "limits"), message))
        return passed

    def write_limits(self) -> None:
        """Save the limits the file's domain rows set (after the domains are written)."""
        wanted = {name: item.limits for name, item in self.domains.items() if item.limits}
        if not wanted:
            return
        domains = {d.domain: d for d in Domain.objects.filter(domain__in=list(wanted))}
        current = limits.lock_many(wanted)
        for name, values in wanted.items():
            row = current.get(name) or DomainLimits(domain=domains[name])
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
            self.report.note(LIMITS_SET, name)

    def _follow_enabled(self, item: _Item, alias: Alias | None) -> None:
        """An updated mailbox's self-alias follows it (`follow_mailbox`), unless a row of the
        file sets that alias."""
        if item.key not in self.aliases and follow_mailbox(item.obj, alias):
            self.changed["alias"].append(alias)


# --- running it --------------------------------------------------------------------------
def _write(plan: _Plan, progress: Progress) -> None:
    models = {"domain": Domain, "mailbox": Mailbox, "alias": Alias}
    update_fields = {
        "domain": ["transport", "enabled"],
        "mailbox": sorted(plan.mailbox_fields),
        "alias": ["destination", "enabled"],
    }
    total = sum(len(v) for v in plan.new.values()) + sum(len(v) for v in plan.changed.values())
    with progress("writing", total) as bar:
        for kind, model in models.items():
            rows = plan.new[kind]
            for start in range(0, len(rows), BATCH):
                model.objects.bulk_create(rows[start : start + BATCH])
                bar.update(len(rows[start : start + BATCH]))
            rows = plan.changed[kind]
            if rows and update_fields[kind]:
                for start in range(0, len(rows), BATCH):
                    model.objects.bulk_update(rows[start : start + BATCH], update_fields[kind])
                    bar.update(len(rows[start : start + BATCH]))
    plan.write_limits()


def run_import(
    rows: Iterable[Row],
    *,
    actor: Actor,
    source: str,
    mode: str = "strict",
    dry_run: bool = False,
    progress: Progress = no_progress,
    report: ImportReport | None = None,
    total: int | None = None,
    over_limit: bool = False,
) -> ImportReport:
    """Validate every row, then (unless a row is bad or it is a dry run) write them all."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    report = report or ImportReport(source)
    report.source, report.mode, report.dry_run = source, mode, dry_run
    plan = _Plan(report)
    with progress("checking rows", total or 0) as bar:
        for row in rows:
            plan.read(row)
            bar.update(1)
    try:
        return _resolve_and_write(
            plan, actor, source, dry_run=dry_run, progress=progress, over_limit=over_limit
        )
    except (OperationalError, InterfaceError) as exc:  # unreachable, not a bad row
        report.unavailable = str(exc) or type(exc).__name__
        report.written = False
        return report


def _resolve_and_write(
    plan: _Plan,
    actor: Actor,
    source: str,
    *,
    dry_run: bool,
    progress: Progress,
    over_limit: bool = False,
) -> ImportReport:
    report = plan.report
    plan.resolve()
    if plan.password_items:
        jobs = [(i.key, i.obj.name, i.password) for i in plan.password_items]
        hash_them = not dry_run and not report.errors
        for item, (crypt, error) in zip(
            plan.password_items, _run_password_jobs(jobs, hash_them, progress), strict=True
        ):
            if error:
                plan.error(item.row, error)
            elif crypt:
                item.obj.set_crypt(crypt)
    report.errors.sort(key=lambda p: p.number)
    if report.errors:
        return report
    if dry_run:
        with transaction.atomic():
            report.over_limit = plan.hold_limits(over_limit)
        return report
    try:
        with transaction.atomic():
            report.over_limit = plan.hold_limits(over_limit)
            if report.errors:
                return report
            _write(plan, progress)
            record(
                actor,
                "import",
                "bulk",
                source,
                after=report.audit_data(),
                message=_untranslated(report.summary),
            )
    except (OperationalError, InterfaceError):
        raise
    except DatabaseError as exc:
        report.errors.append(
            Problem(
                0,
                # Translators: where a problem of an import is: the database.
                pgettext("import", "database"),
                _(
                    "the database refused the rows (%(error)s); nothing was written. "
                    "Did someone change it during the import? Run the import again."
                )
                % {"error": exc},
            )
        )
        return report
    report.written = True
    return report


def _untranslated(text: Callable[[], str]) -> str:
    """`text()` as written in the code: the audit log keeps its records in English."""
    with translation.override(None):
        return text()


def passwords_to_hash(rows: Iterable[Row]) -> int:
    """How many rows carry a clear password (the costly part of an import)."""
    return sum(1 for row in rows if row.kind == "mailbox" and row.get("password"))


def import_csv(stream: TextIO, **kwargs) -> ImportReport:
    """`run_import` over a CSV stream; a bad header is reported as line 1."""
    report = ImportReport(kwargs["source"])
    try:
        rows = list(read_rows(stream))
    except FormatError as exc:
        report.mode = kwargs.get("mode", "strict")
        report.dry_run = kwargs.get("dry_run", False)
        # Translators: where a problem of an import is: the file itself.
        report.errors.append(Problem(1, pgettext("import", "file"), str(exc)))
        return report
    return run_import(rows, report=report, total=len(rows), **kwargs)
