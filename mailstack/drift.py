"""Drift between the panel and the live mail servers (`mail config diff`).

The live settings are read where the mail servers read them: Postfix's main.cf through
`postconf` (`-n`, and `-d` for the defaults of what is not set), the MySQL map files the live
main.cf names, Courier's `authmysqlrc` and Dovecot's SQL settings (2.3: dovecot-sql.conf.ext
and auth-sql.conf.ext; 2.4: auth-sql.conf.ext). They are compared with whatever
`mailstack.config.generate` writes for the same directories, file by file and parameter by
parameter, semantically: whitespace and list separators do not count, map files and Dovecot's
settings are compared key by key, queries with their whitespace normalised. Passwords are
compared, never printed.

Compared in main.cf: every parameter the panel generates, and the parameters that decide where
mail for an address goes or who may send as it (ROUTING_PARAMETERS) when the live main.cf sets
them; anything else a server sets (queue, TLS, a test instance's own settings) is its own.

Each difference has a severity: `routing` (the tracer's answers may be wrong: the delimiter,
the alias, mailbox, domain, transport and relay maps and their queries, the alias map style),
`warning` (logins, storage, the database password: the servers may behave differently, mail
goes where the tracer says), `info` (what was not compared).
"""

import re
import subprocess
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from django.core.exceptions import ValidationError

from mailstack import config
from routing import extensions
from routing.styles import STYLES

ROUTING = "routing"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ROUTING, WARNING, INFO)

# Postfix parameters that change where mail for an address goes (or who may send as it).
ROUTING_PARAMETERS = frozenset(
    {
        "mydestination",
        "local_recipient_maps",
        "virtual_mailbox_domains",
        "virtual_mailbox_maps",
        "virtual_alias_domains",
        "virtual_alias_maps",
        "virtual_alias_recursion_limit",
        "virtual_transport",
        "transport_maps",
        "relay_domains",
        "relay_recipient_maps",
        "recipient_delimiter",
        "propagate_unmatched_extensions",
        "canonical_maps",
        "recipient_canonical_maps",
        "sender_canonical_maps",
        "smtpd_sender_login_maps",
    }
)
# Submission-service options (master.cf -o) that decide who may send as an address.
SENDER_OVERRIDES = frozenset({"smtpd_sender_restrictions", "smtpd_sender_login_maps"})
SECRET_KEYS = frozenset({"password", "mysql_password"})
# Keys whose values are SQL (Postfix's query, Courier's MYSQL_WHERE_CLAUSE and *_FIELD,
# Dovecot's *query): compared with normalize_sql.
SQL_KEY_ENDINGS = ("query", "where_clause", "_field")


@dataclass(frozen=True)
class Difference:
    severity: str
    product: str  # postfix, courier, dovecot
    where: str  # a main.cf parameter, or a file and a key in it
    message: str

    def line(self) -> str:
        return f"{self.severity}: {self.product} {self.where}: {self.message}"


@dataclass(frozen=True)
class Live:
    """Where the live configuration is read."""

    postfix_dir: str = "/etc/postfix"
    courier_dir: str = "/etc/courier"
    dovecot_dir: str = "/etc/dovecot"
    postconf: str = "postconf"


@dataclass
class Report:
    live: dict  # what the live configuration uses: style, recipient_delimiter, dovecot_version
    panel: dict  # what the panel assumes and generates
    differences: list[Difference] = field(default_factory=list)

    @property
    def changes_routing(self) -> bool:
        return any(d.severity == ROUTING for d in self.differences)

    def as_dict(self) -> dict:
        return {
            "live": self.live,
            "panel": self.panel,
            "changes_routing": self.changes_routing,
            "differences": [asdict(d) for d in self.differences],
        }


# --- normalising values --------------------------------------------------------------------
def postfix_tokens(value: str) -> list[str]:
    """A Postfix list value as its elements: separated by commas and whitespace, a
    `{ ... }` group (an inline: map) kept whole, `proxy:` (same lookups, through proxymap)
    dropped."""
    tokens, current, depth = [], "", 0
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        if depth == 0 and (char == "," or char.isspace()):
            if current:
                tokens.append(current)
            current = ""
            continue
        current += char
    if current:
        tokens.append(current)
    return [" ".join(t.removeprefix("proxy:").split()) for t in tokens]


