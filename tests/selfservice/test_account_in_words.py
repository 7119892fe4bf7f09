"""The mailbox owner's page says in plain words where mail goes (routing.sources and the
mailbox's own alias row), never as alias rows ("Rewritten to @example.net")."""

import pytest
from django.contrib.auth.models import User

from aliases import services as alias_services
from domains import services
from tests.selfservice.conftest import PASSWORD, log_in

ANN = "ann@example.net"


@pytest.fixture
def ann(db, actor):
    for name in ("example.net", "example.com", "example.org"):
        services.create_domain(name, actor=actor)
    services.create_mailbox(ANN, PASSWORD, actor=actor)
    alias_services.create_alias("sales@example.net", ANN, actor=actor)
    alias_services.create_alias("@example.com", "@example.net", actor=actor)
    alias_services.create_alias("@example.org", ANN, actor=actor)


def sentences(client) -> list[str]:
    response = client.get("/account/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rewritten" not in body and "<code>" not in body
    return [response.context["own_mail"], *response.context["other_mail"]]


def test_the_page_says_where_mail_goes_in_words(client, ann):
    log_in(client, ANN)
    said = sentences(client)
    assert said[0] == "Mail to ann@example.net is delivered to this mailbox."
    assert (
        "Mail to ann@example.com comes here too: example.com receives mail for the same "
        "addresses at example.net." in said
    )
    assert "Mail to sales@example.net comes here too: it is forwarded to ann@example.net." in said
    assert (
        "Mail to any other address at example.org (one with no mailbox or alias of its own) "
        "comes here too." in said
    )
    body = client.get("/account/").content.decode()
    for sentence in said:
        assert sentence in body


def test_a_forwarded_mailbox_says_so(client, ann, actor):
    alias_services.forward_mailbox(ANN, "ann@elsewhere.test", actor=actor, keep_copy=True)
    log_in(client, ANN)
    assert sentences(client)[0] == (
        "Mail to ann@example.net is delivered to this mailbox and is also forwarded to "
        "ann@elsewhere.test."
    )
    alias_services.forward_mailbox(ANN, "ann@elsewhere.test", actor=actor, keep_copy=False)
    assert sentences(client)[0] == (
        "Mail to ann@example.net is forwarded to ann@elsewhere.test; no copy is kept in "
        "this mailbox."
    )


def test_a_mailbox_nothing_else_delivers_to(client, ann, actor):
    services.create_domain("example.info", actor=actor)
    services.create_mailbox("bob@example.info", PASSWORD, actor=actor)
    log_in(client, "bob@example.info")
    body = client.get("/account/").content.decode()
    assert "Mail to bob@example.info is delivered to this mailbox." in body
    assert "No other address sends its mail here." in body


def test_the_words_are_only_for_the_mailbox_owner(client, ann):
    assert client.get("/account/").status_code == 302
    User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)
    client.force_login(User.objects.get(username="root"))
    response = client.get("/account/")
    assert response.status_code == 302 and response.url.startswith("/account/login/")
