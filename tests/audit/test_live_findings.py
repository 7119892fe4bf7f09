"""The findings page of a small database (audit.live): current on every view, however the
tables changed, while a view of unchanged tables does not run the checks again."""

import pytest
from django.db import connection

from aliases import services as alias_services
from aliases.models import Alias
from audit import live
from audit.findings.report import run_checks
from audit.models import FindingsReport
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from tests.conftest import ACTOR


@pytest.fixture
def runs(monkeypatch) -> list:
    """The scopes the checks ran for, one entry per run."""
    calls = []

    def counted(domains=None, **kwargs):
        calls.append(domains)
        return run_checks(domains, **kwargs)

    monkeypatch.setattr(live, "run_checks", counted)
    return calls


def shown(client, query: str = "") -> set[tuple[str, str]]:
    response = client.get(f"/audit/findings/{query}")
    assert response.status_code == 200
    assert response.context["large"] is False
    return {(f.kind, f.object_id) for f in response.context["page"].object_list}


def test_a_second_view_of_unchanged_tables_runs_no_check(su_client, runs):
    alias_services.create_alias("x@example.org", "nobody@example.org", actor=ACTOR)
    first = shown(su_client)
    assert ("dead-end", "x@example.org") in first
    assert shown(su_client) == first
    assert shown(su_client, "?level=error") <= first  # filters work on the cached report
    assert runs == [None]


def test_a_change_through_the_panel_is_seen_at_once(su_client, runs):
    assert ("dead-end", "x@example.org") not in shown(su_client)
    alias_services.create_alias("x@example.org", "nobody@example.org", actor=ACTOR)
    assert ("dead-end", "x@example.org") in shown(su_client)
    assert len(runs) == 2


def test_a_change_made_outside_the_panel_is_seen_at_once(su_client, runs):
    assert ("default-password", "mary@other.org") not in shown(su_client)
    Mailbox.objects.filter(address="mary@other.org").update(crypt=GUIDE_DEFAULT_CRYPT)
    assert ("default-password", "mary@other.org") in shown(su_client)
    with connection.cursor() as cursor:  # plain SQL, as a postmaster's script would
        cursor.execute(
            "INSERT INTO aliases (mail, destination, enabled) VALUES (%s, %s, 1)",
            ["raw@example.org", "ghost@example.org"],
        )
    assert ("dead-end", "raw@example.org") in shown(su_client)
    assert len(runs) == 3


def test_a_change_that_keeps_every_length_and_count_is_seen(su_client):
    """Two destinations swapped: same rows, same lengths, different routing."""
    alias_services.create_alias("aa@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("bb@example.org", "gone@example.org", actor=ACTOR)
    assert ("dead-end", "bb@example.org") in shown(su_client)
    Alias.objects.filter(mail="aa@example.org").update(destination="gone@example.org")
    Alias.objects.filter(mail="bb@example.org").update(destination="john@example.org")
    after = shown(su_client)
    assert ("dead-end", "aa@example.org") in after
    assert ("dead-end", "bb@example.org") not in after


def test_each_scope_is_cached_apart(su_client, a_client, b_client, runs):
    alias_services.create_alias("x@example.org", "nobody@example.org", actor=ACTOR)
    alias_services.create_alias("y@other.org", "nobody@other.org", actor=ACTOR)
    everything = shown(su_client)
    assert {("dead-end", "x@example.org"), ("dead-end", "y@other.org")} <= everything
    assert ("dead-end", "y@other.org") not in shown(a_client)
    assert ("dead-end", "x@example.org") not in shown(b_client)
    only_other = shown(su_client, "?kind=dead-end&domain=other.org")
    assert only_other == {("dead-end", "y@other.org")}
    shown(a_client)
    assert runs == [None, ["example.org"], ["other.org"]]  # the same scope, the same report


def test_a_change_while_the_checks_run_is_not_cached(su_client, monkeypatch):
    original = run_checks

    def racing(domains=None, **kwargs):
        report = original(domains, **kwargs)
        if not Alias.objects.filter(mail="late@example.org").exists():
            Alias.objects.create(mail="late@example.org", destination="ghost@example.org")
        return report

    monkeypatch.setattr(live, "run_checks", racing)
    assert ("dead-end", "late@example.org") not in shown(su_client)  # the run before it
    assert ("dead-end", "late@example.org") in shown(su_client)


def test_the_assumed_alias_style_is_part_of_the_key(su_client, settings):
    assert su_client.get("/audit/findings/").context["report"].style == "guide"
    settings.MAILADMIN_ALIAS_STYLE = "no-backscatter"
    assert su_client.get("/audit/findings/").context["report"].style == "no-backscatter"


def test_a_view_writes_no_report_to_the_database(su_client):
    shown(su_client)
    shown(su_client)
    assert not FindingsReport.objects.exists()


def test_one_entry_per_scope_replaced_on_each_change(su_client, runs):
    """Memory stays bounded however often the tables change: an earlier state's report is
    gone once a newer one is cached, so going back to that state runs the checks again."""
    shown(su_client)
    Alias.objects.filter(mail="sales@example.org").update(enabled=False)
    shown(su_client)
    Alias.objects.filter(mail="sales@example.org").update(enabled=True)
    shown(su_client)
    shown(su_client)
    assert runs == [None, None, None]


def test_a_new_usage_measurement_is_seen_at_once(su_client, runs):
    from django.utils import timezone

    from usage.models import MailboxUsage

    Mailbox.objects.filter(address="mary@other.org").update(quota="1000S")
    assert ("mailbox-full", "mary@other.org") not in shown(su_client)
    MailboxUsage.objects.create(
        mailbox_id="mary@other.org",
        bytes=2000,
        messages=1,
        source="walk",
        fill=2000,
        measured_at=timezone.now(),
    )
    assert ("mailbox-full", "mary@other.org") in shown(su_client)
    assert len(runs) == 2


def test_the_fingerprint_follows_every_table_however_it_changed(su_client):
    """On MariaDB the server's CHECKSUM TABLE, elsewhere the rows read: either way one
    changed value in any of the four tables is a new fingerprint."""
    from django.utils import timezone

    from domains.models import Domain
    from usage.models import MailboxUsage

    mailbox = Mailbox.objects.first()
    seen = {live.tables_fingerprint()}
    assert live.tables_fingerprint() in seen  # unchanged tables, the same fingerprint
    Domain.objects.filter(domain=mailbox.domain_name).update(enabled=False)
    seen.add(live.tables_fingerprint())
    Mailbox.objects.filter(pk=mailbox.pk).update(quota=1)
    seen.add(live.tables_fingerprint())
    Alias.objects.filter(mail=mailbox.address).update(destination="elsewhere@example.net")
    seen.add(live.tables_fingerprint())
    MailboxUsage.objects.create(
        mailbox=mailbox, bytes=1, messages=1, source="walk", measured_at=timezone.now()
    )
    seen.add(live.tables_fingerprint())
    assert len(seen) == 5
