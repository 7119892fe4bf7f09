"""The alias audit page and its CSV: state, kind, locality, filters, scope."""

import csv
import io

import pytest

from aliases import services as alias_services
from domains import services
from tests.conftest import ACTOR


def listed(client, query: str = "") -> list[str]:
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200
    return [a.mail for a in response.context["rows"]]


def exported(client, query: str = "") -> list[dict]:
    response = client.get(f"/audit/aliases.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def more(two_domains):
    """A catch-all, an external forward, a mixed forward and a domain alias."""
    alias_services.create_alias("@example.org", "john@example.org", actor=ACTOR)
    alias_services.create_alias("out@example.org", "x@elsewhere.net", actor=ACTOR)
    alias_services.create_alias(
        "team@example.org", "john@example.org,x@elsewhere.net,y@elsewhere.net", actor=ACTOR
    )
    services.create_domain("alias.org", actor=ACTOR)
    alias_services.create_alias("@alias.org", "@example.org", actor=ACTOR)


def test_a_superuser_sees_every_alias_with_kind_and_state(su_client, more):
    response = su_client.get("/audit/")
    rows = {a.mail: a for a in response.context["rows"]}
    assert set(rows) == {
        "@alias.org",
        "@example.org",
        "info@other.org",
        "john@example.org",
        "mary@other.org",
        "out@example.org",
        "sales@example.org",
        "team@example.org",
    }
    assert rows["info@other.org"].state == "disabled"
    assert rows["sales@example.org"].state == "enabled"
    assert (rows["@alias.org"].kind_value, rows["@alias.org"].locality) == ("domain-alias", "local")
    assert (rows["out@example.org"].locality, rows["team@example.org"].locality) == (
        "external",
        "mixed",
    )
    assert rows["team@example.org"].marked == [
        ("john@example.org", True),
        ("x@elsewhere.net", False),
        ("y@elsewhere.net", False),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=disabled", ["info@other.org"]),
        ("?kind=catch-all", ["@example.org"]),
        ("?kind=domain-alias", ["@alias.org"]),
        ("?kind=self", ["john@example.org", "mary@other.org"]),
        ("?kind=forward&locality=local", ["info@other.org", "sales@example.org"]),
        ("?locality=external", ["out@example.org"]),
        ("?locality=mixed", ["team@example.org"]),
        ("?domain=other.org", ["info@other.org", "mary@other.org"]),
        ("?q=elsewhere", ["out@example.org", "team@example.org"]),
        ("?q=sales", ["sales@example.org"]),
    ],
)
def test_each_filter_narrows_the_list(su_client, more, query, expected):
    assert listed(su_client, query) == expected


def test_aliases_of_a_disabled_domain_are_inert(su_client, more):
    services.set_domain_enabled("other.org", False, actor=ACTOR)
    assert listed(su_client, "?state=inert") == ["mary@other.org"]  # info@ is plainly disabled
    assert "info@other.org" in listed(su_client, "?state=disabled")


def test_sorting_by_kind_descending(su_client, more):
    kinds = [a.kind_value for a in su_client.get("/audit/?sort=-kind").context["rows"]]
    assert kinds == sorted(kinds, reverse=True)


def test_pages_hold_fifty_aliases(su_client, two_domains):
    for n in range(60):
        alias_services.create_alias(f"a{n:02}@example.org", "john@example.org", actor=ACTOR)
    first = su_client.get("/audit/?kind=forward")
    assert len(first.context["rows"]) == 50
    second = su_client.get("/audit/?kind=forward&page=2")
    assert len(second.context["rows"]) == 12  # 60 + sales@ + info@
    assert b"page=2" in first.content and b"kind=forward" in first.content


def test_the_csv_holds_the_filtered_set(su_client, more):
    rows = exported(su_client, "?state=disabled")
    assert rows == [
        {
            "mail": "info@other.org",
            "destination": "mary@other.org",
            "kind": "forward",
            "state": "disabled",
            "destinations": "local",
            "domain": "other.org",
        }
    ]


def test_the_csv_neutralises_cells_a_spreadsheet_would_evaluate(su_client, more):
    alias_services.create_alias("=cmd@example.org", "-list@elsewhere.net", actor=ACTOR)
    rows = {r["mail"]: r for r in exported(su_client)}
    assert rows["'=cmd@example.org"]["destination"] == "'-list@elsewhere.net"
    assert rows["'@example.org"]["kind"] == "catch-all"
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in rows.values() for cell in row.values()
    )


def test_a_domain_admin_sees_only_its_aliases_in_the_page_and_the_csv(a_client, more):
    assert listed(a_client) == [
        "@example.org",
        "john@example.org",
        "out@example.org",
        "sales@example.org",
        "team@example.org",
    ]
    assert {r["domain"] for r in exported(a_client)} == {"example.org"}
    assert listed(a_client, "?state=disabled") == []
    assert a_client.get("/audit/?domain=other.org").status_code == 404
    assert a_client.get("/audit/aliases.csv?domain=other.org").status_code == 404


def test_the_domain_choices_are_the_admins_domains(a_client, more):
    form = a_client.get("/audit/").context["form"]
    assert [name for name, _ in form.fields["domain"].choices] == ["", "example.org"]


def test_an_unknown_filter_value_is_ignored_with_a_message(su_client, more):
    response = su_client.get("/audit/?state=bogus&sort=nonsense")
    assert response.status_code == 200
    assert len(response.context["rows"]) == 8
    assert b"not understood" in response.content