def normalize_sql(value: str) -> str:
    """A query (or a WHERE clause, a field expression) with its whitespace normalised."""
    text = " ".join(value.split())
    return re.sub(r"\s*([,()=])\s*", r"\1", text)


def normalize_hosts(value: str) -> list[str]:
    """Postfix's `hosts` of a mysql map: `inet:127.0.0.1:3306` is `127.0.0.1`."""
    return [re.sub(r":3306$", "", h.removeprefix("inet:")) for h in postfix_tokens(value)]


def _name(key: str) -> str:
    """The setting's own name in a flattened key (`mysql/password` → `password`)."""
    return key.rsplit("/", 1)[-1].lower()


def _same(key: str, live: str, expected: str) -> bool:
    if _name(key) == "hosts":
        return normalize_hosts(live) == normalize_hosts(expected)
    if _name(key).endswith(SQL_KEY_ENDINGS):
        return normalize_sql(live) == normalize_sql(expected)
    return postfix_tokens(live) == postfix_tokens(expected)


def _secret(key: str) -> bool:
    return _name(key) in SECRET_KEYS


def _shown(value: str) -> str:
    return f'"{" ".join(value.split())}"'


# --- parsing -------------------------------------------------------------------------------
def parse_postfix(text: str) -> dict[str, str]:
    """`name = value` lines (main.cf, a mysql map file): comments and blank lines skipped, a
    line starting with whitespace continues the one before."""
    values: dict[str, str] = {}
    last = None
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace() and last:
            values[last] += " " + raw.strip()
            continue
        name, sep, value = raw.partition("=")
        if sep:
            last = name.strip()
            values[last] = value.strip()
    return values


def parse_master(text: str) -> dict[tuple[str, str], dict[str, str]]:
    """master.cf: {(service name, type): {parameter: value}} of each entry's `-o` options;
    a line starting with whitespace continues the entry before."""
    entries: list[list[str]] = []
    for raw in text.splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if raw[0].isspace() and entries:
            entries[-1] += raw.split()
        else:
            entries.append(raw.split())
    services: dict[tuple[str, str], dict[str, str]] = {}
    for fields in entries:
        if len(fields) < 8:
            continue
        options, args = {}, fields[8:]
        for flag, value in zip(args, args[1:], strict=False):
            if flag == "-o" and "=" in value:
                name, _, setting = value.partition("=")
                options[name.strip()] = setting.strip()
        services[(fields[0], fields[1])] = options
    return services


def parse_courier(text: str) -> dict[str, str]:
    """authmysqlrc: `NAME<whitespace>value` lines, `#` comments."""
    values = {}
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            name, _, value = line.replace("\t", " ").partition(" ")
            values[name] = value.strip()
    return values


def parse_dovecot(text: str) -> dict[str, str]:
    """Dovecot's settings flattened to `section/…/key`: `passdb sql { query = … }` is
    `passdb sql/query`; 2.4's connection section `mysql HOST { … }` is `mysql/…` with
    `mysql/host`; 2.3's `connect = host=… dbname=…` is `connect/host`, `connect/dbname`, …;
    `!include` lines skipped."""
    values: dict[str, str] = {}
    stack: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "!")):
            continue
        if line.endswith("{"):
            header = line[:-1].split()
            if header and header[0] == "mysql" and len(header) > 1:
                stack.append("mysql")
                values["/".join(stack + ["host"])] = header[1]
            else:
                stack.append(" ".join(header))
            continue
        if line == "}":
            if stack:
                stack.pop()
            continue
        name, sep, value = line.partition("=")
        if not sep:
            continue
        key = "/".join(stack + [name.strip()])
        value = value.strip().strip('"')
        if key == "connect":
            for part in value.split():
                sub, _, setting = part.partition("=")
                values[f"connect/{sub}"] = setting
            continue
        values[key] = value
    return values


