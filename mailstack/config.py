"""Ready configuration files for Postfix, Courier authdaemon and Dovecot, and the grants of
their read-only MySQL account, for the database the panel manages.

The files come from `mailstack/templates/` (plain text with `{{ name }}` placeholders); the
README's "Connect your mail server" section is rendered from the same templates
(`readme_section`).

The Postfix maps come in the two alias map styles `routing.styles` describes (`guide`,
`no-backscatter`; README, "Connect your mail server").

`main.cf.mailadmin` also sets `recipient_delimiter` (address extensions, `routing.extensions`)
to the delimiter the routing model assumes.
"""

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError

from mailadmin.addresses import check_recipient_delimiter
from mailadmin.autoreply import autoreply_domain
from mailadmin.datadir import generated_secret
from routing.extensions import recipient_delimiter  # the delimiter assumed: routing owns it
from routing.styles import STYLES, alias_style  # the style assumed: routing owns it

CONFIG_TEMPLATES = Path(__file__).resolve().parent / "templates"
DOVECOT_VERSIONS = ("2.3", "2.4")
PRODUCTS = ("postfix", "courier", "dovecot", "grants")
DEFAULT_DB_USER = "mailserver"
# The columns of `users` the servers read; `clear` (plain-text passwords in the guide's
# schema) and the panel's own tables stay out of the mail servers' reach.
USER_COLUMNS = (
    "id",
    "name",
    "uid",
    "gid",
    "home",
    "maildir",
    "enabled",
    "crypt",
    "quota",
    "domain_name",
)
# What `mail usage collect` reads of a mailbox.
USAGE_USER_COLUMNS = ("id", "home", "maildir", "quota", "domain_name")
# A mailbox logs in while it and its domain are enabled (domain_name: the panel's indexed
# column derived from users.id).
LOGIN_ALLOWED = "enabled = 1 AND domain_name IN (SELECT domain FROM domains WHERE enabled = 1)"
_SAFE_VALUE = re.compile(r"^[A-Za-z0-9._~+=/:@!^*,-]+$")


@dataclass(frozen=True)
class Target:
    """What the generated files point at."""

    db_name: str
    db_password: str
    db_host: str = "127.0.0.1"
    db_port: int = 3306
    db_user: str = DEFAULT_DB_USER
    mail_home: str = "/var/spool/mail/virtual"
    style: str = "guide"
    recipient_delimiter: str = "+"  # Postfix's recipient_delimiter; '' for none
    dovecot_version: str = "2.3"
    postfix_dir: str = "/etc/postfix"
    dovecot_dir: str = "/etc/dovecot"
    # The vacation responder's program (the pipe service runs it as the user vacation).
    python: str = "/opt/mailadmin/.venv/bin/python"
    manage: str = "/opt/mailadmin/manage.py"
    # Hosts the mail servers connect from, for the grants ('localhost' is MySQL's name for
    # socket connections; '127.0.0.1' for TCP).
    client_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # The account of `mail usage collect` (MAILADMIN_USAGE_DATABASE_URL): it writes only
    # the usage table; its password is generated once into the data directory when empty.
    usage_user: str = "mailusage"
    usage_password: str = ""

    def __post_init__(self):
        if self.style not in STYLES:
            raise ValidationError(f"Unknown alias map style {self.style!r}: use {STYLES}.")
        if self.dovecot_version not in DOVECOT_VERSIONS:
            raise ValidationError(
                f"Dovecot {self.dovecot_version} is not supported: use {DOVECOT_VERSIONS}."
            )
        check_recipient_delimiter(self.recipient_delimiter)
        for what in (
            "db_name",
            "db_host",
            "db_user",
            "db_password",
            "mail_home",
            "python",
            "manage",
        ):
            value = getattr(self, what)
            # The values go unquoted into Postfix, Courier and Dovecot files.
            if not _SAFE_VALUE.match(value):
                raise ValidationError(
                    f"{what.replace('_', ' ')} {value!r} cannot be written into the mail "
                    "servers' files: use letters, digits and . _ - + = / : @ only."
                )


# --- where the values come from ------------------------------------------------------------
def usage_password() -> str:
    """The collector's MySQL password, generated once into the data directory."""
    return generated_secret(Path(settings.DATA_DIR) / "usage_db_password", 24)


