from audit.models import AuditEntry
from domains.models import Domain


def test_a_superuser_disables_and_enables_a_domain(su_client):
    response = su_client.post("/domains/example.org/disable/")
    assert response.url == "/domains/example.org/"
    assert not Domain.objects.get(domain="example.org").enabled
    su_client.post("/domains/example.org/enable/")
    assert Domain.objects.get(domain="example.org").enabled
    actions = list(
        AuditEntry.objects.filter(object_id="example.org").values_list("action", flat=True)
    )
    assert actions[:2] == ["enable", "disable"]


def test_a_get_does_not_disable_anything(su_client):
    assert su_client.get("/domains/example.org/disable/").status_code == 405
    assert Domain.objects.get(domain="example.org").enabled
