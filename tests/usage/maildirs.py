"""Maildirs on disk for the usage tests: messages in cur/ and new/, folders, maildirsize."""

import os
from pathlib import Path


def message(folder: Path, sub: str, name: str, size: int, *, s_in_name: bool = False) -> Path:
    (folder / sub).mkdir(parents=True, exist_ok=True)
    if s_in_name:
        name = f"{name},S={size}"
    path = folder / sub / name
    path.write_bytes(b"x" * size)
    return path


def maildir(root: Path, relative: str = "example.org/john/") -> Path:
    path = root / relative
    for sub in ("cur", "new", "tmp"):
        (path / sub).mkdir(parents=True, exist_ok=True)
    return path


def write_maildirsize(path: Path, lines: list[str], *, later_by_ns: int = 10**9) -> None:
    """A maildirsize written after every change in the maildir (or before, when negative)."""
    target = path / "maildirsize"
    target.write_text("\n".join(["1000000S,100C", *lines]) + "\n")
    newest = max(os.stat(d).st_mtime_ns for d in path.glob("**/") if d.name in ("cur", "new"))
    stamp = newest + later_by_ns
    os.utime(target, ns=(stamp, stamp))
