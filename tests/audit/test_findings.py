"""Each finding kind: build the broken data, see it reported; fix it, see it gone.

Broken rows that the services refuse are written with the ORM, as an adopted database
would hold them.
"""

import pytest
from django.db import IntegrityError, connection, transaction
from passlib.hash import des_crypt, md5_crypt

from aliases import services as alias_services
from aliases.models import Alias
from audit.findings.kinds import ERROR, WARNING
from audit.findings.report import run_checks
from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Domain, Mailbox
from tests.conftest import ACTOR

MAIL_PASSWORD = "Mailbox-Secret-2024"


def found(kind: str, *, domains=None, style: str = "guide") -> set[tuple[str, str]]:
    """(level, object) of the findings of one kind."""
    report = run_checks(domains, style=style)
    return {(f.level, f.object_id) for f in report.findings if f.kind == kind}


def messages(kind: str) -> list[str]:
    return [f.message for f in run_checks(style="guide").findings if f.kind == kind]


@pytest.fixture
def example(db):
    """example.org with postmaster@ and abuse@, and the mailbox john."""
    services.create_domain("example.org", actor=ACTOR)
    services.create_mailbox("john@example.org", MAIL_PASSWORD, actor=ACTOR)
    alias_services.create_alias("postmaster@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("abuse@example.org", "john@example.org", actor=ACTOR)


def test_clean_data_has_no_finding(example):
    assert run_checks(style="guide").findings == []


def test_the_guide_example_has_no_error(guide_data):
    report = run_checks(style="guide")
    assert report.errors == 0
    assert {f.kind for f in report.findings} == {"backscatter"}


# --- dead ends -------------------------------------------------------------------------------
def test_a_local_destination_without_mailbox_or_alias_is_a_dead_end(example):
    alias_services.create_alias("sales@example.org", "nobody@example.org", actor=ACTOR)
    assert found("dead-end") == {(ERROR, "sales@example.org")}
    assert "nobody@example.org has no mailbox and no alias" in messages("dead-end")[0]

    services.create_mailbox("nobody@example.org", MAIL_PASSWORD, actor=ACTOR)
    assert found("dead-end") == set()


def test_an_external_destination_is_no_dead_end(example):
    alias_services.create_alias("sales@example.org", "someone@elsewhere.net", actor=ACTOR)
    assert found("dead-end") == set()


def test_a_disabled_destination_mailbox_is_reported(example):
    services.create_mailbox("mary@example.org", MAIL_PASSWORD, actor=ACTOR)
    alias_services.create_alias("sales@example.org", "mary@example.org", actor=ACTOR)
    Mailbox.objects.filter(address="mary@example.org").update(enabled=False)
    Alias.objects.filter(mail="mary@example.org").update(enabled=False)
    assert found("dead-end") == {(WARNING, "sales@example.org")}

    services.set_mailbox_enabled("mary@example.org", True, actor=ACTOR)
    assert found("dead-end") == set()


def test_a_self_alias_without_its_mailbox_is_a_dead_end(example):
    Alias.objects.create(mail="ghost@example.org", destination="ghost@example.org")
    assert found("dead-end") == {(ERROR, "ghost@example.org")}

    Alias.objects.filter(mail="ghost@example.org").delete()
    assert found("dead-end") == set()


def test_an_enabled_self_alias_of_a_disabled_mailbox_is_reported(example):
    services.create_mailbox("mary@example.org", MAIL_PASSWORD, actor=ACTOR)
    Mailbox.objects.filter(address="mary@example.org").update(enabled=False)
    assert found("dead-end") == {(WARNING, "mary@example.org")}

    services.set_mailbox_enabled("mary@example.org", False, actor=ACTOR)  # the service way
    assert found("dead-end") == set()


def test_a_copy_kept_for_an_address_without_mailbox_is_a_dead_end(example):
    alias_services.create_alias(
        "list@example.org", "list@example.org,john@example.org", actor=ACTOR
    )
    assert found("dead-end") == {(ERROR, "list@example.org")}

    alias_services.replace_alias("list@example.org", "john@example.org", actor=ACTOR)
    assert found("dead-end") == set()


def test_a_catch_all_to_an_unknown_address_of_its_domain_is_a_dead_end(example):
    alias_services.create_alias("@example.org", "nobody@example.org", actor=ACTOR)
    assert found("dead-end") == {(ERROR, "@example.org")}

    alias_services.replace_alias("@example.org", "john@example.org", actor=ACTOR)
    assert found("dead-end") == set()


def test_a_destination_rewritten_by_a_domain_alias_is_followed(example):
    services.create_domain("alias.org", actor=ACTOR)
    alias_services.create_alias("@alias.org", "@example.org", actor=ACTOR)
    alias_services.create_alias("sales@example.org", "kim@alias.org", actor=ACTOR)
    assert found("dead-end") == {(ERROR, "sales@example.org")}
    assert "kim@example.org has no mailbox" in messages("dead-end")[0]

    services.create_mailbox("kim@example.org", MAIL_PASSWORD, actor=ACTOR)
    assert found("dead-end") == set()


def test_a_destination_in_a_disabled_domain_is_reported(example):
    services.create_domain("old.org", actor=ACTOR)
    alias_services.create_alias("sales@example.org", "kim@old.org", actor=ACTOR)
    services.set_domain_enabled("old.org", False, actor=ACTOR)
    assert found("dead-end") == {(WARNING, "sales@example.org")}

    services.set_domain_enabled("old.org", True, actor=ACTOR)
    assert found("dead-end") == {(ERROR, "sales@example.org")}  # and kim@ does not exist


# --- loops -------------------------------------------------------------------------------------
def test_two_aliases_pointing_at_each_other_are_a_loop(example):
    alias_services.create_alias("a@example.org", "b@example.org", actor=ACTOR)
    alias_services.create_alias("b@example.org", "a@example.org", actor=ACTOR)
    assert found("loop") == {(ERROR, "a@example.org")}
    assert "a@example.org → b@example.org → a@example.org" in messages("loop")[0]

    alias_services.replace_alias("b@example.org", "john@example.org", actor=ACTOR)
    assert found("loop") == set()


def test_a_loop_through_a_catch_all_is_found(example):
    services.create_domain("other.org", actor=ACTOR)
    alias_services.create_alias("@example.org", "x@other.org", actor=ACTOR)
    alias_services.create_alias("@other.org", "y@example.org", actor=ACTOR)
    assert found("loop") == {(ERROR, "@example.org")}

    alias_services.replace_alias("@other.org", "john@example.org", actor=ACTOR)
    assert found("loop") == set()


def test_two_domain_aliases_of_each_other_are_a_loop(example):
    services.create_domain("a.org", actor=ACTOR)
    services.create_domain("b.org", actor=ACTOR)
    alias_services.create_alias("@a.org", "@b.org", actor=ACTOR)
    alias_services.create_alias("@b.org", "@a.org", actor=ACTOR)
    assert found("loop") == {(ERROR, "@a.org")}

    alias_services.remove_alias("@b.org", actor=ACTOR)
    assert found("loop") == set()


def test_a_self_alias_and_a_kept_copy_are_no_loop(example):
    alias_services.replace_alias(
        "john@example.org", "john@example.org,out@elsewhere.net", actor=ACTOR
    )
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR)
    assert found("loop") == set()


