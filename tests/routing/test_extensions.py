"""Address extensions in the routing model (no mail server: SQLite too; the `mailstack` layer
checks the same answers against real Postfix): the delimiter setting, how Postfix splits an
address, and the tracer, the findings and "who delivers to me" following it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from aliases import services as aliases
from aliases.models import Alias
from audit.findings.report import run_checks
from domains import services as domains
from mailadmin.addresses import check_recipient_delimiter
from mailstack import config, tracer
from mailstack.tracer import BOUNCED, DEFERRED, DELIVERED, FORWARDED
from routing.extensions import add_extension, recipient_delimiter, split_extension
from routing.rules import lookup, mailbox_state
from routing.sources import sources_of
from routing.tables import LazyTables, PreloadedTables

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Extension-Passw0rd-1"


@pytest.mark.parametrize(
    ("address", "delimiter", "split"),
    [
        ("xandros+tag@blobber.org", "+", ("xandros@blobber.org", "+tag")),
        ("a+b+c@x.org", "+", ("a@x.org", "+b+c")),  # at the first delimiter
        ("a-b+c@x.org", "+-", ("a@x.org", "-b+c")),  # any of the characters
        ("a+b-c@x.org", "-", ("a+b@x.org", "-c")),
        ("alice+@x.org", "+", ("alice@x.org", "+")),
        ("+x@x.org", "+", None),  # the user part would be empty
        ("xandros@blobber.org", "+", None),
        ("xandros+tag@blobber.org", "", None),  # off
        ("postmaster@x.org", "t", None),  # never split
        ("PostMaster@x.org", "s", None),
        ("mailer-daemon@x.org", "-", None),
        ("double-bounce@x.org", "-", None),
        ("owner-list@x.org", "-", None),  # with '-' only
        ("list-request@x.org", "-", None),
        ("owner-list@x.org", "+-", None),
        ("owner+list@x.org", "+", ("owner@x.org", "+list")),
        ("my-list+x@x.org", "+", ("my-list@x.org", "+x")),
        ("a+b@my-domain.org", "-", None),  # only the local part splits
        ("root+x", "+", ("root", "+x")),  # unqualified
    ],
)
def test_an_address_splits_as_postfix_splits_it(address, delimiter, split):
    assert split_extension(address, delimiter) == split


def test_the_extension_goes_before_the_last_at():
    assert add_extension("karl.vovianda@gmail.com", "+x") == "karl.vovianda+x@gmail.com"
    assert add_extension("list+news@example.net", "+y") == "list+news+y@example.net"
    assert add_extension("root", "+x") == "root+x"
    assert add_extension("a@b.org", "") == "a@b.org"


@pytest.mark.parametrize("value", ["+", "-", "+-", "_=.", ""])
def test_a_delimiter_is_printable_ascii_that_leaves_addresses_whole(value):
    assert check_recipient_delimiter(value) == value


@pytest.mark.parametrize("value", [" ", "+ ", "@", "$", ",", '"', "\\", "<", "é", "\t", ";"])
def test_characters_that_break_an_address_or_main_cf_are_refused(value):
    with pytest.raises(ValidationError):
        check_recipient_delimiter(value)


def settings_delimiter(tmp_path, value: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILADMIN_")}
    env.update(SECRET_KEY="settings-test", MAILADMIN_DATA_DIR=str(tmp_path))
    if value is not None:
        env["MAILADMIN_RECIPIENT_DELIMITER"] = value
    code = "from mailadmin import settings as s; print(repr(s.MAILADMIN_RECIPIENT_DELIMITER))"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_the_setting_comes_from_the_environment_and_fails_loudly(tmp_path):
    assert settings_delimiter(tmp_path, None).stdout.strip() == "'+'"
    assert settings_delimiter(tmp_path, "").stdout.strip() == "''"
    assert settings_delimiter(tmp_path, "-+").stdout.strip() == "'-+'"
    bad = settings_delimiter(tmp_path, "+@")
    assert bad.returncode != 0
    assert "ImproperlyConfigured: MAILADMIN_RECIPIENT_DELIMITER" in bad.stderr


def test_routing_reads_the_setting(settings):
    settings.MAILADMIN_RECIPIENT_DELIMITER = "-"
    assert recipient_delimiter() == "-"
    assert LazyTables().delimiter == "-"
    settings.MAILADMIN_RECIPIENT_DELIMITER = "a b"
    with pytest.raises(ValidationError):
        recipient_delimiter()


# --- mail config postfix -------------------------------------------------------------------
TARGET = config.Target(db_name="maildb", db_password="s3cret-Pw")


def main_cf(**fields) -> str:
    from dataclasses import replace

    return config.generate("postfix", replace(TARGET, **fields))["main.cf.mailadmin"]


def test_main_cf_sets_the_recipient_delimiter():
    assert "\nrecipient_delimiter = +\n" in main_cf()
    assert "\nrecipient_delimiter = -+\n" in main_cf(recipient_delimiter="-+")
    # Off: written empty, so it also overrides an earlier line of main.cf.
    assert "\nrecipient_delimiter =\n" in main_cf(recipient_delimiter="")
    with pytest.raises(ValidationError):
        config.Target(db_name="maildb", db_password="pw", recipient_delimiter="$")


@pytest.mark.django_db
def test_the_generated_delimiter_is_the_setting(settings):
    settings.MAILADMIN_RECIPIENT_DELIMITER = "-"
    target = config.target_for_database(db_name="maildb", db_password="pw", dovecot_version="2.3")
    assert target.recipient_delimiter == "-"


# --- the tracer ----------------------------------------------------------------------------
def outcomes(result) -> list[tuple[str, str]]:
    return [(r.address, r.outcome) for r in result.recipients]


@pytest.fixture
def home(settings):
    settings.MAILADMIN_MAIL_HOME = "/var/spool/mail/virtual"
    return settings.MAILADMIN_MAIL_HOME


def test_a_mailbox_gets_its_extension_addresses(guide_data, home):
    result = tracer.trace("xandros+tag@blobber.org", delimiter="+")
    assert result.smtp_code == 250
    assert outcomes(result) == [("xandros+tag@blobber.org", DELIVERED)]
    assert result.recipients[0].maildir == f"{home}/blobber.org/xandros/"
    assert [s.kind for s in result.steps] == ["domain", "extension", "self", "mailbox"]
    assert "+tag" in result.steps[1].text


def test_a_forward_carries_the_extension_a_catch_all_does_not(guide_data):
    assert outcomes(tracer.trace("karl+x@blobber.org", delimiter="+")) == [
        ("karl.vovianda+x@gmail.com", FORWARDED)
    ]
    assert outcomes(tracer.trace("nobody+x@whopper.nu", delimiter="+")) == [
        ("xandros@blobber.org", DELIVERED)
    ]


@pytest.mark.parametrize("style", ["guide", "no-backscatter"])
def test_a_domain_alias_keeps_the_whole_local_part(guide_data, style):
    result = tracer.trace("vivita+x@lala.com", style=style, delimiter="+")
    assert outcomes(result) == [("vivita+x@blobber.org", DELIVERED)]


def test_unknown_users_with_an_extension(guide_data):
    assert tracer.trace("nobody+x@blobber.org", delimiter="+").smtp_code == 550
    guide = tracer.trace("stranger+x@lala.com", style="guide", delimiter="+")
    assert (guide.smtp_code, outcomes(guide)) == (250, [("stranger+x@blobber.org", BOUNCED)])
    assert tracer.trace("stranger+x@lala.com", style="no-backscatter", delimiter="+").smtp_code == (
        550
    )


def test_without_a_delimiter_an_extension_address_is_unknown(guide_data, settings):
    for address in ("xandros+tag@blobber.org", "karl+x@blobber.org"):
        assert tracer.trace(address, delimiter="").smtp_code == 550
    # vivita+x@lala.com: the domain alias still rewrites, then no mailbox takes it.
    result = tracer.trace("vivita+x@lala.com", style="guide", delimiter="")
    assert outcomes(result) == [("vivita+x@blobber.org", BOUNCED)]
    settings.MAILADMIN_RECIPIENT_DELIMITER = ""
    assert tracer.trace("xandros+tag@blobber.org").smtp_code == 550


def test_a_row_of_the_extension_address_matches_whole(guide_data, actor):
    aliases.create_alias("xandros+spam@blobber.org", "karl@blobber.org", actor=actor)
    assert outcomes(tracer.trace("xandros+spam@blobber.org", delimiter="+")) == [
        ("karl.vovianda@gmail.com", FORWARDED)
    ]
    # The extension starts at the first '+': xandros+spam+x is xandros's.
    assert outcomes(tracer.trace("xandros+spam+x@blobber.org", delimiter="+")) == [
        ("xandros+spam+x@blobber.org", DELIVERED)
    ]


def test_disabled_rows_are_passed_over(guide_data, actor):
    aliases.create_alias("xandros+off@blobber.org", "karl@blobber.org", actor=actor, enabled=False)
    result = tracer.trace("xandros+off@blobber.org", delimiter="+")
    assert outcomes(result) == [("xandros+off@blobber.org", DELIVERED)]
    assert any("xandros+off@blobber.org is disabled" in s.text for s in result.steps)
    domains.create_mailbox("mia@whopper.nu", PASSWORD, actor=actor)
    Alias.objects.filter(mail="mia@whopper.nu").update(enabled=False)  # as SQL would
    # mia's own row is disabled: the catch-all takes mia+x, as it takes mia.
    result = tracer.trace("mia+x@whopper.nu", delimiter="+")
    assert outcomes(result) == [("xandros@blobber.org", DELIVERED)]
    assert any("alias mia@whopper.nu is disabled" in s.text for s in result.steps)
    domains.set_mailbox_enabled("vivita@blobber.org", False, actor=actor)
    assert tracer.trace("vivita+x@blobber.org", delimiter="+").smtp_code == 550


def test_a_mailbox_without_an_alias_row_takes_its_extensions(guide_data, actor):
    domains.create_mailbox("zoe@blobber.org", PASSWORD, actor=actor)
    Alias.objects.filter(mail="zoe@blobber.org").delete()  # a mailbox typed in with SQL
    result = tracer.trace("zoe+x@blobber.org", delimiter="+")
    assert result.smtp_code == 250
    assert outcomes(result) == [("zoe+x@blobber.org", DELIVERED)]
    assert "mailbox zoe@blobber.org" in result.steps[-1].text


def test_a_loop_carrying_an_extension_is_deferred(guide_data, actor):
    aliases.create_alias("a@blobber.org", "b+q@blobber.org", actor=actor)
    aliases.create_alias("b@blobber.org", "a@blobber.org", actor=actor)
    result = tracer.trace("a@blobber.org", delimiter="+")
    assert outcomes(result) == [("a@blobber.org", DEFERRED)]
    assert "address too long" in result.deferred
    assert len(result.steps) < 20  # the rounds that only grow the extension are not listed
    assert len(result.deferred) < 200
    off = tracer.trace("a@blobber.org", delimiter="")
    assert outcomes(off) == [("b+q@blobber.org", BOUNCED)]


def test_the_trace_says_which_delimiter_it_assumes(guide_data):
    result = tracer.trace("xandros+tag@blobber.org", delimiter="+")
    assert result.recipient_delimiter == "+"
    assert result.as_dict()["recipient_delimiter"] == "+"
    lines = tracer.render_text(result).splitlines()
    assert lines[0] == "Tracing xandros+tag@blobber.org (alias map style: guide)"
    assert lines[1] == "Assuming recipient delimiter: +"
    off = tracer.render_text(tracer.trace("john@whopper.nu", delimiter="")).splitlines()
    assert off[1] == "Assuming recipient delimiter: none (address extensions off)"
    with pytest.raises(ValidationError):
        tracer.trace("john@whopper.nu", delimiter="@")


# --- the rules, the findings and "who delivers to me" ----------------------------------------
def test_one_lookup_tries_the_address_then_without_extension_then_the_domain(guide_data):
    tables = LazyTables(delimiter="+")
    found = lookup(tables, "karl+x@blobber.org")
    assert (found.key, found.extension, found.bare) == (
        "karl@blobber.org",
        "+x",
        "karl@blobber.org",
    )
    assert found.results == ["karl.vovianda+x@gmail.com"]
    catch = lookup(tables, "nobody+x@whopper.nu")
    assert (catch.key, catch.extension, catch.results) == (
        "@whopper.nu",
        "",
        ["xandros@blobber.org"],
    )
    assert mailbox_state(tables, "xandros+tag@blobber.org") is True
    assert mailbox_state(LazyTables(delimiter=""), "xandros+tag@blobber.org") is None


def test_preloaded_tables_read_the_mailbox_of_an_extension_target(guide_data, actor):
    aliases.create_alias("fwd@blobber.org", "xandros+fwd@blobber.org", actor=actor)
    tables = PreloadedTables.load(delimiter="+")
    assert tables.mailboxes.get("xandros@blobber.org") is True
    assert mailbox_state(tables, "xandros+fwd@blobber.org") is True


def dead_ends(**options) -> list[str]:
    return [f.message for f in run_checks(**options).findings if f.kind == "dead-end"]


def test_a_forward_to_an_extension_address_is_no_dead_end_with_a_delimiter(
    guide_data, actor, settings
):
    aliases.create_alias("fwd@blobber.org", "xandros+fwd@blobber.org", actor=actor)
    settings.MAILADMIN_RECIPIENT_DELIMITER = "+"
    assert not [m for m in dead_ends(style="guide") if "xandros+fwd" in m]
    settings.MAILADMIN_RECIPIENT_DELIMITER = ""
    assert [m for m in dead_ends(style="guide") if "xandros+fwd@blobber.org has no mailbox" in m]


def test_a_loop_through_an_extension_is_found(guide_data, actor, settings):
    aliases.create_alias("a@blobber.org", "b+q@blobber.org", actor=actor)
    aliases.create_alias("b@blobber.org", "a@blobber.org", actor=actor)
    settings.MAILADMIN_RECIPIENT_DELIMITER = "+"
    loops = [f.message for f in run_checks(style="guide").findings if f.kind == "loop"]
    assert loops == [
        "Mail loops: a@blobber.org → b@blobber.org → a@blobber.org. Postfix refuses the "
        "message (4.6.0 alias expansion error)."
    ]
    settings.MAILADMIN_RECIPIENT_DELIMITER = ""
    assert not [f for f in run_checks(style="guide").findings if f.kind == "loop"]


def test_a_forward_to_an_extension_address_delivers_to_the_mailbox(guide_data, actor):
    aliases.create_alias("team@whopper.nu", "karl@blobber.org,vivita+team@blobber.org", actor=actor)
    table = [(s.address, s.to) for s in sources_of("vivita@blobber.org", delimiter="+")]
    assert ("team@whopper.nu", "vivita+team@blobber.org") in table
    assert "team@whopper.nu" not in [s.address for s in sources_of("vivita@blobber.org", "")]
    # vivita+team@ with a row of its own goes there instead.
    aliases.create_alias("vivita+team@blobber.org", "karl@blobber.org", actor=actor)
    assert "team@whopper.nu" not in [s.address for s in sources_of("vivita@blobber.org", "+")]


def test_the_trace_page_says_which_delimiter_it_assumes(guide_data, settings):
    from tests.audit.conftest import client_for, staff

    client = client_for(staff("root", superuser=True))
    settings.MAILADMIN_RECIPIENT_DELIMITER = "+"
    response = client.get("/audit/trace/", {"address": "xandros+tag@blobber.org"})
    assert [(r.address, r.outcome) for r in response.context["recipients"]] == [
        ("xandros+tag@blobber.org", DELIVERED)
    ]
    assert b"Assuming recipient delimiter: <code>+</code>." in response.content
    settings.MAILADMIN_RECIPIENT_DELIMITER = ""
    response = client.get("/audit/trace/", {"address": "xandros+tag@blobber.org"})
    assert response.context["result"].smtp_code == 550
    assert b"no recipient delimiter (address extensions off)" in response.content
