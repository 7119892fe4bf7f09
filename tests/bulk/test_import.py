"""`bulk.importer`: validate every row first, then write all of them or nothing."""

import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from bulk import importer
from domains.models import Domain, Mailbox
from mailadmin import passwords
from tests.bulk.conftest import OLD_HASHES, OLD_PASSWORD, csv_text, run_import, tables
from tests.conftest import ACTOR

pytestmark = pytest.mark.django_db


def mixed_rows() -> list[dict]:
    """1,000 rows: 20 domains, 600 mailboxes (450 clear passwords, 150 hashes), 380 aliases."""
    rows = [{"kind": "domain", "address": f"d{d}.example"} for d in range(20)]
    hashes = list(OLD_HASHES.values())
    for i in range(600):
        row = {"kind": "mailbox", "address": f"User{i}@D{i % 20}.example", "name": f"User {i}"}
        if i < 450:
            row["password"] = f"Pw-{i}-Lantern-Quiet"
        else:
            row["crypt"] = hashes[i % len(hashes)]
        if i % 10 == 0:
            row["quota"] = "500M"
        if i % 50 == 1:
            row["enabled"] = "0"
        rows.append(row)
    for i in range(380):
        if i < 18:
            row = {
                "kind": "alias",
                "address": f"@d{i}.example",
                "destination": f"user{i}@d{i}.example",
            }
        elif i == 18:
            row = {"kind": "alias", "address": "@d18.example", "destination": "@d19.example"}
        else:
            row = {
                "kind": "alias",
                "address": f"list{i}@d{i % 20}.example",
                "destination": f"user{i}@d{i % 20}.example, someone{i}@elsewhere.net",
            }
        rows.append(row)
    # Kinds interleaved: the order of the rows does not matter.
    return rows[::2] + rows[1::2]


def test_a_1000_row_mixed_file_imports_every_row(monkeypatch):
    pools = []
    real_pool = importer.ProcessPoolExecutor

    def spy(*args, **kwargs):
        pools.append(kwargs.get("max_workers"))
        return real_pool(*args, **kwargs)

    monkeypatch.setattr(importer, "ProcessPoolExecutor", spy)
    rows = mixed_rows()
    assert len(rows) == 1000

    report = run_import(csv_text(rows))

    assert report.ok, report.errors[:5]
    assert report.written
    assert dict(report.created) == {"domain": 20, "mailbox": 600, "alias": 380}
    assert Domain.objects.count() == 20
    assert Mailbox.objects.count() == 600
    assert Alias.objects.count() == 600 + 380  # each mailbox with its self-alias
    assert pools, "450 clear passwords are hashed in a process pool"

    mailbox = Mailbox.objects.get(address="user10@d10.example")
    assert (mailbox.maildir, mailbox.uid, mailbox.gid, mailbox.home, mailbox.clear) == (
        "d10.example/user10/",
        5000,
        5000,
        "/var/spool/mail/virtual",
        "",
    )
    assert mailbox.quota == "524288000S"
    assert passwords.scheme_of(mailbox.crypt) == "sha512_crypt"
    assert passwords.verify_password("Pw-10-Lantern-Quiet", mailbox.crypt).correct
    assert Alias.objects.get(mail="user10@d10.example").destination == "user10@d10.example"

    disabled = Mailbox.objects.get(address="user51@d11.example")
    assert not disabled.enabled
    assert not Alias.objects.get(mail="user51@d11.example").enabled  # its self-alias follows
    assert Alias.objects.get(mail="list19@d19.example").destination == (
        "user19@d19.example,someone19@elsewhere.net"
    )
    assert Alias.objects.get(mail="@d18.example").destination == "@d19.example"


def bad_file() -> tuple[str, dict[int, str]]:
    """A 60-row file with 5 bad rows in different places: {line: part of the reason}."""
    rows = [{"kind": "domain", "address": "example.org"}]
    rows += [
        {"kind": "mailbox", "address": f"u{i}@example.org", "password": f"Pw-{i}-Lantern-Quiet"}
        for i in range(40)
    ]
    rows += [
        {"kind": "alias", "address": f"a{i}@example.org", "destination": f"u{i}@example.org"}
        for i in range(19)
    ]
    bad = {
        3: ({"kind": "mailbox", "address": "short@example.org", "password": "123"}, "too short"),
        15: ({"kind": "domain", "address": "not a domain"}, "spaces"),
        27: (
            {"kind": "mailbox", "address": "x@nowhere.org", "crypt": OLD_HASHES["md5_crypt"]},
            "nowhere.org is not hosted",
        ),
        44: (
            {"kind": "mailbox", "address": "y@example.org", "crypt": "{PLAIN}secret"},
            "crypt is not a hash",
        ),
        61: (
            {"kind": "aliases", "address": "z@example.org", "destination": "u1@example.org"},
            "kind must be",
        ),
    }
    for line in sorted(bad):
        rows.insert(line - 2, bad[line][0])  # line 1 is the header
    return csv_text(rows), {line: reason for line, (_, reason) in bad.items()}


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written():
    text, expected = bad_file()

    report = run_import(text)

    assert not report.ok and not report.written
    assert [p.where for p in report.errors] == [f"line {n}" for n in sorted(expected)]
    for problem, line in zip(report.errors, sorted(expected), strict=True):
        assert expected[line] in problem.message, problem
    assert tables() == {"domains": [], "users": [], "aliases": []}
    assert not AuditEntry.objects.exists()
    assert report.summary() == "5 bad rows in test.csv: nothing written."


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing():
    rows = mixed_rows()[:300]

    report = run_import(csv_text(rows), dry_run=True)

    assert report.ok and not report.written
    assert sum(report.created.values()) == 300
    assert report.summary().startswith("Dry run, nothing written.")
    assert tables() == {"domains": [], "users": [], "aliases": []}
    assert not AuditEntry.objects.exists()


