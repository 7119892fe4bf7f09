"""List searches are prefix matches (index ranges at a million rows), by address or domain."""


def mails(response) -> list[str]:
    return [getattr(r, "mail", None) or r.address for r in response.context["listing"].rows]


def test_a_search_matches_the_start_of_the_address(su_client):
    assert mails(su_client.get("/domains/mailboxes/?q=JO")) == ["john@example.org"]
    assert mails(su_client.get("/domains/mailboxes/?q=ohn")) == []


def test_a_search_matches_the_start_of_the_domain(su_client):
    assert mails(su_client.get("/domains/mailboxes/?q=other")) == ["mary@other.org"]
    assert mails(su_client.get("/aliases/?q=@other.org")) == ["info@other.org", "mary@other.org"]


def test_a_search_matches_the_start_of_the_name(su_client):
    assert mails(su_client.get("/domains/mailboxes/?q=Mar")) == ["mary@other.org"]


def test_a_long_list_says_it_is_cut(su_client, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.BOUND", 2)
    monkeypatch.setattr(
        "mailadmin.pagination.BoundedPaginator.__init__.__kwdefaults__", {"bound": 2}
    )
    html = su_client.get("/aliases/").content.decode()
    assert "More than 2: search or filter to narrow the list." in html