# --- reading the live configuration --------------------------------------------------------
def run_postconf(live: Live, *args: str) -> dict[str, str]:
    """`postconf -c DIR ARGS` as {parameter: value}; ValidationError when it cannot run."""
    command = [live.postconf, "-c", live.postfix_dir, *args]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise ValidationError(f"Cannot run {live.postconf}: {exc}.") from None
    if result.returncode != 0:
        errors = [ln for ln in result.stderr.splitlines() if "fatal" in ln] or [
            result.stderr.strip() or f"exit {result.returncode}"
        ]
        raise ValidationError(f"{live.postconf} -c {live.postfix_dir} failed: {errors[0]}")
    return parse_postfix(result.stdout)


def _read(path: Path) -> tuple[str | None, str]:
    """(the text, '') or (None, why it cannot be read)."""
    try:
        return path.read_text(errors="replace"), ""
    except FileNotFoundError:
        return None, "the file is missing"
    except OSError as exc:
        return None, f"the file cannot be read ({exc.strerror})"


def dovecot_file(live: Live, name: str) -> Path:
    """Where a Dovecot file lives: the Dovecot directory, else its conf.d."""
    direct = Path(live.dovecot_dir) / name
    nested = Path(live.dovecot_dir) / "conf.d" / name
    return nested if not direct.exists() and nested.exists() else direct


def live_dovecot_version(live: Live) -> str:
    """The Dovecot layout of the live files: 2.3 keeps its SQL in dovecot-sql.conf.ext,
    2.4 in auth-sql.conf.ext (`sql_driver`, `passdb sql { … }`); else what is installed."""
    if (Path(live.dovecot_dir) / "dovecot-sql.conf.ext").exists():
        return "2.3"
    text, _ = _read(dovecot_file(live, "auth-sql.conf.ext"))
    if text is not None:
        if re.search(r"^\s*(sql_driver\b|passdb\s+sql\s*\{)", text, re.M):
            return "2.4"
        if re.search(r"^\s*driver\s*=\s*sql\b", text, re.M):
            return "2.3"
    return config.installed_dovecot_version() or "2.3"


# --- comparing -----------------------------------------------------------------------------
def compare_values(product, where, live: dict, expected: dict, severity) -> list[Difference]:
    """Key-by-key differences of two parsed files."""
    found = []
    for key in sorted(expected.keys() | live.keys()):
        spot = f"{where}: {key}"
        secret = _secret(key)
        if key not in live:
            message = "not set; the panel sets it."
        elif key not in expected:
            shown = "(value not shown)" if secret else f"to {_shown(live[key])}"
            message = f"set {shown}; the panel does not set it."
        elif _same(key, live[key], expected[key]):
            continue
        elif secret:
            message = "the password differs from the panel's (not shown)."
        else:
            message = f"the live value is {_shown(live[key])}; the panel writes "
            message += f"{_shown(expected[key])}."
        found.append(Difference(WARNING if secret else severity, product, spot, message))
    return found


def _map_file(entry: str) -> str | None:
    """The file of a `mysql:` map entry, else None."""
    kind, _, path = entry.partition(":")
    return path if kind == "mysql" and path else None


