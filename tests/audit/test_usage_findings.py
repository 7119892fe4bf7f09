"""Findings of mailbox usage: nearly full, over quota, and a collector that stopped."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.findings.checks import CheckContext, check_mailbox_usage, check_usage_stale
from audit.findings.kinds import ERROR, WARNING
from audit.findings.report import run_checks
from domains.models import Domain, Mailbox
from usage.models import MailboxUsage, fill_of

pytestmark = pytest.mark.django_db


def mailbox(address: str, quota: str, size: int, messages: int = 1, *, age=timedelta(0)):
    domain = address.partition("@")[2]
    Domain.objects.get_or_create(domain=domain)
    Mailbox.objects.create(address=address, quota=quota, crypt="x")
    MailboxUsage.objects.create(
        mailbox_id=address,
        bytes=size,
        messages=messages,
        source="walk",
        fill=fill_of(quota, size, messages),
        measured_at=timezone.now() - age,
    )


def found(kind: str, domains=None) -> set[tuple[str, str]]:
    return {(f.level, f.object_id) for f in run_checks(domains).findings if f.kind == kind}


def test_it_warns_at_90_percent_and_reports_over_quota_as_an_error():
    mailbox("low@example.org", "1000S", 899)
    mailbox("ninety@example.org", "1000S", 900)
    mailbox("full@example.org", "1000S", 1000)
    mailbox("over@example.org", "1000S", 1001)
    mailbox("counted@example.org", "1000S,10C", 5, 11)
    mailbox("unlimited@example.org", "", 10**12)
    assert found("mailbox-full") == {
        (WARNING, "ninety@example.org"),
        (WARNING, "full@example.org"),
        (ERROR, "over@example.org"),
        (ERROR, "counted@example.org"),
    }
    over = next(f for f in check_mailbox_usage(CheckContext()) if f.object_id == "over@example.org")
    assert "over its quota" in over.message and "bounces" in over.message
    assert over.link == "/domains/mailboxes/over@example.org/"


def test_a_quota_raised_since_the_measurement_no_longer_warns():
    mailbox("john@example.org", "1000S", 950)
    Mailbox.objects.filter(address="john@example.org").update(quota="10000S")
    assert found("mailbox-full") == set()


def test_a_domain_admin_sees_only_their_domains():
    mailbox("john@example.org", "1000S", 990)
    mailbox("mary@other.org", "1000S", 990, age=timedelta(days=3))
    assert found("mailbox-full", ["example.org"]) == {(WARNING, "john@example.org")}
    assert found("usage-stale", ["example.org"]) == set()
    assert found("usage-stale", ["other.org"]) == {(WARNING, "other.org")}


def test_usage_older_than_a_day_says_the_collector_is_not_running():
    mailbox("fresh@example.org", "", 1, age=timedelta(hours=23))
    mailbox("old@other.org", "", 1, age=timedelta(days=2))
    mailbox("older@other.org", "", 1, age=timedelta(days=5))
    findings = check_usage_stale(CheckContext())
    assert [(f.object_id, f.level) for f in findings] == [("other.org", WARNING)]
    assert "2 mailboxes of other.org" in findings[0].message
    assert "2\xa0days ago" in findings[0].message
    assert "mail usage collect" in findings[0].message


def test_both_checks_run_a_constant_number_of_queries():
    mailbox("a0@example.org", "1000S", 999, age=timedelta(days=2))
    with CaptureQueriesContext(connection) as few:
        check_mailbox_usage(CheckContext()), check_usage_stale(CheckContext())
    for n in range(1, 300):
        mailbox(f"a{n}@example.org", "1000S", 999, age=timedelta(days=2))
    with CaptureQueriesContext(connection) as many:
        full, stale = check_mailbox_usage(CheckContext()), check_usage_stale(CheckContext())
    assert len(full) == 300 and len(stale) == 1
    assert len(many) == len(few)
