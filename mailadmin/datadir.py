"""The data directory (MAILADMIN_DATA_DIR) and what the panel writes into it: the secret key,
the SQLite database, the mail servers' database password. Only the panel's own user may
read any of it: directories it creates are mode 700, files mode 600.

No Django imports: settings.py uses this module before Django is set up.
"""

import contextlib
import logging
import os
import secrets
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700

log = logging.getLogger(__name__)


def private_dir(path: Path) -> Path:
    """`path`, created mode 700 if missing (an existing directory keeps its mode)."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def generated_secret(path: Path, nbytes: int) -> str:
    """The secret in `path`, generated into a new mode-600 file the first time.

    Written beside it and hard-linked into place: two processes starting at once agree on one
    secret, and neither reads half of it.
    """
    if not path.exists():
        private_dir(path.parent)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with open(fd, "w") as stream:
                stream.write(secrets.token_urlsafe(nbytes))
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(temp, path)
        finally:
            os.unlink(temp)
    return path.read_text().strip()


def sqlite_files(database: str) -> list[Path]:
    """The database file and the journal files SQLite keeps beside it."""
    return [Path(database + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def make_private(path: Path) -> None:
    """Take group and other permissions off a file the panel owns (a no-op if already so)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
    except FileNotFoundError:
        pass
    except PermissionError:
        log.warning("%s is readable by other users and not ours to change (chmod 600 it)", path)


def private_sqlite_file(sender, connection, **kwargs) -> None:
    """connection_created: the SQLite file holds every password hash, so it is mode 600
    whoever created it (SQLite creates it with the umask's mode, usually 644)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return
    for path in sqlite_files(str(connection.settings_dict["NAME"])):
        make_private(path)
