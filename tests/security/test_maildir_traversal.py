"""Issue 13, item 1: a mailbox's maildir `domain/local/` never leaves its domain's directory.

A quoted local part (`"x/../../other.org/mary/"@example.org`), a `/` in a plain one
(`john/.sent@example.org`, a Maildir++ folder of john's maildir), `.`/`..` and hidden
components are refused by the one address validator, for every writer (forms, command
line, CSV import, the flurdy import's rows); a maildir column of an import stays in its own
domain's directory; `mail check` reports existing rows that escape or overlap.
"""

import io
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from aliases.models import Alias
from audit.findings.checks import CheckContext, check_maildirs
from audit.findings.report import run_checks
from bulk.importer import import_csv, run_import
from domains import services
from domains.models import Mailbox
from mailadmin import maildirs
from mailadmin.addresses import normalize_address
from tests.conftest import ACTOR
from tests.security.conftest import MAIL_PASSWORD

TRAVERSALS = [
    '"x/../../other.org/mary/"@example.org',  # into another domain's tree
    '"../../../../tmp/x"@example.org',  # out of virtual_mailbox_base
    '"../other.org/mary"@example.org',
    "john/.sent@example.org",  # another mailbox's Maildir++ folder
    "x/../../other.org/mary@example.org",
    "../mary@example.org",
    "..@example.org",
    ".@example.org",
    ".hidden@example.org",
    "john\\/.sent@example.org",
    '"john"@example.org',
    '"a@other.org"@example.org',
]


@pytest.mark.parametrize("text", TRAVERSALS)
def test_the_address_validator_refuses_every_shape_that_could_leave_the_domain(text):
    with pytest.raises(ValidationError):
        normalize_address(text)