class _Postfix:
    def __init__(self, target: config.Target, live: Live):
        self.target, self.live = target, live
        self.files = config.generate("postfix", target)
        self.expected: dict[str, str] = {}
        for name, text in self.files.items():
            if name.startswith("main.cf"):
                self.expected.update(parse_postfix(text))
        self.explicit = run_postconf(live, "-n")
        names = set(self.expected) | (ROUTING_PARAMETERS & set(self.explicit))
        unset = sorted(n for n in names if n not in self.explicit or n not in self.expected)
        self.defaults = run_postconf(live, "-d", *unset) if unset else {}
        self.names = sorted(names)

    def value(self, name: str) -> str:
        return self.explicit.get(name, self.defaults.get(name, ""))

    def expected_value(self, name: str) -> str:
        return self.expected.get(name, self.defaults.get(name, ""))

    def severity(self, name: str) -> str:
        return ROUTING if name in ROUTING_PARAMETERS else WARNING

    def differences(self) -> list[Difference]:
        found, compared = [], set()
        for name in self.names:
            live = postfix_tokens(self.value(name))
            expected = postfix_tokens(self.expected_value(name))
            found += self.compare_parameter(name, live, expected)
            for entry in (e for e in live if e in expected):
                path = _map_file(entry)
                if path and Path(path).name in self.files and path not in compared:
                    compared.add(path)
                    found += self.compare_map(path, self.severity(name))
        for name in self.files:
            if name == "master.cf.mailadmin":
                found += self.compare_master(self.files[name])
            elif name == "mailadmin-vacation.url":
                found += self.compare_secret_file(name)
            elif not name.startswith("main.cf") and not name.endswith(".cf"):
                found.append(Difference(INFO, "postfix", name, "not compared (check it by hand)."))
        return found

    def compare_secret_file(self, name: str) -> list[Difference]:
        """A file of one secret value (the vacation responder's database URL): the same or
        not, never shown."""
        path = Path(self.live.postfix_dir) / name
        text, why = _read(path)
        if text is None:
            return [Difference(WARNING, "postfix", str(path), why + "; the panel writes it.")]
        if text.strip() == self.files[name].strip():
            return []
        message = "differs from what the panel writes (the value is not shown)."
        return [Difference(WARNING, "postfix", str(path), message)]

    def compare_master(self, generated: str) -> list[Difference]:
        """The generated services against the live master.cf: their `-o` options (those
        that decide who may send as an address are routing differences)."""
        path = Path(self.live.postfix_dir) / "master.cf"
        text, why = _read(path)
        if text is None:
            return [Difference(WARNING, "postfix", str(path), why + "; the panel adds to it.")]
        live = parse_master(text)
        found = []
        for (service, kind), expected in parse_master(generated).items():
            spot = f"master.cf {service}/{kind}"
            if (service, kind) not in live:
                message = "the panel's service is missing: logged-in clients are not held to "
                message += "the addresses they own."
                found.append(Difference(WARNING, "postfix", spot, message))
                continue
            options = live[(service, kind)]
            for name in sorted(set(expected) | (SENDER_OVERRIDES & set(options))):
                have, want = options.get(name), expected.get(name)
                if have is not None and want is not None and _same(name, have, want):
                    continue
                severity = ROUTING if name in SENDER_OVERRIDES else WARNING
                if want is None:
                    message = f"the live service sets {_shown(have)}; the panel does not."
                elif have is None:
                    message = f"not set; the panel sets {_shown(want)}."
                else:
                    message = f"the live value is {_shown(have)}; the panel writes {_shown(want)}."
                found.append(Difference(severity, "postfix", f"{spot} -o {name}", message))
        return found

    def compare_parameter(self, name: str, live: list, expected: list) -> list[Difference]:
        if live == expected:
            return []
        severity, spot = self.severity(name), f"main.cf {name}"
        if not any(":" in e for e in live + expected):  # a value, not a list of maps
            message = f"the live value is {_shown(' '.join(live))}; the panel writes "
            message += f"{_shown(' '.join(expected))}."
            return [Difference(severity, "postfix", spot, message)]
        found = []
        for entry in live:
            if entry not in expected:
                if ":" in entry:
                    message = f"a map the panel does not know: {entry} (the panel does not "
                    message += "write it)."
                else:
                    message = f"{entry} is listed here; the panel does not write it."
                found.append(Difference(severity, "postfix", spot, message))
        for entry in expected:
            if entry not in live:
                message = f"{entry} is missing (the panel writes it)."
                found.append(Difference(severity, "postfix", spot, message))
        if not found:
            message = f"the live order is {', '.join(live)}; the panel writes "
            message += f"{', '.join(expected)} (the first match wins)."
            found.append(Difference(severity, "postfix", spot, message))
        return found

    def compare_map(self, path: str, severity: str) -> list[Difference]:
        text, why = _read(Path(path))
        if text is None:
            return [Difference(severity, "postfix", path, why + "; the panel writes it.")]
        expected = parse_postfix(self.files[Path(path).name])
        return compare_values("postfix", path, parse_postfix(text), expected, severity)

    def style(self) -> str | None:
        """The panel's alias map style the live virtual_alias_maps queries are, else None."""
        queries = []
        for entry in postfix_tokens(self.value("virtual_alias_maps")):
            path = _map_file(entry)
            text, _ = _read(Path(path)) if path else (None, "")
            if text is not None:
                queries.append(normalize_sql(parse_postfix(text).get("query", "")))
        by_style = {s: self._style_queries(s) for s in STYLES}
        known = {q for qs in by_style.values() for q in qs}
        panel_queries = [q for q in queries if q in known]
        return next((s for s, qs in by_style.items() if qs == panel_queries), None)

    def _style_queries(self, style: str) -> list[str]:
        target = replace(self.target, style=style)
        files = config.generate("postfix", target)
        main = {}
        for name, text in files.items():
            if name.startswith("main.cf"):
                main.update(parse_postfix(text))
        queries = []
        for entry in postfix_tokens(main.get("virtual_alias_maps", "")):
            path = _map_file(entry)
            if path and Path(path).name in files:
                queries.append(normalize_sql(parse_postfix(files[Path(path).name])["query"]))
        return queries


