"""The one wrapper around the real mail servers, for the `mailstack` test layer.

`MailStack` runs Postfix, Courier authdaemond and Dovecot on 127.0.0.1 only, configured with
the files `mailstack.config` generates, each in a private directory:

- Postfix: a private instance (`postfix -c ROOT/postfix`, its own queue, no chroot), SMTP on
  a free loopback port. `mynetworks` names no local address, so SMTP clients are treated
  as the Internet is. Mail for outside domains goes to the `discard` transport: nothing
  leaves the machine. `sendmail -bv` reports are delivered to a report maildir.
- Courier authdaemond reads compiled-in paths (/etc/courier, /run/courier/authdaemon), so
  it runs in a private mount namespace where those are bind mounts of private directories;
  `authtest` joins that namespace.
- Dovecot: `dovecot -c ROOT/dovecot/dovecot.conf`, IMAP on a free loopback port.

Daemons are started directly (no systemd) and stopped by PID. A daemon that cannot start
raises `MailStackError`: tests fail, they never skip.
"""

import contextlib
import email
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field, replace
from email import policy
from pathlib import Path

from mailstack import config

REPORT_DOMAIN = "mailstack-reports.invalid"
VMAIL_UID = 5000
PACKAGES = {
    "postfix": "/usr/sbin/postfix",
    "postmap": "/usr/sbin/postmap",
    "postfix-mysql": "/usr/lib/postfix/postfix-mysql.so.1.0.1",
    "authdaemond": "/usr/lib/courier/courier-authlib/authdaemond",
    "authtest": "/usr/sbin/authtest",
    "courier-authlib-mysql": "/usr/lib/courier-authlib/libauthmysql.so",
    "dovecot": "/usr/sbin/dovecot",
    "doveadm": "/usr/bin/doveadm",
    "dovecot-mysql": "/usr/lib/dovecot/modules/auth/libdriver_mysql.so",
    "swaks": "/usr/bin/swaks",
    "setfacl": "/usr/bin/setfacl",
    "unshare": "/usr/bin/unshare",
    "nsenter": "/usr/bin/nsenter",
}


class MailStackError(RuntimeError):
    pass


def run(args: list[str], *, check: bool = True, timeout: float = 60, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    if check and result.returncode != 0:
        raise MailStackError(
            f"{' '.join(args)} exited {result.returncode}: {result.stderr.strip()}"
            f" {result.stdout.strip()}"
        )
    return result


def missing_programs() -> list[str]:
    missing = [name for name, path in PACKAGES.items() if not Path(path).exists()]
    if "postfix-mysql" in missing and any(Path("/usr/lib/postfix").glob("postfix-mysql.so*")):
        missing.remove("postfix-mysql")
    return missing


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, what: str, timeout: float = 15.0, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    tail = ""
    if log and log.exists():
        tail = "\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:])
    raise MailStackError(f"{what} did not happen within {timeout:.0f}s{tail}")


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


@contextlib.contextmanager
def machine_lock():
    """One stack at a time edits what the machine shares: its accounts, the default main.cf."""
    import fcntl

    with open("/run/mailadmin-mailstack.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_vmail_account(uid: int = VMAIL_UID) -> None:
    """The guide's `virtual` user and group 5000, which own the maildirs."""
    with machine_lock():
        _ensure_vmail_account(uid)


def _ensure_vmail_account(uid: int) -> None:
    import grp
    import pwd

    try:
        grp.getgrgid(uid)
    except KeyError:
        run(["groupadd", "--gid", str(uid), "vmail"])
    try:
        pwd.getpwuid(uid)
    except KeyError:
        run(
            [
                "useradd",
                "--uid",
                str(uid),
                "--gid",
                str(uid),
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                "vmail",
            ]
        )


VACATION_USER = "vacation"  # the pipe service's user (master.cf.mailadmin)


def ensure_vacation_account() -> None:
    """The unprivileged user the vacation responder runs as, able to run this Python: where
    a directory on the way (pyenv under /root) lets no one else through, an ACL lets this
    user alone through (setfacl, Debian's acl)."""
    with machine_lock():
        _ensure_vacation_account()


def _ensure_vacation_account() -> None:
    import pwd
    import sys

    try:
        pwd.getpwnam(VACATION_USER)
    except KeyError:
        run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                VACATION_USER,
            ]
        )
    config_dir = Path(__file__).resolve().parents[2]
    for start in (Path(sys.executable).resolve(), Path(sys.executable).absolute(), config_dir):
        for directory in [start, *start.parents] if start.is_dir() else start.parents:
            if not os.stat(directory).st_mode & 0o001:
                run(["setfacl", "-m", f"u:{VACATION_USER}:x", str(directory)])