@pytest.mark.parametrize("text", TRAVERSALS)
def test_the_mailbox_form_refuses_a_local_part_that_would_leave_the_domain(su_client, text):
    local = text.rpartition("@")[0]
    data = {"local_part": local, "password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD}
    response = su_client.post("/domains/example.org/mailboxes/add/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["local_part"]
    assert list(Mailbox.objects.values_list("address", flat=True).order_by("address")) == [
        "john@example.org",
        "mary@other.org",
    ]


def test_a_domain_admin_cannot_reach_another_domains_maildir(a_client):
    local = '"x/../../other.org/mary/"'
    data = {"local_part": local, "password1": MAIL_PASSWORD, "password2": MAIL_PASSWORD}
    response = a_client.post("/domains/example.org/mailboxes/add/", data)
    assert response.status_code == 200
    assert "quoting" in response.content.decode()
    assert not Mailbox.objects.filter(maildir__contains="..").exists()


@pytest.mark.parametrize("text", TRAVERSALS)
def test_the_command_line_refuses_them_with_one_line_and_exit_1(mail_data, monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(MAIL_PASSWORD + "\n"))
    with pytest.raises(CommandError) as error:
        call_command("mail", "mailbox", "add", text, "--password-stdin", stdout=io.StringIO())
    assert error.value.returncode == 1
    assert "\n" not in str(error.value).strip()
    assert not Mailbox.objects.exclude(address__in=["john@example.org", "mary@other.org"])


@pytest.mark.parametrize("text", TRAVERSALS)
def test_the_import_refuses_them_and_writes_nothing(mail_data, text):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kind", "address", "password"])
    writer.writerow(["mailbox", text, MAIL_PASSWORD])
    report = import_csv(io.StringIO(out.getvalue()), actor=ACTOR, source="evil.csv")
    assert not report.ok
    assert Mailbox.objects.count() == 2


@pytest.mark.parametrize(
    "text", ['"a@x"@example.org', '"a@other.org"@example.org', "a/b@example.org"]
)
def test_an_alias_source_or_destination_of_those_shapes_is_refused(mail_data, text):
    from aliases import services as alias_services

    with pytest.raises(ValidationError):
        alias_services.create_alias(text, "john@example.org", actor=ACTOR)
    with pytest.raises(ValidationError):
        alias_services.create_alias("team@example.org", text, actor=ACTOR)
    assert not Alias.objects.filter(mail__contains='"').exists()


@pytest.mark.parametrize(
    "maildir",
    [
        "../other.org/mary/",
        "example.org/../other.org/mary/",
        "other.org/mary/",
        "/var/mail/other.org/mary/",
        "example.org/john/.sent/",
        "example.org/./x/",
        "example.org//x/",
        "example.org/",
        "example.org\\..\\other.org/",
    ],
)
def test_an_imported_maildir_column_stays_in_its_own_domains_directory(mail_data, maildir):
    rows = [{"kind": "mailbox", "address": "new@example.org", "password": MAIL_PASSWORD}]
    rows[0]["maildir"] = maildir
    report = run_import(_rows(rows), actor=ACTOR, source="evil.csv")
    assert not report.ok
    assert "maildir" in " ".join(str(p) for p in report.errors)
    assert not Mailbox.objects.filter(address="new@example.org").exists()


def test_an_imported_maildir_in_the_guides_layout_is_still_accepted(mail_data):
    rows = [{"kind": "mailbox", "address": "new@example.org", "password": MAIL_PASSWORD}]
    rows[0]["maildir"] = "new/"
    report = run_import(_rows(rows), actor=ACTOR, source="guide.csv")
    assert report.ok, report.errors
    assert Mailbox.objects.get(address="new@example.org").maildir == "new/"


def _rows(rows: list[dict]):
    from bulk.csvformat import Row

    return [Row(n, f"line {n}", r["kind"], r) for n, r in enumerate(rows, start=2)]


def test_a_new_mailbox_gets_a_maildir_built_only_from_its_validated_parts(db):
    assert maildirs.for_address("John.Doe@Example.ORG") == "example.org/john.doe/"
    for text in TRAVERSALS:
        with pytest.raises(ValidationError):
            maildirs.for_address(text)
    with pytest.raises(ValidationError):
        services.new_mailbox_row('"../../tmp/x"@example.org')


@pytest.mark.parametrize(
    ("maildir", "resolved"),
    [
        ("example.org/john/", "example.org/john/"),
        ("example.org/./john//", "example.org/john/"),
        ("example.org/x/../../other.org/mary/", "other.org/mary/"),
        ("../../../../tmp/x/", None),
        ("example.org/../../x/", None),
        ("/tmp/x/", None),
        ("", None),
        ("./", None),
    ],
)
def test_a_maildir_resolves_as_the_servers_open_it(maildir, resolved):
    assert maildirs.resolve(maildir) == resolved


# --- mail check on rows written before this check existed ----------------------------------


def _legacy(address: str, maildir: str) -> None:
    Mailbox.objects.create(address=address, crypt="x", maildir=maildir)


def _maildir_findings(domains=None) -> dict[str, str]:
    """object -> its maildir findings' messages, joined."""
    found: dict[str, str] = {}
    for finding in check_maildirs(CheckContext(domains)):
        assert finding.level == "error"
        found[finding.object_id] = f"{found.get(finding.object_id, '')} {finding.message}"
    return found


def test_mail_check_reports_a_maildir_in_another_domains_directory(mail_data):
    _legacy('"x/../../other.org/mary/"@example.org', 'example.org/"x/../../other.org/mary/"/')
    found = _maildir_findings()
    assert "in the directory of domain other.org" in found['"x/../../other.org/mary/"@example.org']
    # ... and inside mary's maildir, reported on both sides
    assert "inside the maildir of mary@other.org" in found['"x/../../other.org/mary/"@example.org']
    assert "holds the maildir of" in found["mary@other.org"]


def test_a_finding_for_an_address_the_panel_refuses_says_to_fix_it_by_hand(mail_data):
    _legacy('"../../../../tmp/x"@example.org', 'example.org/"../../../../tmp/x"/')
    [finding] = check_maildirs(CheckContext())
    assert finding.link is None and "by hand" in finding.message
    _legacy("john/.sent@example.org", "example.org/john/.sent/")
    john = [f for f in check_maildirs(CheckContext()) if f.object_id == "john@example.org"]
    assert john[0].link == "/domains/mailboxes/john@example.org/"


def test_mail_check_reports_a_maildir_that_leaves_the_mail_store(mail_data):
    _legacy('"../../../../tmp/x"@example.org', 'example.org/"../../../../tmp/x"/')
    _legacy("abs@example.org", "/etc/")
    found = _maildir_findings()
    assert "out of virtual_mailbox_base" in found['"../../../../tmp/x"@example.org']
    assert "absolute" in found["abs@example.org"]


def test_mail_check_reports_a_mailbox_inside_another_mailboxs_maildir(mail_data):
    _legacy("john/.sent@example.org", "example.org/john/.sent/")
    found = _maildir_findings()
    assert "inside the maildir of john@example.org" in found["john/.sent@example.org"]
    assert "holds the maildir of john/.sent@example.org" in found["john@example.org"]
    code = _check_exit_code()
    assert code == 1


def test_mail_check_reports_two_domains_sharing_the_guides_layout(mail_data):
    _legacy("xandros@example.org", "xandros/")
    _legacy("xandros@other.org", "xandros/")
    _legacy("vivita@other.org", "vivita/")
    found = _maildir_findings()
    assert set(found) == {"xandros@example.org", "xandros@other.org"}
    assert "the same maildir as" in found["xandros@other.org"]


def test_a_domain_admin_sees_only_its_side_of_an_overlap(mail_data):
    _legacy("xandros@example.org", "xandros/")
    _legacy("xandros@other.org", "xandros/")
    found = _maildir_findings({"example.org"})
    assert list(found) == ["xandros@example.org"]
    assert "a mailbox of another domain" in found["xandros@example.org"]


def test_mail_check_is_silent_about_the_panels_own_layout_and_the_guides(mail_data):
    _legacy("xandros@example.org", "xandros/")
    _legacy("john.doe@example.org", "john.doe/")
    _legacy("Kim@example.org", "example.org/Kim/")
    _legacy("kim@other.org", "other.org/kim/")
    _legacy("Ann@Example.ORG", "example.org/ann/")
    assert _maildir_findings() == {}
    assert not [f for f in run_checks().findings if f.kind == "maildir"]


def test_mail_check_runs_one_query_for_the_maildirs_however_many_rows(mail_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    Mailbox.objects.bulk_create(
        Mailbox(address=f"u{i}@example.org", crypt="x", maildir=f"example.org/u{i}/")
        for i in range(3000)
    )
    ctx = CheckContext()
    assert ctx.routes.domains  # loaded once per run, shared by every check
    with CaptureQueriesContext(connection) as queries:
        assert check_maildirs(ctx) == []
    assert len(queries) <= 2  # one streamed SELECT (chunked reads on some drivers)


def _check_exit_code() -> int:
    try:
        call_command("mail", "check", stdout=io.StringIO())
    except CommandError as error:
        return error.returncode
    return 0


# --- the flurdy import (`mail import --from-mysql`): the same rows, the same rules ----------


def _flurdy_source(monkeypatch, users: list[dict]) -> None:
    from bulk import flurdy

    tables = {
        "domains": [{"domain": "example.org"}, {"domain": "other.org"}],
        "users": [{"crypt": "aBACh4.6nEXfA", **user} for user in users],
        "aliases": [],
    }
    monkeypatch.setattr(flurdy, "_fetch", lambda url, password: ("mysql://src", tables))


@pytest.mark.parametrize(
    "user",
    [
        {"id": '"x/../../other.org/mary/"@example.org', "maildir": "example.org/x/"},
        {"id": "john/.sent@example.org", "maildir": "john/.sent/"},
        {"id": "ann@example.org", "maildir": "other.org/mary/"},
        {"id": "ann@example.org", "maildir": "../../../../tmp/x/"},
        {"id": "ann@example.org", "maildir": "xandros/.sent/"},
    ],
)
def test_adopting_a_flurdy_database_refuses_rows_that_leave_their_domain(db, monkeypatch, user):
    _flurdy_source(monkeypatch, [user])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("mail", "import", "--from-mysql", "mysql://u@h/db", stdout=out)
    assert error.value.returncode == 1
    assert "local part" in out.getvalue() or "maildir" in out.getvalue()
    assert not Mailbox.objects.exists()


def test_adopting_a_flurdy_database_keeps_the_guides_maildir_layout(db, monkeypatch):
    _flurdy_source(monkeypatch, [{"id": "xandros@example.org", "maildir": "xandros/"}])
    call_command("mail", "import", "--from-mysql", "mysql://u@h/db", stdout=io.StringIO())
    assert Mailbox.objects.get().maildir == "xandros/"


def test_a_legacy_row_the_rules_refuse_keeps_its_page_by_its_exact_bytes_only(su_client):
    from urllib.parse import quote

    def page(address: str):  # the address as the list links it: quoted twice
        return su_client.get(f"/domains/mailboxes/{quote(quote(address, '@'), '@')}/")

    _legacy("john/.sent@example.org", "example.org/john/.sent/")
    assert page("john/.sent@example.org").context["mailbox"].address == "john/.sent@example.org"
    for look_alike in ("JOHN/.sent@example.org", "ｊｏｈｎ@example.org", '"john"@example.org'):
        assert page(look_alike).status_code == 404, look_alike
