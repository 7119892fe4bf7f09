"""The mailbox's forward page: "Forward john's mail to … [x] keep a copy in the mailbox"."""

from aliases import services as alias_services
from aliases.models import Alias
from audit.models import AuditEntry
from tests.conftest import ACTOR

URL = "/domains/mailboxes/john@example.org/forward/"


def own_row() -> str:
    return Alias.objects.get(mail="john@example.org").destination


def test_the_form_keeps_a_copy_by_default(a_client):
    response = a_client.get(URL)
    form = response.context["form"]
    assert form.initial["keep_copy"] is True and form.initial["destinations"] == ""
    assert "Forward john&#x27;s mail to" in response.content.decode()


def test_forwarding_with_a_copy_lists_the_mailbox_in_its_own_row(a_client):
    response = a_client.post(URL, {"destinations": "x@gmail.com", "keep_copy": "on"})
    assert response.url == "/domains/mailboxes/john@example.org/"
    assert own_row() == "john@example.org,x@gmail.com"
    entry = AuditEntry.objects.get(action="forward")
    assert (entry.actor, entry.message) == ("alice", "forwarded to x@gmail.com, copy kept")


def test_forwarding_without_a_copy_is_an_explicit_choice(a_client):
    a_client.post(URL, {"destinations": "x@gmail.com"})
    assert own_row() == "x@gmail.com"
    page = a_client.get("/domains/mailboxes/john@example.org/").content.decode()
    assert "forwarded to x@gmail.com" in page and "no local copy" in page


def test_stopping_the_forward_restores_the_self_alias(a_client):
    a_client.post(URL, {"destinations": "x@gmail.com"})
    response = a_client.post(URL, {"stop": "1"})
    assert response.url == "/domains/mailboxes/john@example.org/"
    assert own_row() == "john@example.org"
    assert AuditEntry.objects.filter(action="unforward").count() == 1


def test_neither_destination_nor_copy_is_refused_beside_the_field(a_client):
    response = a_client.post(URL, {"destinations": ""})
    assert "destinations" in response.context["form"].errors
    assert own_row() == "john@example.org"


def test_another_domains_mailbox_is_a_404(b_client):
    assert b_client.get(URL).status_code == 404
    assert b_client.post(URL, {"destinations": "x@gmail.com"}).status_code == 404
    assert b_client.post(URL, {"stop": "1"}).status_code == 404
    assert own_row() == "john@example.org"


def test_mailbox_lists_say_where_a_forwarded_mailbox_s_mail_goes(a_client):
    alias_services.forward_mailbox("john@example.org", "x@gmail.com", actor=ACTOR)
    for url in ("/domains/mailboxes/", "/domains/example.org/"):
        assert "forwarded to x@gmail.com, copy kept" in a_client.get(url).content.decode()
    alias_services.forward_mailbox("john@example.org", "x@gmail.com", actor=ACTOR, keep_copy=False)
    html = a_client.get("/domains/mailboxes/").content.decode()
    assert "no local copy" in html


def test_the_alias_list_marks_a_mailbox_row_without_its_copy(a_client):
    alias_services.forward_mailbox("john@example.org", "x@gmail.com", actor=ACTOR, keep_copy=False)
    assert "no local copy" in a_client.get("/aliases/").content.decode()