DEFAULT_MAIN_CF = Path("/etc/postfix/main.cf")
OURS = "# Written by the Mailadmin mailstack tests: their private Postfix instances.\n"


def _allowed_directories(change) -> None:
    """Edit alternate_config_directories in the default main.cf, under a lock: non-root
    programs (the vacation responder's sendmail, postdrop) may use a private instance's
    configuration only when it is listed there. The file is the tests' own (written when
    absent, removed when empty); a mail host's real main.cf is never edited."""
    with machine_lock():
        text = DEFAULT_MAIN_CF.read_text() if DEFAULT_MAIN_CF.exists() else OURS
        if not text.startswith(OURS):
            raise MailStackError(
                f"{DEFAULT_MAIN_CF} is a real configuration: add the tests' private instance "
                "to its alternate_config_directories, or run the tests on a test machine"
            )
        match = re.search(r"^alternate_config_directories = (.*)$", text, flags=re.M)
        listed = match.group(1).split() if match else []
        listed = change(listed)
        if listed:
            DEFAULT_MAIN_CF.parent.mkdir(parents=True, exist_ok=True)
            DEFAULT_MAIN_CF.write_text(
                OURS + f"alternate_config_directories = {' '.join(listed)}\n"
            )
        else:
            DEFAULT_MAIN_CF.unlink(missing_ok=True)


def allow_config_directory(directory: str) -> None:
    _allowed_directories(lambda listed: [*(d for d in listed if d != directory), directory])


def forget_config_directory(directory: str) -> None:
    _allowed_directories(lambda listed: [d for d in listed if d != directory])


@dataclass
class Auth:
    ok: bool
    fields: dict = field(default_factory=dict)
    output: str = ""


@dataclass
class RecipientReport:
    """One final recipient in a `sendmail -bv` report."""

    recipient: str
    deliverable: bool
    text: str

    @property
    def transport(self) -> str:
        match = re.search(r"delivery via (\w+)", self.text)
        return match.group(1) if match else ""


