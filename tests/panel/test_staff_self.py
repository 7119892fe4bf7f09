"""Staff look after themselves: their own password, superusers made and unmade in the panel,
and a staff login that points mailbox owners to their own login."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts import services
from accounts.forms import AdminEditForm
from audit.models import AuditEntry
from audit.services import Actor
from tests.panel.conftest import MAIL_PASSWORD, PASSWORD, client_for

NEW = "Own-New-Pass-88"


def logged_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def change(client: Client, old: str = PASSWORD, new: str = NEW, again: str | None = None):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post("/password/", data)


# --- Own password ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["superuser", "admin_a"])
def test_a_staff_account_changes_its_own_password(request, who):
    user = request.getfixturevalue(who)
    client = logged_in(user.username)
    page = client.get("/password/")
    assert page.status_code == 200 and b'name="old_password"' in page.content
    response = change(client)
    assert response.status_code == 302 and response.url == "/"
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert client.get("/").status_code == 200  # this session stays logged in
    entry = AuditEntry.objects.get(action="password", object_id=user.username)
    assert (entry.actor, entry.object_type) == (user.username, "admin")
    assert NEW not in str(entry.before) + str(entry.after) + entry.message


def test_changing_the_password_ends_the_accounts_other_sessions(admin_a, admin_b):
    here, there = logged_in("alice"), logged_in("alice")
    someone_else = logged_in("bob")
    assert there.get("/").status_code == 200
    assert change(here).status_code == 302
    response = there.get("/")
    assert response.status_code == 302 and response.url.startswith("/login/")
    assert here.get("/").status_code == 200
    assert someone_else.get("/").status_code == 200


def test_the_new_password_logs_in_and_the_old_one_does_not(admin_a):
    change(logged_in("alice"))
    logged_in("alice", NEW)
    response = Client().post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("old", "new", "again", "field"),
    [
        ("wrong-password", NEW, None, "old_password"),
        (PASSWORD, "short", None, "new_password2"),
        (PASSWORD, "password1234", None, "new_password2"),
        (PASSWORD, NEW, "Something-Else-77", "new_password2"),
    ],
)
def test_the_validators_and_the_current_password_are_checked(admin_a, old, new, again, field):
    client = client_for(admin_a)
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    admin_a.refresh_from_db()
    assert admin_a.check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="password").exists()


def test_the_password_page_needs_a_staff_login(end_user):
    response = Client().get("/password/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=/password/")
    assert client_for(end_user).get("/password/").status_code == 403
    assert client_for(end_user).post("/password/", {}).status_code == 403


def test_the_user_menu_links_to_the_password_page(a_client):
    assert b'href="/password/"' in a_client.get("/").content


# --- Superusers made and unmade -------------------------------------------------------


def test_a_superuser_makes_a_domain_admin_a_superuser_and_back(su_client, admin_a):
    page = su_client.get(f"/admins/{admin_a.pk}/").content.decode()
    assert 'name="superuser"' in page
    domains = [admin_a.domain_assignments.get().domain_id]
    data = {"active": "on", "superuser": "on", "domains": domains}
    assert su_client.post(f"/admins/{admin_a.pk}/", data).status_code == 302
    admin_a.refresh_from_db()
    assert admin_a.is_superuser
    entry = AuditEntry.objects.filter(action="update", object_id="alice").latest("id")
    assert (entry.actor, entry.before["superuser"], entry.after["superuser"]) == (
        "root",
        False,
        True,
    )
    # Now a superuser, alice is listed and edited here still, and can be made a domain admin.
    listed = [u.username for u in su_client.get("/admins/").context["listing"].rows]
    assert "alice" in listed
    data = {"active": "on", "domains": domains}
    assert su_client.post(f"/admins/{admin_a.pk}/", data).status_code == 302
    admin_a.refresh_from_db()
    assert not admin_a.is_superuser
    assert list(admin_a.domain_assignments.values_list("domain__domain", flat=True)) == [
        "example.org"
    ]
    entry = AuditEntry.objects.filter(action="update", object_id="alice").latest("id")
    assert (entry.before["superuser"], entry.after["superuser"]) == (True, False)


def test_a_new_superuser_sees_every_domain(su_client, admin_a):
    su_client.post(f"/admins/{admin_a.pk}/", {"active": "on", "superuser": "on"})
    assert client_for(User.objects.get(pk=admin_a.pk)).get("/domains/other.org/").status_code == 200


def test_a_superuser_never_edits_their_own_flag_in_the_panel(su_client, superuser):
    assert su_client.get(f"/admins/{superuser.pk}/").status_code == 404
    assert su_client.post(f"/admins/{superuser.pk}/", {"active": "on"}).status_code == 404
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_the_service_refuses_to_demote_oneself(superuser, admin_a):
    services.set_superuser(admin_a.pk, True, actor=Actor("root"))  # another superuser exists
    with pytest.raises(services.ValidationError) as error:
        services.set_superuser(superuser.pk, False, actor=Actor("root"))
    assert error.value.code == "own_superuser"
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_the_last_superuser_is_never_demoted_or_deactivated(superuser, admin_a):
    for change_ in (
        lambda: services.set_superuser(superuser.pk, False, actor=Actor("alice")),
        lambda: services.update_staff_account(
            superuser.pk, actor=Actor("alice"), email="", active=False, domains=[], superuser=True
        ),
    ):
        with pytest.raises(services.ValidationError) as error:
            change_()
        assert error.value.code == "last_superuser"
    superuser.refresh_from_db()
    assert superuser.is_superuser and superuser.is_active
    assert not AuditEntry.objects.filter(object_id="root").exists()


def test_the_edit_form_shows_a_refusal_beside_the_superuser_field(superuser):
    # The panel never offers a superuser their own account (404 above), so the service's
    # refusal reaches the form only from another caller; it still lands beside the field.
    form = AdminEditForm({"active": "on"}, admin=superuser)
    assert form.is_valid()
    assert form.save(Actor("root")) is None
    assert form.errors["superuser"] == [
        "You cannot remove your own superuser rights; another superuser can."
    ]


def test_a_superuser_demotes_another_when_others_remain(superuser, admin_a):
    services.set_superuser(admin_a.pk, True, actor=Actor("root"))
    services.set_superuser(admin_a.pk, False, actor=Actor("root"))
    admin_a.refresh_from_db()
    assert not admin_a.is_superuser
    entry = AuditEntry.objects.filter(object_id="alice").latest("id")
    assert entry.message == "made a domain admin"


def test_domain_admins_cannot_make_superusers(a_client, admin_a, admin_b):
    data = {"active": "on", "superuser": "on"}
    assert a_client.post(f"/admins/{admin_b.pk}/", data).status_code == 403
    assert a_client.post(f"/admins/{admin_a.pk}/", data).status_code == 403
    assert not User.objects.filter(is_superuser=True, username__in=["alice", "bob"]).exists()


def test_anonymous_is_sent_to_the_login_for_the_edit_page(admin_a):
    response = Client().post(f"/admins/{admin_a.pk}/", {"active": "on", "superuser": "on"})
    assert response.status_code == 302 and response.url.startswith("/login/")
    admin_a.refresh_from_db()
    assert not admin_a.is_superuser


# --- The staff login points mailbox owners to theirs ----------------------------------


def test_the_staff_login_links_to_the_mailbox_owners_login(db):
    page = Client().get("/login/").content.decode()
    assert 'href="/account/login/"' in page
    assert "Mailbox owners log in here" in page


def test_a_mail_address_on_the_staff_login_is_told_where_to_go(mail_data):
    response = Client().post("/login/", {"username": "john@example.org", "password": MAIL_PASSWORD})
    assert response.status_code == 200
    assert b'id="mailbox-owner-hint"' in response.content


@pytest.mark.parametrize("username", ["nobody", "alice"])
def test_no_hint_for_a_plain_username(admin_a, username):
    response = Client().post("/login/", {"username": username, "password": "wrong"})
    assert response.status_code == 200
    assert b'id="mailbox-owner-hint"' not in response.content


def test_the_hint_does_not_tell_whether_a_staff_account_has_that_name(admin_a):
    User.objects.create_user("ops@example.org", password=PASSWORD, is_staff=True)
    pages = [
        Client().post("/login/", {"username": name, "password": "wrong"}).content
        for name in ("ops@example.org", "nobody@example.org")
    ]
    assert all(b'id="mailbox-owner-hint"' in page for page in pages)
    logged_in("ops@example.org")  # a staff account named like an address still logs in


def test_the_hint_keeps_the_staff_login_throttled(mail_data, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        client.post("/login/", {"username": "john@example.org", "password": "wrong"})
    response = client.post("/login/", {"username": "john@example.org", "password": "wrong"})
    assert response.status_code == 429


def test_a_two_factor_session_stays_verified_after_the_change(admin_a):
    from tests.security.test_two_factor import enrol

    client = client_for(admin_a)
    enrol(client)  # verified in this session
    assert change(client).status_code == 302
    assert client.get("/domains/").status_code == 200  # not sent to the code page
