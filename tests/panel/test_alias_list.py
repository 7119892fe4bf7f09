def sources(response) -> list[str]:
    return [a.mail for a in response.context["listing"].rows]


def test_a_domain_admin_sees_only_its_aliases(a_client, b_client):
    assert sources(a_client.get("/aliases/")) == [
        "@example.org",
        "john@example.org",
        "sales@example.org",
    ]
    assert sources(b_client.get("/aliases/")) == ["info@other.org", "mary@other.org"]


def test_aliases_filter_by_kind(su_client):
    assert sources(su_client.get("/aliases/?kind=catch-all")) == ["@example.org"]
    assert sources(su_client.get("/aliases/?kind=self")) == ["john@example.org", "mary@other.org"]
    assert sources(su_client.get("/aliases/?kind=forward")) == [
        "info@other.org",
        "sales@example.org",
    ]


def test_aliases_filter_by_domain_and_destination_search(su_client):
    assert sources(su_client.get("/aliases/?domain=other.org&q=info")) == ["info@other.org"]
    assert sources(su_client.get("/aliases/?q=mary@")) == ["info@other.org", "mary@other.org"]


def test_another_domains_filter_is_the_same_404_as_on_every_list(b_client, su_client):
    assert b_client.get("/aliases/?domain=example.org").status_code == 404
    assert su_client.get("/aliases/?domain=not a domain").status_code == 404
    assert sources(b_client.get("/aliases/?domain=Other.ORG")) == [
        "info@other.org",
        "mary@other.org",
    ]


def test_sorting_by_destination_descending(su_client):
    rows = sources(su_client.get("/aliases/?sort=-destination"))
    assert set(rows[:2]) == {"info@other.org", "mary@other.org"}
    assert sources(su_client.get("/aliases/?sort=destination"))[-1] in rows[:2]
