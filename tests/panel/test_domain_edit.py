from audit.models import AuditEntry
from domains.models import Domain


def test_a_superuser_changes_the_transport(su_client):
    response = su_client.post("/domains/example.org/edit/", {"transport": "smtp:[relay]"})
    assert response.status_code == 302
    assert Domain.objects.get(domain="example.org").transport == "smtp:[relay]"
    entry = AuditEntry.objects.get(action="update", object_id="example.org")
    assert entry.before["transport"] == "virtual:"
    assert entry.after["transport"] == "smtp:[relay]"


def test_an_empty_transport_is_refused_beside_the_field(su_client):
    response = su_client.post("/domains/example.org/edit/", {"transport": " "})
    assert response.status_code == 200
    assert "transport" in response.context["form"].errors
    assert Domain.objects.get(domain="example.org").transport == "virtual:"


def test_the_form_shows_the_current_transport(su_client):
    assert su_client.get("/domains/example.org/edit/").context["form"].initial == {
        "transport": "virtual:"
    }