def test_a_loop_outside_the_scope_is_not_shown_to_a_domain_admin(example):
    services.create_domain("other.org", actor=ACTOR)
    alias_services.create_alias("a@other.org", "b@other.org", actor=ACTOR)
    alias_services.create_alias("b@other.org", "a@other.org", actor=ACTOR)
    assert found("loop", domains=["example.org"]) == set()
    assert found("loop", domains=["other.org"]) == {(ERROR, "a@other.org")}


# --- mailboxes swallowed by a catch-all ----------------------------------------------------------
def test_a_mailbox_without_self_alias_in_a_catch_all_domain_is_reported(example):
    services.create_mailbox("mary@example.org", MAIL_PASSWORD, actor=ACTOR)
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR)
    assert found("swallowed-mailbox") == set()
    Alias.objects.filter(mail="mary@example.org").delete()
    assert found("swallowed-mailbox") == {(ERROR, "mary@example.org")}

    Alias.objects.create(mail="mary@example.org", destination="mary@example.org")
    assert found("swallowed-mailbox") == set()


def test_swallowed_mailboxes_are_found_in_every_batch_of_catch_all_domains(example, monkeypatch):
    monkeypatch.setattr("audit.findings.checks.LOOKUP_BATCH", 1)
    for name in ("a.org", "b.org", "c.org"):
        services.create_domain(name, actor=ACTOR)
        services.create_mailbox(f"kim@{name}", MAIL_PASSWORD, actor=ACTOR)
        Alias.objects.filter(mail=f"kim@{name}").delete()
        alias_services.create_alias(f"@{name}", "john@example.org", actor=ACTOR)
    expected = {(ERROR, f"kim@{name}") for name in ("a.org", "b.org", "c.org")}
    assert found("swallowed-mailbox") == expected
    assert found("swallowed-mailbox", domains=["b.org"]) == {(ERROR, "kim@b.org")}


