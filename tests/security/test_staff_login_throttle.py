"""django-axes throttles staff logins: per client address and per username."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from tests.security.conftest import PASSWORD

LOGIN = "/login/"


def attempt(client: Client, username: str, password: str, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def fail(client: Client, username: str, times: int, **extra) -> None:
    for n in range(times):
        status = attempt(client, username, "wrong-password", **extra).status_code
        assert status == (429 if n == settings.AXES_FAILURE_LIMIT - 1 else 200)


def test_five_failures_lock_the_right_password_out(admin_a, settings):
    client = Client()
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    response = attempt(client, "alice", "wrong-password")
    assert response.status_code == 429
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_the_lock_follows_the_username_to_another_client(admin_a, settings):
    fail(Client(), "alice", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="192.0.2.1")
    other = Client()
    assert attempt(other, "alice", PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 429
    assert not logged_in(other)


def test_the_lock_follows_the_client_to_other_usernames(admin_a, admin_b, settings):
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess{n}", "wrong-password")
    assert attempt(client, "bob", PASSWORD).status_code == 429
    assert not logged_in(client)


def test_fewer_failures_do_not_lock_and_a_success_forgets_them(admin_a, settings):
    client = Client()
    fail(client, "alice", settings.AXES_FAILURE_LIMIT - 1)
    assert attempt(client, "alice", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="alice").exists()


def test_the_lock_ends_after_the_cool_off(admin_a, settings):
    client = Client()
    fail(client, "alice", settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_behind_a_proxy_clients_are_told_apart_by_the_configured_header(admin_a, settings):
    settings.MAILADMIN_CLIENT_IP_HEADER = "X-Real-IP"
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), f"guess{n}", "wrong", HTTP_X_REAL_IP="198.51.100.7")
    assert attempt(Client(), "alice", PASSWORD, HTTP_X_REAL_IP="198.51.100.8").status_code == 302


def test_a_superuser_unlocks_an_account_from_the_command_line(admin_a, settings, capsys):
    fail(Client(), "alice", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="192.0.2.1")
    call_command("mail", "admin", "unlock", "alice")
    assert "Unlocked alice" in capsys.readouterr().out
    assert attempt(Client(), "alice", PASSWORD, REMOTE_ADDR="192.0.2.9").status_code == 302
    entry = AuditEntry.objects.get(action="unlock")
    assert (entry.object_type, entry.object_id) == ("admin", "alice")
    assert entry.actor.startswith("cli:")


def test_mailbox_passwords_are_throttled_apart_from_staff_logins(admin_a, settings):
    """Self-service failures (django-ratelimit) do not lock the staff login, nor the reverse."""
    client = Client()
    for _ in range(3):
        client.post("/account/login/", {"address": "john@example.org", "password": "wrong"})
    assert not AccessAttempt.objects.exists()
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_a_success_does_not_forget_the_clients_failures_on_other_usernames(
    admin_a, admin_b, settings
):
    # A domain admin guessing the superuser's password from their own address, logging in
    # as themselves between guesses, is still locked out.
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(client, "root", "wrong-password").status_code == 200
        assert attempt(Client(), "bob", PASSWORD).status_code == 302
    assert attempt(client, "root", "wrong-password").status_code == 429
    assert attempt(Client(), "bob", PASSWORD).status_code == 429
