#!/usr/bin/env python3
"""`make lint`'s translation check: no message in the code lacks a French or German translation.

makemessages runs into a scratch copy of locale/ (the checkout's .po files stay untouched):
the sources are linked into a temporary directory, so the catalogue it writes is that
directory's. The check fails when a message of the code is missing from the committed
catalogue (run `make messages`), when one is untranslated or fuzzy, or when a translation's
placeholders differ from its source's.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ["fr", "de"]
# What `make messages` leaves out of the scan (the .venv and dot-directories are ignored by
# makemessages itself).
IGNORE = ["node_modules", "var", "bench", "tests", "docs", "locale", "build", "*.egg-info"]
# %(name)s, %s, %d, %r ... and {name}, as Python formats them.
PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[sdrifx]|%[sdrifx]|\{\w*\}")


def _placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", "")))


def problems(catalogue: polib.POFile, language: str) -> list[str]:
    """What is wrong with one language's catalogue: untranslated, fuzzy, placeholders."""
    found = []
    for entry in catalogue:
        if entry.obsolete:
            continue
        where = f"{language}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            found.append(f"{where} is fuzzy")
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(translations):
            found.append(f"{where} has no translation")
            continue
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        expected = [_placeholders(s) for s in sources]
        for text in translations:
            # A plural's singular may drop the count ("une boîte" for %(count)s = 1).
            got = _placeholders(text)
            if got not in expected and not (entry.msgid_plural and set(got) <= set(expected[-1])):
                found.append(f"{where}: placeholders {got} in {text!r}, expected {expected[0]}")
    return found


def extract(scratch: Path) -> None:
    """makemessages over the linked sources into scratch/locale."""
    for item in ROOT.iterdir():
        if item.name.startswith(".") or item.name in IGNORE or item.suffix == ".egg-info":
            continue
        (scratch / item.name).symlink_to(item)
    shutil.copytree(ROOT / "locale", scratch / "locale")
    command = [sys.executable, str(ROOT / "manage.py"), "makemessages", "--symlinks"]
    command += [f"--locale={language}" for language in LANGUAGES]
    command += [f"--ignore={pattern}" for pattern in IGNORE]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(command, cwd=scratch, check=True, stdout=subprocess.DEVNULL, env=env)


def key(entry: polib.POEntry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def main() -> int:
    failures = []
    with tempfile.TemporaryDirectory() as scratch:
        extract(Path(scratch))
        for language in LANGUAGES:
            name = f"{language}/LC_MESSAGES/django.po"
            fresh = polib.pofile(str(Path(scratch) / "locale" / name))
            committed = polib.pofile(str(ROOT / "locale" / name))
            known = {key(e) for e in committed if not e.obsolete}
            for entry in fresh:
                if not entry.obsolete and key(entry) not in known:
                    failures.append(f"{language}: {entry.msgid!r} is not in locale/{name}")
            failures += problems(committed, language)
    for failure in failures:
        print(failure, file=sys.stderr)
    if failures:
        print(
            f"{len(failures)} translation problems: run `make messages`, translate the new "
            "strings in locale/fr and locale/de (README, 'Languages').",
            file=sys.stderr,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
