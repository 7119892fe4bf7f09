from domains.models import Mailbox


def addresses(response) -> list[str]:
    return [m.address for m in response.context["listing"].rows]


def test_a_superuser_sees_every_mailbox(su_client):
    assert addresses(su_client.get("/domains/mailboxes/")) == [
        "john@example.org",
        "mary@other.org",
    ]


def test_a_domain_admin_sees_only_its_domains_mailboxes(a_client, b_client):
    assert addresses(a_client.get("/domains/mailboxes/")) == ["john@example.org"]
    # another domain's filter: the same 404 as on the audit pages (it was an empty list)
    assert b_client.get("/domains/mailboxes/?domain=example.org").status_code == 404


def test_the_list_filters_by_domain_and_searches_names(su_client):
    assert addresses(su_client.get("/domains/mailboxes/?domain=Other.ORG")) == ["mary@other.org"]
    assert addresses(su_client.get("/domains/mailboxes/?q=mary")) == ["mary@other.org"]
    assert su_client.get("/domains/mailboxes/?domain=not a domain").status_code == 404


def test_an_address_with_a_slash_still_gets_a_working_page(su_client):
    Mailbox.objects.create(address="a/b%c@example.org", crypt="x")
    html = su_client.get("/domains/mailboxes/").content.decode()
    assert 'href="/domains/mailboxes/a%252Fb%2525c@example.org/"' in html
    response = su_client.get("/domains/mailboxes/a%252Fb%2525c@example.org/")
    assert response.context["mailbox"].address == "a/b%c@example.org"