MASTER_CF = """\
{smtp}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""

MAIN_CF = """\
# Private Postfix instance of the Mailadmin mailstack tests: loopback only, nothing leaves.
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mailstack.test
mydomain = mailstack.test
myorigin = mailstack.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
# No local client is trusted: swaks gets the answers an Internet client gets.
mynetworks = 192.0.2.1/32
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
alias_maps =
alias_database =
biff = no
smtputf8_enable = no
maillog_file_prefixes = {root}
maillog_file = {root}/postfix.log
# Outside domains: accepted by the discard transport, so nothing leaves the machine.
default_transport = discard:forwarded outside
relay_transport = discard:relayed outside
delay_warning_time = 0
"""


class MailStack:
    """Postfix + Courier authdaemond + Dovecot on loopback, reading one MariaDB database."""

    def __init__(self, root: Path, target: config.Target):
        self.root = Path(root)
        self.target = replace(
            target,
            mail_home=str(self.root / "vmail"),
            postfix_dir=str(self.root / "postfix"),
            dovecot_dir=str(self.root / "dovecot"),
        )
        self.smtp_port = free_port()
        self.submission_port = free_port()
        self.imap_port = free_port()
        self.processes: dict[str, int] = {}
        self.courier_pid: int | None = None
        self._reports = 0

    # --- lifecycle -----------------------------------------------------------------------
    def start(self) -> "MailStack":
        missing = missing_programs()
        if missing:
            raise MailStackError(
                f"missing: {', '.join(missing)} (run scripts/install-system-deps.sh test)"
            )
        ensure_vmail_account()
        ensure_vacation_account()
        if self.root.exists():
            self._stop_leftovers()
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        os.chmod(self.root, 0o755)  # noqa: S103 - postfix and uid 5000 walk through it
        vmail = self.root / "vmail"
        vmail.mkdir()
        os.chown(vmail, VMAIL_UID, VMAIL_UID)
        try:
            self.start_postfix()
            self.start_courier()
            self.start_dovecot()
        except BaseException:
            self.stop()
            raise
        return self

    def _stop_leftovers(self) -> None:
        """Stop the daemons an interrupted earlier run of this stack left (by their PIDs)."""
        pids = self.root / "pids"
        if (self.root / "postfix" / "main.cf").exists():
            run(["postfix", "-c", str(self.root / "postfix"), "stop"], check=False)
        if pids.exists():
            for pid in pids.read_text().split():
                if pid.isdigit() and _alive(int(pid)):
                    _kill(int(pid))

    def _record(self, name: str, pid: int) -> None:
        self.processes[name] = pid
        (self.root / "pids").write_text(" ".join(map(str, self.processes.values())))

    def stop(self) -> None:
        if "postfix" in self.processes:
            run(["postfix", "-c", self.target.postfix_dir, "stop"], check=False)
            forget_config_directory(self.target.postfix_dir)
        for name, pid in list(self.processes.items()):
            _kill(pid)
            self.processes.pop(name)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- Postfix -------------------------------------------------------------------------
    def postfix_main_cf(self) -> str:
        files = config.generate("postfix", self.target)
        lines = files["main.cf.mailadmin"]
        report_box = f"inline:{{ @{REPORT_DOMAIN}=reports/ }}"
        report_id = f"inline:{{ @{REPORT_DOMAIN}={VMAIL_UID} }}"
        # The -bv reports go to a maildir outside the database: append to the generated maps.
        lines = re.sub(
            r"^(virtual_mailbox_domains = .*)$", rf"\1, {REPORT_DOMAIN}", lines, flags=re.M
        )
        lines = re.sub(r"^(virtual_mailbox_maps = .*)$", rf"\1, {report_box}", lines, flags=re.M)
        lines = re.sub(r"^(virtual_(?:u|g)id_maps = .*)$", rf"\1, {report_id}", lines, flags=re.M)
        return MAIN_CF.format(root=self.root) + "\n" + lines

    def start_postfix(self) -> None:
        conf = Path(self.target.postfix_dir)
        conf.mkdir()
        files = config.generate("postfix", self.target)
        config.write({k: v for k, v in files.items() if k.endswith(".cf")}, conf)
        for path in conf.glob("mysql_*.cf"):
            os.chmod(path, 0o640)
            shutil.chown(path, group="postfix")
        # The vacation responder's database account, readable by its user only.
        url = conf / "mailadmin-vacation.url"
        config.write({url.name: files[url.name]}, conf)
        shutil.chown(url, group=VACATION_USER)
        (conf / "main.cf").write_text(self.postfix_main_cf())
        smtp = f"127.0.0.1:{self.smtp_port} inet n - n - - smtpd"
        master = MASTER_CF.format(smtp=smtp) + self.submission_service(files)
        (conf / "master.cf").write_text(master)
        for sub in ("spool", "data"):
            (self.root / sub).mkdir()
        shutil.chown(self.root / "data", user="postfix")
        run(["postfix", "-c", str(conf), "set-permissions"], check=False)
        allow_config_directory(str(conf))
        run(["postfix", "-c", str(conf), "check"])
        self._start_postfix_master()

    def _start_postfix_master(self) -> None:
        pid_file = self.root / "spool" / "pid" / "master.pid"
        pid_file.unlink(missing_ok=True)
        run(["postfix", "-c", self.target.postfix_dir, "start"])
        wait_for(
            lambda: pid_file.exists() and pid_file.read_text().strip(),
            "Postfix start",
            log=self.root / "postfix.log",
        )
        self._record("postfix", int(pid_file.read_text().strip()))
        wait_for(
            lambda: port_open(self.smtp_port),
            "Postfix SMTP listening",
            log=self.root / "postfix.log",
        )

    @property
    def sasl_socket(self) -> Path:
        """Dovecot's auth socket for Postfix's SASL (private/auth on a mail host)."""
        return self.root / "sasl" / "auth"

    def submission_service(self, files: dict[str, str]) -> str:
        """The generated master.cf.mailadmin submission service, on a free loopback port,
        without chroot, with Dovecot's socket here and without TLS (no certificate in the
        tests: AUTH over plain text on loopback). Every other option as generated."""
        text = files["master.cf.mailadmin"]
        changes = [
            (r"^submission inet n\s+-\s+y ", f"127.0.0.1:{self.submission_port} inet n - n "),
            (r"smtpd_sasl_path=private/auth$", f"smtpd_sasl_path={self.sasl_socket}"),
            (r"smtpd_tls_security_level=encrypt$", "smtpd_tls_security_level=none"),
            (r"smtpd_tls_auth_only=yes$", "smtpd_tls_auth_only=no"),
        ]
        for pattern, replacement in changes:
            text, count = re.subn(pattern, replacement, text, flags=re.M)
            if count != 1:
                raise MailStackError(f"master.cf.mailadmin has no {pattern!r}: {text}")
        return text

    def postfix_env(self) -> dict:
        return {**os.environ, "MAIL_CONFIG": self.target.postfix_dir}

    def postmap_query(self, key: str, map_file: str) -> str | None:
        result = run(
            [
                "postmap",
                "-c",
                self.target.postfix_dir,
                "-q",
                key,
                f"mysql:{self.target.postfix_dir}/{map_file}",
            ],
            check=False,
        )
        if result.returncode == 1:
            return None
        if result.returncode != 0:
            raise MailStackError(f"postmap -q {key}: {result.stderr.strip()}")
        return result.stdout.strip()

    def swaks(self, address: str, *extra: str) -> list[tuple[str, int, str]]:
        """One SMTP session as an outside client: [(command, reply code, reply text)]."""
        result = run(
            [
                "swaks",
                "--server",
                f"127.0.0.1:{self.smtp_port}",
                "--to",
                address,
                "--from",
                "sender@example.net",
                "--helo",
                "client.example.net",
                "--timeout",
                "20",
                *extra,
            ],
            check=False,
        )
        dialogue, command = [], ""
        for line in result.stdout.splitlines():
            sent = re.match(r"\s*~?-> (.*)", line)
            if sent:
                command = sent.group(1)
                continue
            reply = re.match(r"<~?(?:\*\*)?-?\s+(\d{3})[ -](.*)", line)
            if reply and command:
                dialogue.append((command, int(reply.group(1)), reply.group(2)))
                command = ""
        if not dialogue:
            raise MailStackError(f"swaks could not talk to Postfix: {result.stdout}")
        return dialogue

    def submit(self, login: str, password: str, sender: str, to: str) -> tuple[int, str]:
        """Send one message through the submission service, logged in as `login` with
        SASL PLAIN, from `sender`: the first refusal, else the answer to the end of DATA."""
        result = run(
            [
                "swaks",
                "--server",
                f"127.0.0.1:{self.submission_port}",
                "--auth",
                "PLAIN",
                "--auth-user",
                login,
                "--auth-password",
                password,
                "--from",
                sender,
                "--to",
                to,
                "--helo",
                "client.example.net",
                "--timeout",
                "20",
            ],
            check=False,
        )
        for line in result.stdout.splitlines():
            reply = re.match(r"<~?\*\*\s+(\d{3})[ -](.*)", line)
            if reply:
                return int(reply.group(1)), reply.group(2)
        for line in reversed(result.stdout.splitlines()):
            reply = re.match(r"<~?-\s+(250)[ -](.*queued.*)", line)
            if reply:
                return int(reply.group(1)), reply.group(2)
        raise MailStackError(f"no answer from the submission service: {result.stdout}")

    def smtp_rcpt(self, address: str) -> tuple[int, str]:
        """The answer to RCPT TO:<address> of an outside client."""
        for command, code, text in self.swaks(address, "--quit-after", "RCPT"):
            if command.startswith("RCPT TO"):
                return code, text
        raise MailStackError(f"swaks did not reach RCPT for {address}")

    def send(self, address: str, subject: str, body: str = "test") -> tuple[int, str]:
        """Send one message by SMTP: the answer to the end of DATA (or the refusal)."""
        dialogue = self.swaks(address, "--header", f"Subject: {subject}", "--body", body)
        for command, code, text in dialogue:
            if code >= 400 or command == ".":
                return code, text
        raise MailStackError(f"no answer to DATA for {address}: {dialogue}")

    def verify(self, addresses: list[str], timeout: float = 30) -> dict[str, list]:
        """`sendmail -bv` for each address: {address: [RecipientReport per final recipient]},
        or {address: "deferred ..."} when Postfix does not take the message."""
        reports = self.root / "vmail" / "reports"
        senders = {}
        for address in addresses:
            self._reports += 1
            sender = f"bv{self._reports}@{REPORT_DOMAIN}"
            senders[sender] = address
            result = run(
                ["sendmail", "-bv", "-f", sender, address], check=False, env=self.postfix_env()
            )
            if result.returncode != 0:
                raise MailStackError(f"sendmail -bv {address}: {result.stderr.strip()}")
        found: dict[str, list] = {}

        def collect():
            for folder in ("new", "cur"):
                for path in (reports / folder).glob("*") if (reports / folder).exists() else []:
                    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                    sender = str(message["To"]).strip("<>")
                    if sender in senders and senders[sender] not in found:
                        found[senders[sender]] = parse_report(message)
            return len(found) == len(addresses)

        deadline = time.monotonic() + timeout
        while not collect() and time.monotonic() < deadline:
            time.sleep(0.1)
        for address in addresses:
            found.setdefault(address, self.queue_state(address))
        return found

    def set_style(self, style: str) -> None:
        """Switch the alias map style: rewrite main.cf and restart Postfix."""
        self.reconfigure(style=style)

    def set_delimiter(self, delimiter: str) -> None:
        """Switch the recipient delimiter ('' for none): rewrite main.cf, restart Postfix."""
        self.reconfigure(recipient_delimiter=delimiter)

    def reconfigure(self, **changes) -> None:
        """Change fields of the target (style, recipient_delimiter): rewrite main.cf and
        restart Postfix, unless nothing changes."""
        if all(getattr(self.target, name) == value for name, value in changes.items()):
            return
        self.target = replace(self.target, **changes)
        (Path(self.target.postfix_dir) / "main.cf").write_text(self.postfix_main_cf())
        run(["postfix", "-c", self.target.postfix_dir, "stop"])
        old = self.processes.pop("postfix")
        wait_for(lambda: not _alive(old), "Postfix stop")
        self._start_postfix_master()

    def log_has(self, text: str) -> bool:
        return text in self.flush_log()

    def queue_state(self, address: str) -> str:
        return (
            "no report: "
            + run(["postqueue", "-c", self.target.postfix_dir, "-p"], check=False).stdout[-2000:]
        )

    def flush_log(self) -> str:
        log = self.root / "postfix.log"
        return log.read_text(errors="replace") if log.exists() else ""

    # --- Courier -------------------------------------------------------------------------
    def start_courier(self) -> None:
        etc = self.root / "courier-etc"
        var = self.root / "courier-run"
        etc.mkdir()
        var.mkdir()
        shutil.chown(var, user="daemon", group="daemon") if _has_user("daemon") else None
        (etc / "authdaemonrc").write_text(
            'authmodulelist="authmysql"\nauthmodulelistorig="authmysql"\ndaemons=3\n'
            "authdaemonvar=/run/courier/authdaemon\nDEBUG_LOGIN=0\n"
            'DEFAULTOPTIONS=""\nLOGGEROPTS=""\n'
        )
        config.write(config.generate("courier", self.target), etc)
        os.chmod(etc / "authmysqlrc", 0o644)
        Path("/run/courier/authdaemon").mkdir(parents=True, exist_ok=True)
        script = (
            "set -e; mount --make-rprivate / ; "
            f"mount --bind {etc} /etc/courier; mount --bind {var} /run/courier/authdaemon; "
            f"exec {PACKAGES['authdaemond']}"
        )
        log = open(self.root / "courier.log", "w")  # noqa: SIM115 - lives as long as the daemon
        process = subprocess.Popen(
            ["unshare", "--mount", "sh", "-c", script],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._record("courier", process.pid)
        self.courier_pid = process.pid
        wait_for(
            lambda: (var / "socket").exists() or process.poll() is not None,
            "Courier authdaemond socket",
            log=self.root / "courier.log",
        )
        if process.poll() is not None:
            raise MailStackError(
                "Courier authdaemond exited: " + (self.root / "courier.log").read_text()
            )

    def courier_auth(self, address: str, password: str) -> Auth:
        result = run(
            [
                "nsenter",
                "--target",
                str(self.courier_pid),
                "--mount",
                PACKAGES["authtest"],
                address,
                password,
            ],
            check=False,
        )
        fields = {}
        for line in result.stdout.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                fields[key.strip()] = value.strip()
        ok = result.returncode == 0 and "Authentication succeeded" in result.stdout
        return Auth(ok, fields, result.stdout + result.stderr)

    # --- Dovecot -------------------------------------------------------------------------
    def dovecot_conf(self) -> str:
        """A private dovecot.conf around the generated files. The 2.4 variant follows
        Dovecot 2.4's renamed settings; only 2.3 (Debian 12) has run here."""
        d = self.target.dovecot_dir
        v24 = self.target.dovecot_version == "2.4"
        lines = [
            "dovecot_config_version = 2.4.0" if v24 else "",
            "dovecot_storage_version = 2.4.0" if v24 else "",
            f"base_dir = {self.root}/dovecot-run",
            f"state_dir = {self.root}/dovecot-state",
            f"log_path = {self.root}/dovecot.log",
            "protocols = imap",
            "listen = 127.0.0.1",
            "ssl = no",
            "auth_mechanisms = plain",
            "auth_allow_cleartext = yes" if v24 else "disable_plaintext_auth = no",
            "first_valid_uid = 1000",
            "auth_failure_delay = 0",  # a refused login answers at once (tests only)
            "service imap-login {",
            "  chroot =",
            "  inet_listener imap {",
            f"    {'listen' if v24 else 'address'} = 127.0.0.1",
            f"    port = {self.imap_port}",
            "  }",
            "  inet_listener imaps {",
            "    port = 0",
            "  }",
            "}",
            "service anvil {",
            "  chroot =",
            "}",
            # Postfix's SASL (the submission service), as README's "Who may send" shows.
            "service auth {",
            f"  unix_listener {self.sasl_socket} {{",
            "    mode = 0666",
            "  }",
            "}",
            f"!include {d}/auth-sql.conf.ext",
            f"!include {d}/quota.conf",
        ]
        return "\n".join(line for line in lines if line) + "\n"

    def start_dovecot(self) -> None:
        d = Path(self.target.dovecot_dir)
        d.mkdir()
        config.write(config.generate("dovecot", self.target), d)
        (d / "dovecot.conf").write_text(self.dovecot_conf())
        for sub in ("dovecot-run", "dovecot-state", "sasl"):
            (self.root / sub).mkdir()
        log = open(self.root / "dovecot.err", "w")  # noqa: SIM115 - lives as long as the daemon
        process = subprocess.Popen(
            ["dovecot", "-F", "-c", str(d / "dovecot.conf")],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._record("dovecot", process.pid)
        wait_for(
            lambda: port_open(self.imap_port) or process.poll() is not None,
            "Dovecot IMAP listening",
            log=self.root / "dovecot.log",
        )
        if process.poll() is not None:
            err = (self.root / "dovecot.err").read_text()
            raise MailStackError(f"Dovecot exited: {err}")

    def doveadm(self, *args: str) -> subprocess.CompletedProcess:
        return run(["doveadm", "-c", f"{self.target.dovecot_dir}/dovecot.conf", *args], check=False)

    def dovecot_auth(self, address: str, password: str) -> Auth:
        # no-penalty: no growing delay after refused logins (anvil auth penalty)
        result = self.doveadm("auth", "test", "-x", "no-penalty", address, password)
        ok = result.returncode == 0 and "auth succeeded" in result.stdout
        return Auth(ok, _fields(result.stdout), result.stdout + result.stderr)

    def dovecot_user(self, address: str) -> dict | None:
        result = self.doveadm("user", address)
        if result.returncode != 0:
            return None
        return _fields(result.stdout)

    def imap_login(self, address: str, password: str) -> bool:
        import imaplib

        with imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10) as imap:
            try:
                imap.login(address, password)
            except imaplib.IMAP4.error:
                return False
            imap.logout()
            return True


def _fields(text: str) -> dict:
    """Fields of `doveadm user` (`name<TAB>value`) or `doveadm auth test` (`  name=value`)."""
    fields = {}
    for line in text.splitlines():
        if "\t" in line:
            name, _, value = line.partition("\t")
            if name != "field":
                fields[name.strip()] = value.strip()
        elif line.startswith("  ") and "=" in line:
            name, _, value = line.strip().partition("=")
            fields[name] = value
    return fields


def _has_user(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def _kill(pid: int, timeout: float = 10) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            finished, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:  # not our child: poll for it
            finished = 0 if _alive(pid) else pid
        if finished:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def parse_report(message) -> list[RecipientReport]:
    """The per-recipient blocks of a Postfix `sendmail -bv` report (RFC 3464)."""
    results = []
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in part.get_payload():
            final = block.get("Final-Recipient")
            if not final:
                continue
            recipient = str(final).split(";", 1)[-1].strip().lower()
            action = str(block.get("Action", "")).strip().lower()
            text = " ".join(str(block.get("Diagnostic-Code", "")).split())
            results.append(RecipientReport(recipient, action == "deliverable", text))
    return results
