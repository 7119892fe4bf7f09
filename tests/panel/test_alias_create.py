import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from domains import services
from tests.conftest import ACTOR

URL = "/aliases/add/"


def forward(client, **data):
    return client.post(f"{URL}?kind=forward", {"enabled": "on"} | data)


def errors(response) -> dict:
    assert response.status_code == 200
    return response.context["form"].errors


def test_a_forward_takes_several_destinations_and_drops_duplicates(a_client):
    response = forward(
        a_client,
        source="Team@example.org",
        destinations="john@example.org\nx@gmail.com, JOHN@example.org",
    )
    assert response.url == "/domains/example.org/"
    assert Alias.objects.get(mail="team@example.org").destination == "john@example.org,x@gmail.com"
    assert AuditEntry.objects.get(action="create", object_id="team@example.org").actor == "alice"


def test_a_plain_forward_refuses_a_mailbox_and_links_to_its_forward_page(a_client):
    # It used to replace the mailbox's own row: without the copy box, john received nothing.
    for data in ({}, {"keep_copy": "on"}):
        response = forward(a_client, source="john@example.org", destinations="x@gmail.com", **data)
        assert "john@example.org is a mailbox" in errors(response)["source"][0]
        link = 'href="/domains/mailboxes/john@example.org/forward/"'
        assert link in response.content.decode()
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org"


def test_the_plain_forward_form_has_no_local_copy_box(a_client):
    # Keeping a copy is a mailbox's choice, on the mailbox's forward page.
    assert "keep_copy" not in a_client.get(f"{URL}?kind=forward").context["form"].fields


def test_an_existing_forward_is_not_overwritten(a_client):
    response = forward(a_client, source="sales@example.org", destinations="x@gmail.com")
    assert "already exists" in errors(response)["source"][0]
    assert Alias.objects.get(mail="sales@example.org").destination == "john@example.org"


def test_a_domain_admin_cannot_add_an_alias_to_another_domain(a_client):
    response = forward(a_client, source="evil@other.org", destinations="x@gmail.com")
    assert errors(response)["source"] == ["other.org is not one of your domains."]
    response = forward(a_client, source="evil@nowhere.test", destinations="x@gmail.com")
    assert errors(response)["source"] == ["nowhere.test is not one of your domains."]
    assert not Alias.objects.filter(mail__startswith="evil@").exists()


def test_a_superuser_cannot_add_an_alias_to_a_domain_not_hosted(su_client):
    response = forward(su_client, source="a@nowhere.test", destinations="x@gmail.com")
    assert "not hosted here" in errors(response)["source"][0]


def test_a_dead_end_local_destination_asks_for_a_confirmation(a_client):
    services.create_domain("third.org", actor=ACTOR)
    data = {"source": "team@example.org", "destinations": "ghost@third.org"}
    response = forward(a_client, **data)
    assert "ghost@third.org is a local address with no mailbox" in response.content.decode()
    assert "confirm" in errors(response)
    assert not Alias.objects.filter(mail="team@example.org").exists()
    assert forward(a_client, **data, confirm="on").status_code == 302
    assert Alias.objects.get(mail="team@example.org").destination == "ghost@third.org"


def test_a_loop_asks_for_a_confirmation(a_client):
    forward(a_client, source="a@example.org", destinations="b@example.org", confirm="on")
    response = forward(a_client, source="b@example.org", destinations="a@example.org")
    assert "would loop" in response.content.decode()
    assert not Alias.objects.filter(mail="b@example.org").exists()


def test_a_catch_all_is_made_for_one_of_my_domains(b_client):
    response = b_client.post(
        f"{URL}?kind=catch-all", {"source": "other.org", "destinations": "mary@other.org"}
    )
    assert response.status_code == 302
    assert Alias.objects.get(mail="@other.org").kind == "catch-all"


def test_the_catch_all_form_offers_only_my_domains(b_client):
    form = b_client.get(f"{URL}?kind=catch-all&domain=other.org").context["form"]
    assert form.fields["source"].choices == [("other.org", "other.org")]
    assert form.initial == {} and form["source"].value() == "other.org"
    response = b_client.post(
        f"{URL}?kind=catch-all", {"source": "example.org", "destinations": "mary@other.org"}
    )
    assert "source" in errors(response)


def test_a_domain_alias_shows_the_accept_then_bounce_note(su_client):
    services.create_domain("alias.test", actor=ACTOR)
    page = su_client.get(f"{URL}?kind=domain-alias").content.decode()
    assert "backscatter" in page
    response = su_client.post(
        f"{URL}?kind=domain-alias", {"source": "alias.test", "destinations": "example.org"}
    )
    assert response.status_code == 302
    assert Alias.objects.get(mail="@alias.test").destination == "@example.org"


def test_a_domain_cannot_alias_itself(su_client):
    response = su_client.post(
        f"{URL}?kind=domain-alias", {"source": "other.org", "destinations": "other.org"}
    )
    assert "destinations" in errors(response)


def test_destinations_longer_than_the_column_are_refused(a_client):
    many = ",".join(f"user{n}@gmail.com" for n in range(10))
    response = forward(a_client, source="team@example.org", destinations=many)
    assert "more than 120 characters" in errors(response)["destinations"][0]


@pytest.mark.parametrize(
    "destinations", ["", "not an address", "a@@b.org", "@other.org", "<img src=x>@x.org"]
)
def test_bad_destinations_are_refused_beside_the_field(a_client, destinations):
    response = forward(a_client, source="team@example.org", destinations=destinations)
    assert "destinations" in errors(response)
    assert not Alias.objects.filter(mail="team@example.org").exists()


def test_an_unknown_kind_is_a_404(a_client):
    assert a_client.get(f"{URL}?kind=bogus").status_code == 404
