"""The French and German catalogues are complete: every message of the code is translated,
none is fuzzy, and each translation has its source's placeholders."""

import importlib.util
from pathlib import Path

import polib
import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "check-messages.py"
_spec = importlib.util.spec_from_file_location("check_messages", SCRIPT)
check_messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_messages)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES/django.po"))


@pytest.mark.parametrize("language", ["fr", "de"])
def test_every_message_is_translated_with_its_placeholders(language):
    assert check_messages.problems(catalogue(language), language) == []


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_catalogue_says_its_language_and_plural_rule(language):
    po = catalogue(language)
    assert po.metadata["Language"] == language
    assert "nplurals=2" in po.metadata["Plural-Forms"]


def test_every_message_of_the_code_is_in_the_catalogues(capsys):
    assert check_messages.main() == 0, capsys.readouterr().err


def make_entry(msgid: str, msgstr: str, *, fuzzy: bool = False) -> polib.POFile:
    po = polib.POFile()
    po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, flags=["fuzzy"] if fuzzy else []))
    return po


def test_the_check_finds_a_missing_translation():
    assert check_messages.problems(make_entry("Domains", ""), "fr")


def test_the_check_finds_a_fuzzy_translation():
    assert check_messages.problems(make_entry("Domains", "Domaines", fuzzy=True), "fr")


@pytest.mark.parametrize(
    "msgid, msgstr",
    [
        ("%(address)s is disabled", "%(adresse)s est désactivée"),
        ("%(count)s of %(total)s", "%(count)s"),
        ("%s mailboxes", "boîtes"),
        ("{name} is here", "{nom} est là"),
    ],
)
def test_the_check_finds_different_placeholders(msgid, msgstr):
    assert check_messages.problems(make_entry(msgid, msgstr), "fr")


def test_the_check_takes_placeholders_in_another_order():
    po = make_entry("%(size)s of %(max_size)s", "%(max_size)s: %(size)s")
    assert check_messages.problems(po, "de") == []
