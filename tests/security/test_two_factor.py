"""Optional TOTP two-factor for staff; required for superusers when the setting says so."""

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import twofactor
from audit.models import AuditEntry
from domains.models import Domain
from tests.security.conftest import PASSWORD, totp_code


def enrol(client: Client) -> TOTPDevice:
    page = client.get("/2fa/")
    key = client.session[twofactor.SESSION_NEW_KEY]
    assert page.status_code == 200
    response = client.post("/2fa/", {"token": totp_code(key)})
    assert response.status_code == 302
    return TOTPDevice.objects.get(key=key)


def password_login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content[:300]
    return client


def test_the_enrolment_page_shows_a_qr_code_and_the_otpauth_uri(a_client):
    response = a_client.get("/2fa/")
    html = response.content.decode()
    assert 'src="data:image/svg+xml' in html
    assert "otpauth://totp/Mailadmin%3Aalice?secret=" in html
    assert not TOTPDevice.objects.exists()  # a GET stores nothing


def test_the_enrolment_key_stays_the_same_across_reloads(a_client):
    a_client.get("/2fa/")
    first = a_client.session[twofactor.SESSION_NEW_KEY]
    a_client.get("/2fa/")
    assert a_client.session[twofactor.SESSION_NEW_KEY] == first


def test_a_right_code_turns_it_on_and_is_audited(a_client, admin_a):
    device = enrol(a_client)
    assert device.user == admin_a and device.confirmed
    entry = AuditEntry.objects.get(action="2fa")
    assert entry.object_id == "alice" and "enabled" in entry.message
    assert a_client.get("/").status_code == 200  # this session is verified


def test_a_wrong_code_turns_nothing_on(a_client):
    a_client.get("/2fa/")
    key = a_client.session[twofactor.SESSION_NEW_KEY]
    wrong = f"{(int(totp_code(key)) + 1) % 1_000_000:06d}"
    response = a_client.post("/2fa/", {"token": wrong})
    assert response.status_code == 200
    assert "does not fit" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_after_the_password_every_page_waits_for_the_code(a_client, admin_a):
    enrol(a_client)
    client = password_login("alice")
    for url in ("/", "/domains/", "/domains/example.org/", "/aliases/", "/audit/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/2fa/verify/?next="), url


def test_an_unverified_session_cannot_change_anything(a_client, admin_a):
    enrol(a_client)
    client = password_login("alice")
    response = client.post("/domains/example.org/disable/")
    assert response.status_code == 302 and response.url.startswith("/2fa/verify/")
    assert Domain.objects.get(domain="example.org").enabled


def test_nor_see_the_enrolment_secret_again(a_client):
    enrol(a_client)
    client = password_login("alice")
    response = client.get("/2fa/")
    assert response.status_code == 302 and response.url == "/2fa/verify/"


def test_the_right_code_opens_the_panel(a_client):
    device = enrol(a_client)
    client = password_login("alice")
    response = client.post(
        "/2fa/verify/?next=/aliases/", {"token": totp_code(device.key, offset=1)}
    )
    assert response.status_code == 302 and response.url == "/aliases/"
    assert client.get("/domains/").status_code == 200


def test_a_wrong_code_is_refused_and_then_throttled(a_client):
    device = enrol(a_client)
    client = password_login("alice")
    wrong = f"{(int(totp_code(device.key, offset=1)) + 1) % 1_000_000:06d}"
    assert client.post("/2fa/verify/", {"token": wrong}).status_code == 200
    response = client.post("/2fa/verify/", {"token": totp_code(device.key, offset=1)})
    assert response.status_code == 429  # django-otp's backoff: 1 s, 2 s, 4 s ...
    assert client.get("/").status_code == 302


def test_a_code_cannot_be_used_twice(a_client):
    device = enrol(a_client)
    code = totp_code(device.key, offset=1)
    first = password_login("alice")
    assert first.post("/2fa/verify/", {"token": code}).status_code == 302
    second = password_login("alice")
    assert second.post("/2fa/verify/", {"token": code}).status_code == 200
    assert second.get("/").status_code == 302


def test_without_an_authenticator_nothing_changes_for_a_domain_admin(admin_a):
    client = password_login("alice")
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("required", [False, True])
def test_superusers_must_enrol_when_the_setting_says_so(settings, superuser, required):
    settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS = required
    client = password_login("root")
    response = client.get("/domains/")
    if required:
        assert response.status_code == 302 and response.url.startswith("/2fa/?next=")
        assert client.get("/2fa/").status_code == 200
        enrol(client)
    assert client.get("/domains/").status_code == 200


def test_the_requirement_also_holds_for_sessions_opened_before_it(settings, su_client):
    settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS = True
    response = su_client.get("/admins/")
    assert response.status_code == 302 and response.url.startswith("/2fa/")


def test_the_requirement_spares_domain_admins(settings, admin_a):
    settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS = True
    assert password_login("alice").get("/").status_code == 200


def test_turning_it_off_needs_a_valid_code(a_client):
    device = enrol(a_client)
    wrong = f"{(int(totp_code(device.key, offset=1)) + 1) % 1_000_000:06d}"
    a_client.post("/2fa/disable/", {"token": wrong})
    assert TOTPDevice.objects.count() == 1
    TOTPDevice.objects.get().throttle_reset()  # the backoff after a wrong code
    a_client.post("/2fa/disable/", {"token": totp_code(device.key, offset=1)})
    assert not TOTPDevice.objects.exists()
    assert AuditEntry.objects.filter(action="2fa", message__contains="off").exists()


def test_a_required_superuser_cannot_turn_it_off(settings, su_client):
    settings.MAILADMIN_REQUIRE_2FA_FOR_SUPERUSERS = True
    device = enrol(su_client)
    su_client.post("/2fa/disable/", {"token": totp_code(device.key, offset=1)})
    assert TOTPDevice.objects.count() == 1


def test_the_disable_url_refuses_a_get(a_client):
    enrol(a_client)
    assert a_client.get("/2fa/disable/").status_code == 405


def test_non_staff_users_have_no_two_factor_pages(end_user):
    client = Client()
    client.force_login(end_user)
    assert client.get("/2fa/").status_code == 403
    assert client.get("/2fa/verify/").status_code == 403


def test_a_lost_phone_is_reset_from_the_command_line(a_client, capsys):
    enrol(a_client)
    call_command("mail", "admin", "reset-2fa", "alice")
    assert "Removed 1 authenticator(s) of alice." in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()
    assert password_login("alice").get("/").status_code == 200
    assert AuditEntry.objects.filter(action="2fa", message__contains="command line").exists()


def test_resetting_an_unknown_account_exits_1(db, capsys):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as error:
        call_command("mail", "admin", "reset-2fa", "nobody")
    assert error.value.returncode == 1