def test_a_dry_run_still_reports_every_bad_row():
    text, expected = bad_file()
    report = run_import(text, dry_run=True)
    assert len(report.errors) == len(expected) == 5
    assert not Domain.objects.exists()


@pytest.mark.parametrize("scheme", sorted(OLD_HASHES))
def test_a_pre_hashed_password_is_stored_as_is_and_verifies(scheme):
    crypt = OLD_HASHES[scheme]
    text = csv_text(
        [
            {"kind": "domain", "address": "example.org"},
            {"kind": "mailbox", "address": "moved@example.org", "crypt": crypt},
        ]
    )

    assert run_import(text).ok

    stored = Mailbox.objects.get(address="moved@example.org")
    assert stored.crypt == crypt and stored.clear == ""
    password = OLD_PASSWORD[:8] if scheme == "des_crypt" else OLD_PASSWORD
    assert passwords.verify_password(password, stored.crypt).correct
    assert not passwords.verify_password("wrong-password", stored.crypt).correct


def test_weak_hashes_are_kept_and_listed_for_an_upgrade():
    text = csv_text(
        [
            {"kind": "domain", "address": "example.org"},
            {"kind": "mailbox", "address": "des@example.org", "crypt": OLD_HASHES["des_crypt"]},
            {"kind": "mailbox", "address": "sha@example.org", "crypt": OLD_HASHES["sha512_crypt"]},
        ]
    )
    report = run_import(text)
    assert report.notes == {importer.WEAK_HASHES: ["des@example.org"]}


def test_a_mailbox_needs_exactly_one_of_password_and_crypt():
    text = csv_text(
        [
            {"kind": "domain", "address": "example.org"},
            {
                "kind": "mailbox",
                "address": "a@example.org",
                "password": "Pw-Lantern-Quiet-1",
                "crypt": OLD_HASHES["md5_crypt"],
            },
            {"kind": "mailbox", "address": "b@example.org"},
        ]
    )
    report = run_import(text)
    assert [str(p) for p in report.errors] == [
        "line 3: Give either a password or a crypt, not both.",
        "line 4: A new mailbox needs a password or a crypt.",
    ]


def test_rows_given_twice_and_bad_fields_are_each_reported():
    text = csv_text(
        [
            {"kind": "domain", "address": "Example.org"},
            {"kind": "domain", "address": "example.org."},
            {
                "kind": "mailbox",
                "address": "a@example.org",
                "password": "Pw-Lantern-Quiet-1",
                "quota": "lots",
                "uid": "-1",
                "maildir": "../etc/",
            },
            {"kind": "alias", "address": "b@example.org", "destination": "@other.org"},
            {"kind": "alias", "address": "@example.org", "destination": "@example.org"},
            {"kind": "domain", "address": "other.org", "enabled": "maybe"},
        ]
    )
    report = run_import(text)
    messages = {p.where: p.message for p in report.errors}
    assert messages["line 3"] == "Domain example.org is already on line 2."
    assert "'lots' is not a quota" in messages["line 4"]
    assert "uid must be a number" in messages["line 4"]
    assert "maildir '../etc/'" in messages["line 4"]
    assert "only allowed alone, for a source @alias.tld" in messages["line 5"]
    assert messages["line 6"] == "A domain cannot be an alias of itself."
    assert "enabled must be 1 or 0" in messages["line 7"]
    assert not Domain.objects.exists()


def test_a_bad_header_is_reported_as_line_1():
    report = run_import("kind,address,pasword\nmailbox,a@example.org,x\n")
    assert [str(p) for p in report.errors] == [
        "file: Line 1: unknown column(s) 'pasword'; the columns are kind, address, destination, "
        "enabled, transport, name, password, crypt, quota, change_password, maildir, home, uid, "
        "gid, procmailrc, spamassassinrc, max_mailboxes, max_aliases, max_quota, total_quota, "
        "default_quota."
    ]
    assert run_import("").errors[0].message == "The file is empty: it needs a header row."
    too_many = run_import("kind,address\ndomain,example.org,extra\n")
    assert str(too_many.errors[0]) == "line 2: 3 cells, but the header has 2 columns."