def mailserver_password() -> str:
    """The mail servers' MySQL password: MAILADMIN_MAILSERVER_DB_PASSWORD(_FILE), else one
    generated once into the data directory, so every generated file agrees."""
    password = settings.MAILADMIN_MAILSERVER_DB_PASSWORD.strip()
    if password:
        return password
    return generated_secret(Path(settings.DATA_DIR) / "mailserver_db_password", 24)


def installed_dovecot_version() -> str | None:
    """'2.3' or '2.4' from `dovecot --version`; None when Dovecot is not installed."""
    try:
        out = subprocess.run(
            ["dovecot", "--version"], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_dovecot_version(out)


def parse_dovecot_version(text: str) -> str | None:
    """'2.3.19.1 (9b53102964)' → '2.3'; '2.4.1-4 (…)' → '2.4'."""
    match = re.match(r"(\d+)\.(\d+)", text.strip())
    if not match:
        return None
    return "2.3" if (int(match.group(1)), int(match.group(2))) < (2, 4) else "2.4"


def target_for_database(connection=None, **overrides) -> Target:
    """A Target for Django's configured database (MySQL/MariaDB), overridable per field."""
    from django.db import connection as default_connection

    connection = connection or default_connection
    params = connection.settings_dict
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if "mysql" not in params["ENGINE"] and "db_name" not in overrides:
        raise ValidationError(
            "The mail servers read MySQL/MariaDB, but DATABASE_URL points at "
            f"{params['ENGINE'].rsplit('.', 1)[-1]}: set DATABASE_URL=mysql://... "
            "(or give --db-name)."
        )
    host = params.get("HOST") or "127.0.0.1"
    if host == "localhost":  # a chrooted Postfix cannot reach the socket: use TCP
        host = "127.0.0.1"
    values = {
        "db_name": params["NAME"],
        "db_host": host,
        "db_port": int(params.get("PORT") or 3306),
        "mail_home": settings.MAILADMIN_MAIL_HOME,
        "style": alias_style(),
        "recipient_delimiter": recipient_delimiter(),
        "python": sys.executable,
        "manage": str(Path(settings.BASE_DIR) / "manage.py"),
    }
    values.update(overrides)
    if "db_password" not in values:
        values["db_password"] = mailserver_password()
    if "dovecot_version" not in values:
        values["dovecot_version"] = installed_dovecot_version() or "2.3"
    return Target(**values)


# --- rendering -----------------------------------------------------------------------------
def render(template: str, context: dict) -> str:
    text = (CONFIG_TEMPLATES / template).read_text()

    def value(match: re.Match) -> str:
        return str(context[match.group(1)])

    return re.sub(r"\{\{ (\w+) \}\}", value, text)


def _quota_parts() -> tuple[str, str]:
    """SQL giving the byte and message limits of a Courier quota string, NULL when there is
    none (empty, or a string Courier ignores). A ';' sentinel anchors the patterns, because
    '$' is special in Dovecot's configuration."""
    q = "CONCAT(quota, ';')"
    size = (
        f"CASE WHEN {q} REGEXP '^[0-9]+S(,[0-9]+C)?;' THEN SUBSTRING_INDEX(quota, 'S', 1) "
        f"WHEN {q} REGEXP '^[0-9]+C,[0-9]+S;' "
        "THEN SUBSTRING_INDEX(SUBSTRING_INDEX(quota, ',', -1), 'S', 1) END"
    )
    count = (
        f"CASE WHEN {q} REGEXP '^[0-9]+C(,[0-9]+S)?;' THEN SUBSTRING_INDEX(quota, 'C', 1) "
        f"WHEN {q} REGEXP '^[0-9]+S,[0-9]+C;' "
        "THEN SUBSTRING_INDEX(SUBSTRING_INDEX(quota, ',', -1), 'C', 1) END"
    )
    return size, count


def dovecot_queries(version: str) -> dict[str, str]:
    user = "'%u'" if version == "2.3" else "'%{user}'"
    size, count = _quota_parts()
    maildir = "CONCAT(home, '/', maildir)"
    if version == "2.3":
        rule = (
            f"NULLIF(CONCAT_WS(':', '*', CONCAT('bytes=', {size}), CONCAT('messages=', {count})),"
            " '*')"
        )
        fields = f"{maildir} AS home, CONCAT('maildir:', {maildir}) AS mail, uid, gid, "
        fields += f"{rule} AS quota_rule"
    else:
        fields = f"{maildir} AS home, 'maildir' AS mail_driver, {maildir} AS mail_path, "
        fields += f"uid, gid, {size} AS quota_storage_size, {count} AS quota_message_count"
    return {
        "password_query": (
            "SELECT id AS user, crypt AS password FROM users"  # noqa: S608 - config text
            f" WHERE id = {user} AND {LOGIN_ALLOWED}"
        ),
        "user_query": f"SELECT {fields} FROM users WHERE id = {user} AND {LOGIN_ALLOWED}",  # noqa: S608
        "iterate_query": f"SELECT id AS user FROM users WHERE {LOGIN_ALLOWED}",  # noqa: S608
    }


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def grant_statements(target: Target) -> str:
    db = "`" + target.db_name.replace("`", "``") + "`"
    lines = []
    for host in target.client_hosts:
        account = f"{_sql_string(target.db_user)}@{_sql_string(host)}"
        password = _sql_string(target.db_password)
        lines += [
            f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {password};",
            f"ALTER USER {account} IDENTIFIED BY {password};",
            f"GRANT SELECT ON {db}.`domains` TO {account};",
            f"GRANT SELECT ON {db}.`aliases` TO {account};",
            f"GRANT SELECT ({', '.join(USER_COLUMNS)}) ON {db}.`users` TO {account};",
            # relay_recipient_maps: which relay domains are a backup MX (any recipient).
            f"GRANT SELECT (domain_id, backup_mx) ON {db}.`mailadmin_relay_settings` TO {account};",
            # The vacation responder: the settings, and when it answered whom.
            f"GRANT SELECT ON {db}.`mailadmin_vacation` TO {account};",
            f"GRANT SELECT, INSERT, UPDATE ON {db}.`mailadmin_vacation_notice` TO {account};",
        ]
    lines.append(
        "-- The collector's account (`mail usage collect`, MAILADMIN_USAGE_DATABASE_URL): it "
        "reads the\n-- mailboxes it measures and writes only mailadmin_mailbox_usage."
    )
    for host in target.client_hosts:
        account = f"{_sql_string(target.usage_user)}@{_sql_string(host)}"
        password = _sql_string(target.usage_password or usage_password())
        lines += [
            f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {password};",
            f"ALTER USER {account} IDENTIFIED BY {password};",
            f"GRANT SELECT (domain) ON {db}.`domains` TO {account};",
            f"GRANT SELECT ({', '.join(USAGE_USER_COLUMNS)}) ON {db}.`users` TO {account};",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON {db}.`mailadmin_mailbox_usage` TO {account};",
        ]
    return "\n".join(lines)


def context(target: Target) -> dict:
    hosts = target.db_host if target.db_port == 3306 else f"inet:{target.db_host}:{target.db_port}"
    maps = (
        ["mysql_alias.cf"]
        if target.style == "guide"
        else [
            "mysql_alias_plain.cf",
            "mysql_alias_domain.cf",
        ]
    )
    return {
        "db_name": target.db_name,
        "db_host": target.db_host,
        "db_port": target.db_port,
        "db_user": target.db_user,
        "db_password": target.db_password,
        "mail_home": target.mail_home.rstrip("/") or "/",
        "style": target.style,
        "recipient_delimiter_line": (
            f"recipient_delimiter = {target.recipient_delimiter}"
            if target.recipient_delimiter
            else "recipient_delimiter ="
        ),
        "postfix_dir": target.postfix_dir,
        "dovecot_dir": target.dovecot_dir,
        "postfix_hosts": hosts,
        "virtual_alias_maps": ", ".join(f"mysql:{target.postfix_dir}/{m}" for m in maps),
        "grant_statements": grant_statements(target),
        "autoreply_domain": autoreply_domain(),
        "python": target.python,
        "manage": target.manage,
        "database_url": (
            f"mysql://{quote(target.db_user, safe='')}:{quote(target.db_password, safe='')}"
            f"@{target.db_host}:{target.db_port}/{target.db_name}"
        ),
        "login_allowed": LOGIN_ALLOWED,
        **dovecot_queries(target.dovecot_version),
    }


POSTFIX_MAPS = ("mysql_domains.cf", "mysql_mailbox.cf", "mysql_uid.cf", "mysql_gid.cf")
POSTFIX_ALIAS_MAPS = ("mysql_alias.cf", "mysql_alias_plain.cf", "mysql_alias_domain.cf")
POSTFIX_RELAY_MAPS = ("mysql_relay_domains.cf", "mysql_relay_recipients.cf", "mysql_transport.cf")
POSTFIX_SENDER_MAPS = ("mysql_sender_login.cf",)


def generate(product: str, target: Target) -> dict[str, str]:
    """{file name: content} for one of PRODUCTS."""
    ctx = context(target)
    if product == "postfix":
        names = POSTFIX_MAPS + POSTFIX_ALIAS_MAPS + POSTFIX_RELAY_MAPS + POSTFIX_SENDER_MAPS
        files = {name: render(f"postfix/{name}", ctx) for name in names}
        files["main.cf.mailadmin"] = render("postfix/main.cf", ctx)
        files["master.cf.mailadmin"] = render("postfix/master.cf", ctx)
        files["mailadmin-vacation.url"] = render("postfix/mailadmin-vacation.url", ctx)
        return files
    if product == "courier":
        return {"authmysqlrc": render("courier/authmysqlrc", ctx)}
    if product == "dovecot":
        folder = "dovecot23" if target.dovecot_version == "2.3" else "dovecot24"
        names = ["auth-sql.conf.ext", "quota.conf"]
        if target.dovecot_version == "2.3":
            names.insert(0, "dovecot-sql.conf.ext")
        return {name: render(f"{folder}/{name}", ctx) for name in names}
    if product == "grants":
        return {"grants.sql": render("sql/grants.sql", ctx)}
    raise ValueError(f"unknown product {product!r}")


def write(files: dict[str, str], directory: Path) -> list[Path]:
    """Write files with mode 0640 (most hold the database password)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in files.items():
        path = directory / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        os.chmod(path, 0o640)
        written.append(path)
    return written


# --- the README section --------------------------------------------------------------------
README_BEGIN = "<!-- mailstack:config:begin (generated: python manage.py mail config readme) -->"
README_END = "<!-- mailstack:config:end -->"
EXAMPLE = Target(db_name="maildb", db_password="mailPASSWORD", usage_password="usagePASSWORD")  # noqa: S106 - the guide's placeholder


def readme_section() -> str:
    """The README's "Connect your mail server" section, rendered from the templates."""

    def para(text: str) -> list[str]:
        return [*textwrap.wrap(text, 95, break_on_hyphens=False, break_long_words=False), ""]

    parts = [
        README_BEGIN,
        "## Connect your mail server",
        "",
        *para(
            "`python manage.py mail config postfix|courier|dovecot|grants [--output DIR]` writes "
            "these files for the database in `DATABASE_URL` (below for a database `maildb`). The "
            "mail servers connect over TCP (`127.0.0.1`: Debian's chrooted smtpd cannot reach the "
            "socket) with a read-only account, `mailserver`; its password comes from "
            "`MAILADMIN_MAILSERVER_DB_PASSWORD` (or `_FILE`), else it is generated once into "
            "`var/mailserver_db_password`. Options: `--style guide|no-backscatter` (default "
            "`MAILADMIN_ALIAS_STYLE`, else `guide`), `--dovecot-version 2.3|2.4` (default: what "
            "`dovecot --version` says), `--postfix-dir`, `--dovecot-dir`."
        ),
        *para(
            "**Address extensions.** `main.cf.mailadmin` sets `recipient_delimiter` from "
            "`MAILADMIN_RECIPIENT_DELIMITER` (default `+`; one or more characters, each a "
            "delimiter; empty: off), so `user+tag@domain` is delivered where `user@domain` is, "
            "and a forward carries the extension on (`user+tag` → `target+tag`). The tracer, "
            "the findings and the self-service page assume the same (docs/ROUTING.md)."
        ),
        *para(
            "**Relay domains.** A domain whose transport is `virtual:` (the default) is hosted "
            "here; any other transport (`smtp:[10.0.0.5]:25`, `lmtp:unix:private/lmtp`) makes it "
            "a relay domain: Postfix accepts its mail (`relay_domains`) for the domain's enabled "
            "aliases and mailboxes (`relay_recipient_maps`; unknown recipients get 550 at RCPT), "
            "or for any recipient when the domain is marked a backup MX (`mail domain add "
            "--backup-mx`, the domain form), and hands it to that transport (`transport_maps`)."
        ),
        *para(
            "**Who may send as an address.** `master.cf.mailadmin` adds a submission service "
            "(port 587, TLS required) where mailbox owners log in (SASL, through Dovecot's auth "
            "socket) and may send only as the addresses their mailbox owns "
            "(`smtpd_sender_login_maps`, `mysql_sender_login.cf`); any other MAIL FROM gets 553. "
            "A mailbox owns its own address, every enabled alias row that lists it (a forward, a "
            "list; one level: not through a further alias), and the same user at each domain "
            "aliased to its domain (unless that address has an alias row of its own), each also "
            "with an address extension. A catch-all lets no one send as its whole domain; "
            "disabled rows grant nothing. `mail trace --senders ADDRESS [--json]` and the tracer "
            "page answer who may send as an address and as which addresses a mailbox may send. "
            "Dovecot offers Postfix its socket with `service auth { unix_listener "
            "/var/spool/postfix/private/auth { mode = 0660 user = postfix group = postfix } }` "
            "(one setting per line)."
        ),
        *para(
            "**Out of office.** While a mailbox's vacation is on (self-service page, the "
            "mailbox's page, `mail vacation set|off|show`), its own alias row also lists its "
            "autoreply address (`ann#example.net@autoreply.mailadmin.invalid`, the domain from "
            "`MAILADMIN_AUTOREPLY_DOMAIN`); `transport_maps` hands that domain to the `vacation` "
            "pipe service of `master.cf.mailadmin`, whose program, `mail vacation reply`, "
            "answers once per sender per interval and never lists, robots or bounces (RFC "
            "3834). Create its user (`useradd --system --no-create-home vacation`), give it "
            "`mailadmin-vacation.url` (`chown root:vacation`, mode 0640: the mail servers' "
            "account, which `mail config grants` lets write only the notices table) and run "
            "`python manage.py mail vacation expire` daily from cron (`15 0 * * * mailadmin "
            "python manage.py mail vacation expire`): it switches off vacations whose last day "
            "has passed and takes their route away."
        ),
        *para(
            "`python manage.py mail trace ADDRESS [--json]` shows the route Postfix takes for an "
            "address, step by step, and what happens to each final recipient; it states the alias "
            "map style and the recipient delimiter it assumes. The `mailstack` test layer checks "
            "it against real Postfix."
        ),
        *para(
            "**Alias map style.** `guide` (the guide's single `mysql_alias.cf`): a domain alias "
            "`@alias.tld → @target.tld` keeps the local part but also accepts mail for unknown "
            "users of alias.tld and bounces it later (backscatter). `no-backscatter`: "
            "`mysql_alias_plain.cf` skips domain-alias rows and `mysql_alias_domain.cf` rewrites "
            "`user@alias.tld` only when `user@target.tld` exists (or target.tld has a catch-all), "
            "so unknown users get 550 at RCPT. Chains of domain aliases are not followed in that "
            "style."
        ),
        *para(
            'Courier: set `authmodulelist="authmysql"` in `/etc/courier/authdaemonrc`. '
            "Dovecot 2.4 is checked by unit tests and its SQL on MariaDB only; 2.3 (Debian 12) "
            "runs in the test layer."
        ),
    ]
    guide = EXAMPLE
    plain = replace(EXAMPLE, style="no-backscatter")
    sections = [
        (
            "MySQL: the mail servers' read-only account (`mail config grants`)",
            "sql",
            generate("grants", guide),
        ),
        (
            "Postfix (`mail config postfix`): add `main.cf.mailadmin` to `main.cf`",
            "ini",
            {
                k: v
                for k, v in generate("postfix", guide).items()
                if k
                in POSTFIX_MAPS
                + POSTFIX_RELAY_MAPS
                + POSTFIX_SENDER_MAPS
                + ("mysql_alias.cf", "main.cf.mailadmin", "master.cf.mailadmin")
            },
        ),
        (
            "Postfix, no-backscatter style (`--style no-backscatter`)",
            "ini",
            {
                k: v
                for k, v in generate("postfix", plain).items()
                if k in ("mysql_alias_plain.cf", "mysql_alias_domain.cf")
            },
        ),
        ("Courier authdaemon (`mail config courier`)", "ini", generate("courier", guide)),
        ("Dovecot 2.3, Debian 12 (`mail config dovecot`)", "ini", generate("dovecot", guide)),
        (
            "Dovecot 2.4, Debian 13 (`mail config dovecot --dovecot-version 2.4`)",
            "ini",
            generate("dovecot", replace(EXAMPLE, dovecot_version="2.4")),
        ),
    ]
    for title, lang, files in sections:
        parts += [f"### {title}", ""]
        for name, content in files.items():
            parts += [f"`{name}`:", "", f"```{lang}", content.rstrip("\n"), "```", ""]
    parts.append(README_END)
    return "\n".join(parts) + "\n"
