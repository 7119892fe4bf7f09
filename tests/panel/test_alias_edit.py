from aliases.models import Alias
from audit.models import AuditEntry


def test_a_forward_gets_new_destinations(a_client):
    response = a_client.post(
        "/aliases/sales@example.org/", {"destinations": "john@example.org\nboss@gmail.com"}
    )
    assert response.url == "/domains/example.org/"
    assert Alias.objects.get(mail="sales@example.org").destination == (
        "john@example.org,boss@gmail.com"
    )
    entry = AuditEntry.objects.get(action="update", object_id="sales@example.org")
    assert entry.before["destination"] == "john@example.org"


def test_a_mailbox_row_is_edited_as_a_forward_with_an_optional_local_copy(a_client):
    form = a_client.get("/aliases/john@example.org/").context["form"]
    assert form.initial == {"destinations": "", "keep_copy": True}
    a_client.post("/aliases/john@example.org/", {"destinations": "x@gmail.com", "keep_copy": "on"})
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org,x@gmail.com"
    a_client.post("/aliases/john@example.org/", {"destinations": "", "keep_copy": "on"})
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org"


def test_a_mailbox_row_needs_a_destination_or_the_local_copy(a_client):
    response = a_client.post("/aliases/john@example.org/", {"destinations": ""})
    assert "destinations" in response.context["form"].errors
    assert Alias.objects.get(mail="john@example.org").destination == "john@example.org"


def test_a_domain_admin_cannot_point_a_domain_alias_at_a_domain_it_does_not_manage(a_client):
    response = a_client.post("/aliases/@example.org/", {"destinations": "@other.org"})
    assert response.context["form"].errors["destinations"] == [
        "other.org is not one of your domains."
    ]
