"""The dashboard's largest domains: bars by mailboxes, the counts in words, two queries."""

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from domains import services
from mailadmin.views import LARGEST_DOMAINS
from tests.conftest import ACTOR
from tests.panel.conftest import MAIL_PASSWORD, client_for, large_tables


def sizes(response) -> list[tuple[str, int, int, int]]:
    return [(s.domain, s.mailboxes, s.aliases, s.step) for s in response.context["largest"]]


def test_the_largest_domains_come_first_with_their_counts(su_client, mail_data):
    services.create_mailbox("ann@other.org", MAIL_PASSWORD, actor=ACTOR)
    response = su_client.get("/")
    # mailboxes' own alias rows count among the aliases
    assert sizes(response) == [("other.org", 2, 3, 100), ("example.org", 1, 3, 50)]
    body = response.content.decode()
    assert "Largest domains" in body
    assert "2 mailboxes · 3 aliases" in body and "1 mailbox · 3 aliases" in body
    assert 'class="progress-bar share-50"' in body and "style=" not in body


def test_a_domain_admin_sees_only_its_own_domains(a_client, b_client, mail_data):
    assert sizes(a_client.get("/")) == [("example.org", 1, 3, 100)]
    assert sizes(b_client.get("/")) == [("other.org", 1, 2, 100)]
    assert "other.org" not in a_client.get("/").content.decode()


def test_at_most_a_few_domains_and_two_queries_for_them(su_client, mail_data, monkeypatch):
    for n in range(LARGEST_DOMAINS + 3):
        services.create_domain(f"d{n}.test", actor=ACTOR)
        services.create_mailbox(f"u@d{n}.test", MAIL_PASSWORD, actor=ACTOR)
    with CaptureQueriesContext(connection) as queries:
        response = su_client.get("/")
    assert len(sizes(response)) == LARGEST_DOMAINS
    monkeypatch.setattr("mailadmin.views.largest_domains", lambda user, tally: [])
    with CaptureQueriesContext(connection) as without:
        su_client.get("/")
    assert len(queries) - len(without) == 2
    others = {q["sql"] for q in without}
    added = [q["sql"] for q in queries if q["sql"] not in others]
    assert len(added) == 2 and all("GROUP BY" in sql for sql in added)
    assert "IN (" in added[1]  # aliases: only the top domains


def test_a_large_mailbox_table_links_to_the_sorted_list_instead(su_client, mail_data, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.table_estimates", large_tables)
    response = su_client.get("/")
    assert response.context["largest"] == []
    assert 'href="/domains/?sort=-mailboxes"' in response.content.decode()


def test_no_mailboxes_no_bars(db):
    root = User.objects.create_user("root", is_staff=True, is_superuser=True)
    response = client_for(root).get("/")
    assert response.context["largest"] == []
    assert "Largest domains" not in response.content.decode()