def test_existing_objects_are_errors_by_default(guide_data):
    before = tables()
    text = csv_text(
        [
            {"kind": "domain", "address": "blobber.org"},
            {"kind": "mailbox", "address": "xandros@blobber.org", "crypt": OLD_HASHES["bcrypt"]},
            {"kind": "alias", "address": "karl@blobber.org", "destination": "x@y.org"},
            {"kind": "mailbox", "address": "karl@blobber.org", "crypt": OLD_HASHES["bcrypt"]},
            {"kind": "domain", "address": "new.org"},
        ]
    )
    report = run_import(text)
    assert [str(p) for p in report.errors] == [
        "line 2: Domain blobber.org already exists (use --skip-existing or --update).",
        "line 3: Mailbox xandros@blobber.org already exists (use --skip-existing or --update).",
        "line 4: Alias karl@blobber.org already exists (use --skip-existing or --update).",
        "line 5: karl@blobber.org is already an alias; remove it before adding a mailbox.",
    ]
    assert tables() == before


def test_skip_existing_leaves_them_and_adds_the_rest(guide_data):
    xandros = Mailbox.objects.get(address="xandros@blobber.org").crypt
    text = csv_text(
        [
            {"kind": "domain", "address": "blobber.org", "transport": "smtp:"},
            {"kind": "mailbox", "address": "xandros@blobber.org", "crypt": OLD_HASHES["bcrypt"]},
            {"kind": "mailbox", "address": "new@blobber.org", "crypt": OLD_HASHES["bcrypt"]},
        ]
    )
    report = run_import(text, mode="skip")
    assert report.ok, report.errors
    assert dict(report.skipped) == {"domain": 1, "mailbox": 1}
    assert dict(report.created) == {"mailbox": 1}
    assert Domain.objects.get(domain="blobber.org").transport == "virtual:"
    assert Mailbox.objects.get(address="xandros@blobber.org").crypt == xandros
    assert Mailbox.objects.filter(address="new@blobber.org").exists()


def test_update_rewrites_the_given_cells_and_keeps_the_empty_ones(guide_data):
    text = csv_text(
        [
            {"kind": "domain", "address": "whopper.nu", "enabled": "0"},
            {
                "kind": "mailbox",
                "address": "Xandros@Blobber.org",
                "quota": "1G",
                "enabled": "no",
                "password": "Brand-New-Lantern-7",
            },
            {"kind": "mailbox", "address": "vivita@blobber.org", "name": "Vivita V."},
            {"kind": "alias", "address": "karl@blobber.org", "destination": "karl@new.example"},
        ]
    )
    report = run_import(text, mode="update")
    assert report.ok, report.errors
    assert dict(report.updated) == {"domain": 1, "mailbox": 2, "alias": 1}
    assert not Domain.objects.get(domain="whopper.nu").enabled
    xandros = Mailbox.objects.get(address="xandros@blobber.org")
    assert (xandros.quota, xandros.enabled, xandros.name) == ("1073741824S", False, "xandros")
    assert passwords.verify_password("Brand-New-Lantern-7", xandros.crypt).correct
    assert not Alias.objects.get(mail="xandros@blobber.org").enabled  # follows its mailbox
    vivita = Mailbox.objects.get(address="vivita@blobber.org")
    assert vivita.name == "Vivita V." and vivita.enabled
    assert passwords.verify_password("demo-Mailbox-2024", vivita.crypt).correct  # kept
    assert Alias.objects.get(mail="karl@blobber.org").destination == "karl@new.example"


def test_an_alias_row_for_a_new_mailbox_replaces_its_self_alias():
    text = csv_text(
        [
            {"kind": "domain", "address": "example.org"},
            {
                "kind": "mailbox",
                "address": "john@example.org",
                "crypt": OLD_HASHES["md5_crypt"],
                "enabled": "0",
            },
            {
                "kind": "alias",
                "address": "john@example.org",
                "destination": "john@example.org,john@home.example",
            },
        ]
    )
    assert run_import(text).ok
    alias = Alias.objects.get(mail="john@example.org")
    assert alias.destination == "john@example.org,john@home.example"
    assert not alias.enabled  # no enabled cell: it follows the disabled mailbox


def test_one_audit_entry_sums_up_the_import():
    rows = mixed_rows()[:100]
    report = run_import(csv_text(rows))
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_type, entry.object_id) == (
        ACTOR.name,
        "import",
        "bulk",
        "test.csv",
    )
    assert entry.after["created"] == dict(report.created)
    assert entry.message == report.summary()
