"""A live mail-server configuration in a private directory, written from the generated
files, and a stand-in `postconf` that reads its main.cf, for the tests of `mail config diff`
that need no Postfix (the mail-stack test runs the real one)."""

import stat
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from mailstack import config, drift

FAKE_POSTCONF = """\
#!{python}
# postconf -c DIR -n | -d NAME...: the explicit settings of DIR/main.cf, or the defaults.
import sys

DEFAULTS = {{
    "mydestination": "$myhostname, localhost.$mydomain, localhost",
    "local_recipient_maps": "proxy:unix:passwd.byname $alias_maps",
    "propagate_unmatched_extensions": "canonical, virtual",
    "virtual_mailbox_base": "",
    "recipient_delimiter": "",
}}
args = sys.argv[1:]
directory = args[args.index("-c") + 1]
if "-d" in args:
    for name in args[args.index("-d") + 1 :]:
        print(f"{{name}} = {{DEFAULTS.get(name, '')}}")
    sys.exit(0)
try:
    text = open(directory + "/main.cf").read()
except OSError as exc:
    sys.exit(f"postconf: fatal: open {{directory}}/main.cf: {{exc.strerror}}")
values, last = {{}}, None
for line in text.splitlines():
    if not line.strip() or line.lstrip().startswith("#"):
        continue
    if line[0].isspace() and last:
        values[last] += " " + line.strip()
        continue
    name, _, value = line.partition("=")
    last = name.strip()
    values[last] = " ".join(value.split())
for name in sorted(values):
    print(f"{{name}} = {{values[name]}}")
"""


@dataclass
class LiveConfig:
    """The generated files of `target`, installed as a mail host would hold them."""

    root: Path
    target: config.Target

    @property
    def postfix(self) -> Path:
        return self.root / "postfix"

    @property
    def courier(self) -> Path:
        return self.root / "courier"

    @property
    def dovecot(self) -> Path:
        return self.root / "dovecot"

    def live(self, postconf: str) -> drift.Live:
        return drift.Live(str(self.postfix), str(self.courier), str(self.dovecot), postconf)

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new))


def install(root: Path, target: config.Target, conf_d: bool = False) -> LiveConfig:
    """Write the panel's files for `target` under root (Dovecot's auth-sql.conf.ext in
    conf.d when `conf_d`); main.cf is the generated main.cf.mailadmin."""
    installed = LiveConfig(
        root, replace(target, postfix_dir=str(root / "postfix"), dovecot_dir=str(root / "dovecot"))
    )
    files = config.generate("postfix", installed.target)
    config.write(files, installed.postfix)
    (installed.postfix / "main.cf").write_text(files["main.cf.mailadmin"])
    (installed.postfix / "master.cf").write_text(files["master.cf.mailadmin"])
    config.write(config.generate("courier", installed.target), installed.courier)
    dovecot = config.generate("dovecot", installed.target)
    config.write(dovecot, installed.dovecot)
    if conf_d:
        (installed.dovecot / "conf.d").mkdir()
        (installed.dovecot / "auth-sql.conf.ext").rename(
            installed.dovecot / "conf.d" / "auth-sql.conf.ext"
        )
    return installed


def fake_postconf(directory: Path) -> str:
    path = directory / "postconf"
    path.write_text(FAKE_POSTCONF.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)
