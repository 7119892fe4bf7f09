from django.contrib.auth.models import User

from accounts.models import DomainAssignment
from audit.models import AuditEntry
from domains.models import Domain
from tests.panel.conftest import PASSWORD, client_for

NEW = "Carol-Pass-1234"


def domain_pk(name: str) -> int:
    return Domain.objects.get(domain=name).pk


def test_a_superuser_creates_a_domain_admin_with_domains(su_client):
    response = su_client.post(
        "/admins/add/",
        {
            "username": "carol",
            "email": "carol@example.org",
            "password1": NEW,
            "password2": NEW,
            "domains": [domain_pk("other.org")],
        },
    )
    assert response.url == "/admins/"
    carol = User.objects.get(username="carol")
    assert carol.is_staff and not carol.is_superuser and carol.check_password(NEW)
    assert list(carol.domain_assignments.values_list("domain__domain", flat=True)) == ["other.org"]
    entry = AuditEntry.objects.get(object_type="admin", action="create")
    assert entry.after["domains"] == ["other.org"]
    assert NEW not in str(entry.after)


def test_the_new_admin_sees_only_the_assigned_domain(su_client):
    su_client.post(
        "/admins/add/",
        {
            "username": "carol",
            "password1": NEW,
            "password2": NEW,
            "domains": [domain_pk("other.org")],
        },
    )
    carol = client_for(User.objects.get(username="carol"))
    assert carol.get("/domains/other.org/").status_code == 200
    assert carol.get("/domains/example.org/").status_code == 404


def test_staff_passwords_go_through_djangos_validators(su_client):
    response = su_client.post(
        "/admins/add/", {"username": "carol", "password1": "carol123", "password2": "carol123"}
    )
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(username="carol").exists()


def test_a_taken_username_is_refused_beside_the_field(su_client, admin_a):
    response = su_client.post(
        "/admins/add/", {"username": "ALICE", "password1": NEW, "password2": NEW}
    )
    assert response.context["form"].errors["username"] == ["User ALICE already exists."]


def test_a_superuser_reassigns_domains_and_deactivates(su_client, admin_a):
    response = su_client.post(
        f"/admins/{admin_a.pk}/", {"email": "", "domains": [domain_pk("other.org")]}
    )
    assert response.url == "/admins/"
    admin_a.refresh_from_db()
    assert not admin_a.is_active
    assert list(
        DomainAssignment.objects.filter(user=admin_a).values_list("domain__domain", flat=True)
    ) == ["other.org"]
    entry = AuditEntry.objects.get(object_type="admin", action="update")
    assert entry.before["domains"] == ["example.org"] and entry.after["domains"] == ["other.org"]


def test_a_superuser_sets_an_admins_password(su_client, admin_a):
    su_client.post(f"/admins/{admin_a.pk}/password/", {"password1": NEW, "password2": NEW})
    admin_a.refresh_from_db()
    assert admin_a.check_password(NEW) and not admin_a.check_password(PASSWORD)


def test_deleting_an_admin_keeps_its_domains(su_client, admin_a):
    page = su_client.get(f"/admins/{admin_a.pk}/delete/").content.decode()
    assert "with its access to example.org" in page
    su_client.post(f"/admins/{admin_a.pk}/delete/")
    assert not User.objects.filter(pk=admin_a.pk).exists()
    assert Domain.objects.filter(domain="example.org").exists()


def test_superusers_are_not_managed_here(su_client, superuser, admin_a, admin_b):
    assert su_client.get(f"/admins/{superuser.pk}/").status_code == 404
    listed = [u.username for u in su_client.get("/admins/").context["listing"].rows]
    assert listed == ["alice", "bob"]
