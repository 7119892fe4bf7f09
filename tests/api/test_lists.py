"""Lists: keyset pages in index order, bounded page size, filters, the user's rows only,
and the same number of queries at 5 rows as at 500 (no COUNT(*))."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aliases.models import Alias


def _many(n: int, domain: str = "example.org") -> None:
    Alias.objects.bulk_create(
        Alias(mail=f"list{i:04d}@{domain}", destination=f"john@{domain}") for i in range(n)
    )


def _walk(client, url):
    rows, pages = [], 0
    while url:
        body = client.get(url).json()
        rows += body["results"]
        url, pages = body["next"], pages + 1
    return rows, pages


def test_the_cursor_walks_every_row_once_in_key_order(api_a):
    _many(250)
    rows, pages = _walk(api_a, "/api/v1/aliases/?limit=100")
    mails = [r["mail"] for r in rows]
    assert mails == sorted(mails) and len(set(mails)) == len(mails)
    assert len(mails) == Alias.objects.filter(domain_name="example.org").count()
    assert pages == 3


def test_a_domain_admin_lists_its_own_domains_rows_only(api_a):
    _many(5, "other.org")
    rows, _ = _walk(api_a, "/api/v1/aliases/")
    assert rows and all(r["mail"].endswith("example.org") for r in rows)


def test_a_filter_on_another_admins_domain_is_a_404(api_a):
    assert api_a.get("/api/v1/aliases/?domain=other.org").status_code == 404
    assert api_a.get("/api/v1/mailboxes/?domain=other.org").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=catch-all", ["@example.org"]),
        ("kind=forward&prefix=sal", ["sales@example.org"]),
        ("enabled=false", []),
        ("prefix=SALES", ["sales@example.org"]),
    ],
)
def test_filters(api_a, query, expected):
    rows = api_a.get(f"/api/v1/aliases/?{query}").json()["results"]
    assert [r["mail"] for r in rows] == expected


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=1001", "limit=x", "cursor=%%%", "kind=nope", "enabled=maybe"]
)
def test_bad_list_parameters_are_400(api_a, query):
    response = api_a.get(f"/api/v1/aliases/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("url", ["/api/v1/aliases/", "/api/v1/mailboxes/", "/api/v1/domains/"])
def test_a_list_costs_the_same_queries_at_5_and_at_500_rows(api_su, url):
    api_su.get(url)  # the token's last use is written once a minute: not counted below

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api_su.get(url + "?limit=1000").status_code == 200
        assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
        return len(queries)

    small = count()
    _many(500)
    from domains.models import Domain, Mailbox

    Mailbox.objects.bulk_create(
        Mailbox(address=f"m{i:04d}@example.org", crypt="x") for i in range(500)
    )
    Domain.objects.bulk_create(Domain(domain=f"d{i:04d}.org") for i in range(500))
    assert count() == small


@pytest.mark.parametrize("url", ["/api/v1/history/", "/api/v1/aliases/", "/api/v1/domains/"])
@pytest.mark.parametrize("cursor", ["p=abc", "o=x", "p=1&r=maybe", "é", "bm90IGEgY3Vyc29y!"])
def test_a_forged_cursor_is_400_never_500(api_su, url, cursor):
    """A cursor is base64 of DRF's `p=position&o=offset&r=reverse`; a made-up one, or a
    non-numeric position of a numeric key, is refused before any query runs on it."""
    from urllib.parse import quote

    encoded = (
        cursor
        if not cursor.startswith(("p=", "o="))
        else base64.b64encode(cursor.encode()).decode()
    )
    response = api_su.get(f"{url}?cursor={quote(encoded)}")
    assert response.status_code in (200, 400)
    if url == "/api/v1/history/" or not cursor.startswith("p="):
        assert response.status_code == 400, response.content
        assert response["Content-Type"] == "application/problem+json"