def test_a_catch_all_that_lists_the_mailbox_does_not_swallow_it(example):
    Alias.objects.filter(mail="john@example.org").delete()
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR)
    assert found("swallowed-mailbox") == set()


def test_a_domain_alias_swallows_only_under_the_guide_style(example):
    services.create_domain("alias.org", actor=ACTOR)
    services.create_mailbox("kim@alias.org", MAIL_PASSWORD, actor=ACTOR)
    alias_services.create_alias("@alias.org", "@example.org", actor=ACTOR)
    Alias.objects.filter(mail="kim@alias.org").delete()
    assert found("swallowed-mailbox") == {(ERROR, "kim@alias.org")}
    assert found("swallowed-mailbox", style="no-backscatter") == set()


# --- backscatter ---------------------------------------------------------------------------------
def test_a_domain_alias_under_the_guide_map_is_a_backscatter_risk(example):
    services.create_domain("alias.org", actor=ACTOR)
    alias_services.create_alias("@alias.org", "@example.org", actor=ACTOR)
    assert found("backscatter") == {(WARNING, "@alias.org")}
    assert found("backscatter", style="no-backscatter") == set()

    alias_services.remove_alias("@alias.org", actor=ACTOR)
    assert found("backscatter") == set()


# --- missing and disabled domains ----------------------------------------------------------------
def test_rows_of_a_missing_domain_are_orphans(example):
    Alias.objects.create(mail="x@gone.org", destination="y@elsewhere.net")
    Mailbox.objects.create(address="z@gone.org", crypt="x", maildir="gone.org/z/")
    assert found("domain-state") == {(ERROR, "gone.org")}
    assert "1 mailbox(es) and 1 alias(es) of gone.org" in messages("domain-state")[0]
    assert found("domain-state", domains=["example.org"]) == set()

    Domain.objects.create(domain="gone.org")
    assert found("domain-state") == set()


def test_rows_of_a_disabled_domain_are_inert(example):
    services.set_domain_enabled("example.org", False, actor=ACTOR)
    assert found("domain-state") == {(WARNING, "example.org")}

    services.set_domain_enabled("example.org", True, actor=ACTOR)
    assert found("domain-state") == set()


# --- passwords -----------------------------------------------------------------------------------
def _set_column(**values) -> None:
    Mailbox.objects.filter(address="john@example.org").update(**values)


def _fix_password() -> None:
    services.set_mailbox_password("john@example.org", "A-new-Password-2025", actor=ACTOR)


def test_the_guide_default_hash_is_reported(example):
    _set_column(crypt=GUIDE_DEFAULT_CRYPT)
    assert found("default-password") == {(ERROR, "john@example.org")}
    _fix_password()
    assert found("default-password") == set()


@pytest.mark.parametrize(
    "weak", [md5_crypt.hash("secret"), des_crypt.hash("secret")], ids=["md5_crypt", "des_crypt"]
)
def test_a_weak_legacy_hash_is_reported(example, weak):
    _set_column(crypt=weak)
    assert found("weak-password") == {(WARNING, "john@example.org")}
    _fix_password()
    assert found("weak-password") == set()


def test_a_crypt_value_no_server_accepts_is_an_error(example):
    _set_column(crypt="{PLAIN}secret")
    assert found("weak-password") == {(ERROR, "john@example.org")}
    _fix_password()
    assert found("weak-password") == set()


def test_an_empty_hash_is_reported(example):
    _set_column(crypt="")
    assert found("empty-password") == {(ERROR, "john@example.org")}
    _fix_password()
    assert found("empty-password") == set()


def test_a_plaintext_password_is_reported_without_showing_it(example):
    _set_column(clear="Hunter2-plain")
    assert found("plaintext-password") == {(ERROR, "john@example.org")}
    assert not any("Hunter2" in f.message for f in run_checks().findings)
    _fix_password()
    assert found("plaintext-password") == set()


