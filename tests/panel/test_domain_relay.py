"""The domain forms' relay settings: the transport and the backup MX, explained in words."""

from audit.models import AuditEntry
from domains.models import Domain, RelaySetting


def test_a_superuser_adds_a_relay_domain_as_a_backup_mx(su_client):
    response = su_client.post(
        "/domains/add/",
        {
            "name": "relay.test",
            "transport": "smtp:[10.0.0.5]:25",
            "backup_mx": "on",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    domain = Domain.objects.get(domain="relay.test")
    assert domain.relay == ("smtp", "[10.0.0.5]:25")
    assert RelaySetting.objects.get(domain=domain).backup_mx
    entry = AuditEntry.objects.get(action="create", object_id="relay.test")
    assert entry.after["backup_mx"] is True


def test_a_hosted_domain_cannot_be_a_backup_mx_the_error_is_beside_the_field(su_client):
    response = su_client.post(
        "/domains/example.org/edit/", {"transport": "virtual:", "backup_mx": "on"}
    )
    assert response.status_code == 200
    assert "backup_mx" in response.context["form"].errors
    assert not RelaySetting.objects.exists()


def test_the_edit_form_turns_the_backup_mx_on_and_off(su_client):
    url = "/domains/example.org/edit/"
    su_client.post(url, {"transport": "smtp:[10.0.0.5]:25", "backup_mx": "on"})
    assert su_client.get(url).context["form"].initial == {
        "transport": "smtp:[10.0.0.5]:25",
        "backup_mx": True,
    }
    su_client.post(url, {"transport": "smtp:[10.0.0.5]:25"})
    assert not RelaySetting.objects.exists()
    entry = (
        AuditEntry.objects.filter(action="update", object_id="example.org").order_by("pk").last()
    )
    assert (entry.before["backup_mx"], entry.after["backup_mx"]) == (True, False)


def test_the_form_explains_hosted_relayed_and_backup_mx_in_words(su_client):
    page = su_client.get("/domains/example.org/edit/").content.decode()
    assert "hosted here" in page
    assert "relay domain" in page
    assert "backup MX" in page


def test_a_domain_admin_cannot_change_the_backup_mx(a_client):
    response = a_client.post(
        "/domains/example.org/edit/", {"transport": "smtp:[10.0.0.5]:25", "backup_mx": "on"}
    )
    assert response.status_code in (403, 404)
    assert not RelaySetting.objects.exists()
    assert Domain.objects.get(domain="example.org").transport == "virtual:"
