"""The usage bar on the mailbox list, the domain page and the mailbox page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from domains import list_filters
from domains.models import Mailbox
from tests.panel.conftest import client_for
from usage.models import MailboxUsage, fill_of

MB = 1024**2


def measured(address: str, size: int, messages: int = 1, *, age=timedelta(0)) -> MailboxUsage:
    quota = Mailbox.objects.get(address=address).quota
    return MailboxUsage.objects.update_or_create(
        mailbox_id=address,
        defaults={
            "bytes": size,
            "messages": messages,
            "source": "walk",
            "fill": fill_of(quota, size, messages),
            "measured_at": timezone.now() - age,
        },
    )[0]


@pytest.fixture
def usage(mail_data):
    Mailbox.objects.filter(address="john@example.org").update(quota=f"{10 * MB}S")
    Mailbox.objects.filter(address="mary@other.org").update(quota=f"{10 * MB}S")
    measured("john@example.org", 9 * MB + MB // 2, 3)  # 95 %
    measured("mary@other.org", 2 * MB, 1)


def test_the_list_shows_use_against_the_quota_in_words(usage, su_client):
    html = su_client.get("/domains/mailboxes/").content.decode()
    assert "9.5 MB of 10 MB" in html and "(95%)" in html
    assert "nearly full" in html  # not only a colour
    assert 'aria-valuenow="95"' in html


def test_over_quota_is_said_and_the_bar_stops_at_full(usage, su_client):
    measured("mary@other.org", 12 * MB)
    html = su_client.get("/domains/mailboxes/?q=mary").content.decode()
    assert "over quota" in html and "(120%)" in html and "bg-danger share-100" in html


def test_the_bar_is_drawn_by_classes_in_5_percent_steps_not_inline_style(usage, su_client):
    measured("mary@other.org", MB // 10)  # 1 %: still a visible sliver
    html = su_client.get("/domains/mailboxes/").content.decode()
    assert "bg-warning share-95" in html and "bg-success share-5" in html
    assert "style=" not in html


def test_a_mailbox_never_measured_says_so(mail_data, su_client):
    assert "not measured" in su_client.get("/domains/mailboxes/").content.decode()


def test_most_full_sorts_first_and_shows_measured_mailboxes_only(usage, su_client):
    Mailbox.objects.create(address="new@example.org", crypt="x")
    response = su_client.get("/domains/mailboxes/?sort=-usage")
    assert [m.address for m in response.context["listing"].rows] == [
        "john@example.org",
        "mary@other.org",
    ]
    response = su_client.get("/domains/mailboxes/?sort=usage")
    assert response.context["listing"].rows[0].address == "mary@other.org"


def test_most_full_offers_the_first_rows_of_a_triage_list_only(usage, su_client, monkeypatch):
    monkeypatch.setitem(list_filters.SORT_BOUNDS, "usage", 1)
    html = su_client.get("/domains/mailboxes/?sort=-usage").content.decode()
    assert "More than 1: search or filter to narrow the list." in html
    assert "john@example.org" in html


def test_usage_older_than_a_day_is_flagged(usage, su_client):
    measured("mary@other.org", MB, age=timedelta(days=2))
    html = su_client.get("/domains/mailboxes/?q=mary").content.decode()
    assert "measured 2\xa0days ago" in html


def test_the_mailbox_page_and_the_domain_page_show_usage(usage, su_client):
    html = su_client.get("/domains/mailboxes/john@example.org/").content.decode()
    assert "9.5 MB of 10 MB, 3 messages (95%)" in html
    assert "9.5 MB of 10 MB" in su_client.get("/domains/example.org/").content.decode()


def test_a_domain_admin_never_sees_another_domains_usage(usage, admin_a):
    client = client_for(admin_a)
    html = client.get("/domains/mailboxes/").content.decode()
    assert "9.5 MB" in html and "2 MB" not in html
    assert "2 MB" not in client.get("/domains/mailboxes/?sort=-usage&q=mary").content.decode()
    assert client.get("/domains/mailboxes/mary@other.org/").status_code == 404
    assert client.get("/domains/other.org/").status_code == 404


def test_a_page_of_50_mailboxes_reads_usage_in_one_query(usage, su_client):
    su_client.get("/domains/mailboxes/")  # the session's first request
    with CaptureQueriesContext(connection) as two_rows:
        su_client.get("/domains/mailboxes/?sort=-usage")
    Mailbox.objects.bulk_create(
        Mailbox(address=f"u{n}@example.org", crypt="x", quota="1000S") for n in range(60)
    )
    MailboxUsage.objects.bulk_create(
        MailboxUsage(
            mailbox_id=f"u{n}@example.org",
            bytes=n,
            messages=1,
            source="walk",
            fill=n,
            measured_at=timezone.now(),
        )
        for n in range(60)
    )
    with CaptureQueriesContext(connection) as queries:
        response = su_client.get("/domains/mailboxes/?sort=-usage")
    assert len(response.context["listing"].rows) == 50
    # (The bounded count joins the table too, but reads no usage.)
    touching = [
        q["sql"] for q in queries if "mailadmin_mailbox_usage" in q["sql"] and "bytes" in q["sql"]
    ]
    assert len(touching) == 1, touching
    assert len(queries) == len(two_rows)