# --- quota ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["10M", "500", "100s", "1S,2S"])
def test_a_quota_courier_cannot_parse_is_reported(example, bad):
    _set_column(quota=bad)
    assert found("bad-quota") == {(WARNING, "john@example.org")}
    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="10M")
    assert Mailbox.objects.get(address="john@example.org").quota == "10485760S"
    assert found("bad-quota") == set()


# --- case ----------------------------------------------------------------------------------------
def test_addresses_differing_only_by_case_are_reported_or_refused(example):
    alias_services.create_alias("sales@example.org", "john@example.org", actor=ACTOR)
    if connection.vendor == "mysql":
        # MariaDB's case-insensitive unique index refuses the duplicate outright.
        with pytest.raises(IntegrityError), transaction.atomic():
            Alias.objects.create(mail="Sales@example.org", destination="x@elsewhere.net")
        assert found("case") == set()
        return
    Alias.objects.create(mail="Sales@example.org", destination="x@elsewhere.net")
    assert found("case") == {(ERROR, "Sales@example.org")}
    assert "differ only by case: Sales@example.org, sales@example.org" in messages("case")[0]

    Alias.objects.filter(mail="Sales@example.org").delete()
    assert found("case") == set()


def test_addresses_stored_with_capitals_are_reported(example):
    Alias.objects.create(mail="Boss@example.org", destination="john@example.org")
    Mailbox.objects.create(address="Kim@example.org", crypt="x", maildir="example.org/kim/")
    assert found("case") == {(WARNING, "Boss@example.org"), (WARNING, "Kim@example.org")}

    Alias.objects.filter(mail="Boss@example.org").update(mail="boss@example.org")
    Mailbox.objects.filter(address="Kim@example.org").delete()
    assert found("case") == set()


# --- postmaster@ and abuse@ ----------------------------------------------------------------------
def test_a_domain_without_postmaster_or_abuse_is_reported(example):
    services.create_domain("new.org", actor=ACTOR)
    report = run_checks(style="guide")
    missing = {f.message for f in report.findings if f.kind == "role-address"}
    assert missing == {
        "Domain new.org has no postmaster@new.org (RFC 2142): add an alias.",
        "Domain new.org has no abuse@new.org (RFC 2142): add an alias.",
    }
    alias_services.create_alias("postmaster@new.org", "john@example.org", actor=ACTOR)
    assert len(messages("role-address")) == 1
    alias_services.create_alias("@new.org", "john@example.org", actor=ACTOR)  # catches abuse@
    assert found("role-address") == set()


def test_a_disabled_alias_does_not_count_as_postmaster(example):
    alias_services.set_alias_enabled("postmaster@example.org", False, actor=ACTOR)
    assert found("role-address") == {(WARNING, "example.org")}


def test_a_mailbox_or_a_row_in_capitals_counts_as_a_role_address(example):
    """The servers' lookups ignore case on MariaDB: Postmaster@ receives postmaster@'s mail."""
    services.create_domain("new.org", actor=ACTOR)
    services.create_mailbox("postmaster@new.org", MAIL_PASSWORD, actor=ACTOR)
    Alias.objects.filter(mail="postmaster@new.org").delete()  # the mailbox alone
    Alias.objects.create(mail="Abuse@New.org", destination="postmaster@new.org")
    assert found("role-address") == set()
    Mailbox.objects.filter(address="postmaster@new.org").update(enabled=False)
    assert messages("role-address") == [
        "Domain new.org has no postmaster@new.org (RFC 2142): add an alias."
    ]


def test_a_domain_stored_in_capitals_finds_its_role_addresses(example):
    Domain.objects.create(domain="Caps.org")
    Alias.objects.create(mail="@caps.org", destination="john@example.org")
    assert found("role-address") == set()


# --- links -----------------------------------------------------------------------------------
def test_every_finding_links_to_a_page_that_fixes_it(example):
    alias_services.create_alias("sales@example.org", "nobody@example.org", actor=ACTOR)
    _set_column(crypt=GUIDE_DEFAULT_CRYPT, quota="10M")
    services.create_domain("new.org", actor=ACTOR)
    links = {f.kind: f.link for f in run_checks().findings}
    assert links["dead-end"] == "/aliases/sales@example.org/"
    assert links["default-password"] == "/domains/mailboxes/john@example.org/password/"
    assert links["bad-quota"] == "/domains/mailboxes/john@example.org/"
    assert links["role-address"] == "/aliases/add/"
