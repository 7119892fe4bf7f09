"""A staff session ends after MAILADMIN_STAFF_IDLE_SECONDS without a request (default 8
hours), and no page the panel renders may be kept by a browser or proxy cache."""

import time

from django.test import Client

from domains.models import Domain
from mailadmin.middleware import STAFF_SEEN_KEY
from tests.security.conftest import mailbox_client

EIGHT_HOURS = 8 * 3600


def last_seen(client: Client, seconds_ago: int) -> None:
    session = client.session
    session[STAFF_SEEN_KEY] = int(time.time()) - seconds_ago
    session.save()


def test_the_default_staff_idle_limit_is_eight_hours(settings):
    assert settings.MAILADMIN_STAFF_IDLE_SECONDS == EIGHT_HOURS


def test_a_staff_session_idle_too_long_is_logged_out_with_a_message(su_client):
    last_seen(su_client, EIGHT_HOURS + 10)

    response = su_client.get("/domains/")

    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/domains/"
    login_page = su_client.get(response["Location"])
    assert "You were logged out after 8 hours without activity." in login_page.content.decode()
    assert su_client.get("/domains/").status_code == 302  # the session is gone for good


def test_a_staff_session_in_use_stays_logged_in(su_client):
    last_seen(su_client, EIGHT_HOURS - 60)

    assert su_client.get("/domains/").status_code == 200
    assert su_client.get("/domains/").status_code == 200
    assert time.time() - su_client.session[STAFF_SEEN_KEY] < 60  # the clock restarted


def test_a_post_after_the_idle_time_changes_nothing(su_client, settings):
    settings.MAILADMIN_STAFF_IDLE_SECONDS = 600
    last_seen(su_client, 601)

    response = su_client.post("/domains/add/", {"domain": "new.example", "transport": "virtual:"})

    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not Domain.objects.filter(domain="new.example").exists()


def test_the_idle_clock_starts_at_the_login(superuser):
    from tests.panel.conftest import PASSWORD

    client = Client()
    assert client.post("/login/", {"username": "root", "password": PASSWORD}).status_code == 302

    assert time.time() - client.session[STAFF_SEEN_KEY] < 5


def test_an_idle_session_opening_the_login_page_gets_the_form(su_client):
    last_seen(su_client, EIGHT_HOURS + 10)

    response = su_client.get("/login/")

    assert response.status_code == 200
    assert "_auth_user_id" not in su_client.session


def test_staff_pages_are_not_stored_by_any_cache(su_client):
    for url in ("/", "/domains/", "/domains/mailboxes/", "/aliases/", "/audit/"):
        response = su_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_self_service_pages_are_not_stored_by_any_cache(mail_data):
    response = mailbox_client().get("/account/")

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_export_download_keeps_its_no_store(su_client):
    response = su_client.post("/bulk/export/")

    assert response["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(settings):
    settings.WHITENOISE_USE_FINDERS = True  # a fresh Client builds its middleware with it

    response = Client().get("/static/css/mailadmin.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
