"""The out-of-office pages: the owner's own, and staff's within their scope."""

from django.contrib.auth.models import User

from accounts.models import DomainAssignment
from domains.models import Domain
from tests.panel.conftest import client_for
from tests.selfservice.conftest import log_in
from tests.vacation.conftest import ANN, PASSWORD
from vacation import services
from vacation.models import Vacation

FORM = {"subject": "Away", "body": "Back on Monday.", "interval_days": "7"}


def staff(username, *domains, superuser=False):
    user = User.objects.create_user(
        username, password="Staff-Pass-1234", is_staff=True, is_superuser=superuser
    )
    for name in domains:
        DomainAssignment.objects.create(user=user, domain=Domain.objects.get(domain=name))
    return client_for(user)


def test_the_owner_switches_their_vacation_on_and_off(client, mailboxes):
    log_in(client, ANN, PASSWORD)
    assert client.get("/account/vacation/").status_code == 200
    response = client.post("/account/vacation/", FORM)
    assert response.status_code == 302
    vacation = Vacation.objects.get(mailbox=ANN)
    assert vacation.enabled and vacation.changed_by == ANN
    assert b"Switch off" in client.get("/account/vacation/").content
    client.post("/account/vacation/", {"off": "1"})
    assert not Vacation.objects.get(mailbox=ANN).enabled


def test_the_owner_sees_a_bad_day_beside_the_field(client, mailboxes):
    log_in(client, ANN, PASSWORD)
    response = client.post(
        "/account/vacation/", {**FORM, "first_day": "2099-02-02", "last_day": "2099-02-01"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["last_day"]
    assert not Vacation.objects.exists()


def test_the_owner_is_told_who_set_it(client, mailboxes, actor):
    services.set_vacation(ANN, services.Setting("Away", "x"), actor=actor)
    log_in(client, ANN, PASSWORD)
    assert b"Last changed by tester" in client.get("/account/vacation/").content


def test_an_owner_changes_only_their_own(client, mailboxes):
    log_in(client, ANN, PASSWORD)
    client.post("/account/vacation/", FORM)
    assert list(Vacation.objects.values_list("mailbox", flat=True)) == [ANN]
    # the staff page of another mailbox is not theirs: the staff login
    response = client.get("/domains/mailboxes/bob@example.org/vacation/")
    assert response.status_code == 302 and "/login/" in response.url


def test_staff_set_it_within_their_scope_only(mailboxes):
    admin = staff("alice", "example.org")
    response = admin.post(f"/domains/mailboxes/{ANN}/vacation/", FORM)
    assert response.status_code == 302
    assert Vacation.objects.get(mailbox=ANN).changed_by == "alice"
    assert admin.post("/domains/mailboxes/mary@other.org/vacation/", FORM).status_code == 404
    assert not Vacation.objects.filter(mailbox="mary@other.org").exists()


def test_anonymous_gets_the_login(client, mailboxes):
    assert client.get("/account/vacation/").status_code == 302
    assert client.post("/account/vacation/", FORM).status_code == 302
    assert not Vacation.objects.exists()
