"""How much mail a maildir holds: bytes and messages, read off the disk.

Courier's and Dovecot's quota code keep a Maildir++ `maildirsize` file in the maildir: a
first line with the quota, then lines `<bytes> <messages>` (deltas, possibly negative) that
add up to the use. Postfix's virtual delivery does not write it, and a move or delete by a
client without quota code does not either. So the file is taken only when it is current:
written no earlier than the last change of every folder's `new/` and `cur/` directories (a
delivery, a move or a removal changes its directory's time). Otherwise the maildir is walked:
`cur/` and `new/` of the maildir and of every Maildir++ folder (`.Name/`), counting files and
their sizes (the `,S=<size>` of a Maildir++ file name when present, else the file's own size).

Imports nothing of the project: the collector and the benchmark call it from many threads.
"""

import os
import re
from dataclasses import dataclass

MAILDIRSIZE = "maildirsize"
MAILDIRSIZE_SOURCE = "maildirsize"
WALK_SOURCE = "walk"
MISSING_SOURCE = "missing"  # no maildir yet: nothing was ever delivered
_SIZE_IN_NAME = re.compile(r",S=(\d+)")


@dataclass(frozen=True)
class Measurement:
    bytes: int
    messages: int
    source: str  # MAILDIRSIZE_SOURCE, WALK_SOURCE or MISSING_SOURCE


def folders(maildir: str) -> list[str]:
    """The maildir itself and its Maildir++ folders (`.Sent/`, `.Trash/`, `.a.b/`)."""
    found = [maildir]
    try:
        with os.scandir(maildir) as entries:
            for entry in entries:
                if entry.name.startswith(".") and entry.name not in (".", "..") and entry.is_dir():
                    found.append(entry.path)
    except FileNotFoundError:
        return []
    return found


def _mail_dirs(maildir: str) -> list[str]:
    return [os.path.join(f, sub) for f in folders(maildir) for sub in ("cur", "new")]


def read_maildirsize(path: str) -> tuple[int, int] | None:
    """(bytes, messages) a `maildirsize` file adds up to; None when it cannot be read."""
    try:
        with open(path, encoding="ascii", errors="replace") as stream:
            lines = stream.read().splitlines()
    except OSError:
        return None
    size = count = 0
    for line in lines[1:]:
        parts = line.split()
        if not parts:
            continue
        try:
            size += int(parts[0])
            count += int(parts[1]) if len(parts) > 1 else 0
        except ValueError:
            return None
    if size < 0 or count < 0:
        return None
    return size, count


def _maildirsize_if_current(maildir: str, dirs: list[str]) -> tuple[int, int] | None:
    path = os.path.join(maildir, MAILDIRSIZE)
    try:
        written = os.stat(path).st_mtime_ns
    except OSError:
        return None
    for directory in dirs:
        try:
            if os.stat(directory).st_mtime_ns > written:
                return None
        except FileNotFoundError:
            continue
    return read_maildirsize(path)


def walk(dirs: list[str]) -> tuple[int, int]:
    """(bytes, messages) of the files in `dirs` (each a `cur/` or `new/`)."""
    size = count = 0
    for directory in dirs:
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    named = _SIZE_IN_NAME.search(entry.name)
                    try:
                        if named:
                            if not entry.is_file():
                                continue
                            size += int(named.group(1))
                        else:
                            stat = entry.stat(follow_symlinks=False)
                            if not entry.is_file(follow_symlinks=False):
                                continue
                            size += stat.st_size
                    except FileNotFoundError:  # expunged while we looked
                        continue
                    count += 1
        except (FileNotFoundError, NotADirectoryError):
            continue
    return size, count


def measure(maildir: str) -> Measurement:
    """Bytes and messages of the maildir at `maildir` (an absolute path)."""
    dirs = _mail_dirs(maildir)
    if not dirs:
        return Measurement(0, 0, MISSING_SOURCE)
    current = _maildirsize_if_current(maildir, dirs)
    if current is not None:
        return Measurement(*current, MAILDIRSIZE_SOURCE)
    return Measurement(*walk(dirs), WALK_SOURCE)
