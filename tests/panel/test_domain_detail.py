from domains import services
from domains.list_filters import PAGE_SIZE
from domains.models import Mailbox
from tests.conftest import ACTOR


def test_the_domain_page_lists_its_mailboxes_and_aliases(a_client):
    response = a_client.get("/domains/example.org/?self=1")
    assert [m.address for m in response.context["mailboxes"].rows] == ["john@example.org"]
    aliases = {a.mail: a.is_mailbox_row for a in response.context["aliases"].rows}
    assert aliases == {"@example.org": False, "john@example.org": True, "sales@example.org": False}


def test_the_mailbox_row_is_shown_but_cannot_be_removed_on_its_own(a_client):
    html = a_client.get("/domains/example.org/?self=1").content.decode()
    assert "follows its mailbox" in html
    assert 'href="/aliases/john@example.org/delete/"' not in html
    assert 'href="/aliases/sales@example.org/delete/"' in html


def test_mailboxes_and_aliases_are_searched_apart(a_client):
    response = a_client.get("/domains/example.org/?aq=sales&mq=john")
    assert [a.mail for a in response.context["aliases"].rows] == ["sales@example.org"]
    assert [m.address for m in response.context["mailboxes"].rows] == ["john@example.org"]
    response = a_client.get("/domains/example.org/?mq=nobody&self=1")
    assert list(response.context["mailboxes"].rows) == []
    assert len(response.context["aliases"].rows) == 3


def test_mailboxes_are_paginated_on_the_domain_page(a_client):
    Mailbox.objects.bulk_create(
        Mailbox(address=f"u{n:03}@example.org", crypt="x") for n in range(PAGE_SIZE + 1)
    )
    response = a_client.get("/domains/example.org/?mpage=2")
    rows = [m.address for m in response.context["mailboxes"].rows]
    assert rows == ["u049@example.org", "u050@example.org"]  # after john@
    assert response.context["aliases"].page.number == 1


def test_quota_is_shown_in_human_units(a_client):
    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="500M,1000C")
    assert "500 MB, 1000 messages" in a_client.get("/domains/example.org/").content.decode()


def test_the_mailboxes_own_rows_are_hidden_by_default(a_client):
    response = a_client.get("/domains/example.org/")
    assert [a.mail for a in response.context["aliases"].rows] == [
        "@example.org",
        "sales@example.org",
    ]
    html = response.content.decode()
    assert "follows its mailbox" not in html
    assert (
        "Show the mailboxes&#x27; own rows (1)" in html
        or "Show the mailboxes' own rows (1)" in html
    )
    assert 'href="?self=1#aliases"' in html


def test_the_toggle_keeps_the_search_and_hides_again(a_client):
    html = a_client.get("/domains/example.org/?aq=john&apage=1").content.decode()
    assert 'href="?aq=john&amp;self=1#aliases"' in html
    response = a_client.get("/domains/example.org/?aq=john&self=1")
    assert "john@example.org" in [a.mail for a in response.context["aliases"].rows]
    html = response.content.decode()
    assert "Hide the mailboxes" in html
    assert 'href="?aq=john#aliases"' in html
    assert '<input type="hidden" name="self" value="1">' in html  # a search keeps the toggle