def _compare_files(product, files: dict[str, str], locate, parse) -> list[Difference]:
    found = []
    for name, generated in files.items():
        path = locate(name)
        text, why = _read(path)
        if text is None:
            found.append(Difference(WARNING, product, str(path), why + "; the panel writes it."))
            continue
        found += compare_values(product, str(path), parse(text), parse(generated), WARNING)
    return found


def diff(target: config.Target, live: Live) -> Report:
    """Every difference between the live configuration in `live` and what the panel
    generates for `target` (whose postfix_dir and dovecot_dir should be the live ones, and
    dovecot_version the live layout: `live_dovecot_version`)."""
    postfix = _Postfix(target, live)
    differences = postfix.differences()
    live_style = postfix.style()
    if live_style and live_style != target.style:
        differences.insert(
            0,
            Difference(
                ROUTING,
                "postfix",
                "main.cf virtual_alias_maps",
                f"the live alias maps are the {live_style} style; the panel assumes "
                f"{target.style} (MAILADMIN_ALIAS_STYLE or --style).",
            ),
        )
    courier_dir = Path(live.courier_dir)
    differences += _compare_files(
        "courier", config.generate("courier", target), courier_dir.joinpath, parse_courier
    )
    differences += _compare_files(
        "dovecot",
        config.generate("dovecot", target),
        lambda name: dovecot_file(live, name),
        parse_dovecot,
    )
    delimiter = " ".join(postfix.value("recipient_delimiter").split())
    return Report(
        live={
            "style": live_style,
            "recipient_delimiter": delimiter,
            "dovecot_version": target.dovecot_version,
            "postfix_dir": live.postfix_dir,
            "courier_dir": live.courier_dir,
            "dovecot_dir": live.dovecot_dir,
        },
        panel={"style": target.style, "recipient_delimiter": target.recipient_delimiter},
        differences=differences,
    )


def render_text(report: Report) -> str:
    live, panel = report.live, report.panel
    lines = [
        f"Live configuration: alias map style {live['style'] or 'unknown'}, "
        f"{extensions.describe(live['recipient_delimiter'])}, "
        f"Dovecot {live['dovecot_version']}.",
        f"The panel assumes: alias map style {panel['style']}, "
        f"{extensions.describe(panel['recipient_delimiter'])}.",
    ]
    lines += [d.line() for d in report.differences]
    counted = [d for d in report.differences if d.severity != INFO]
    routing = sum(d.severity == ROUTING for d in report.differences)
    if not counted:
        lines.append("No differences.")
    else:
        lines.append(f"{len(counted)} difference(s), {routing} of them change routing.")
    return "\n".join(lines)
