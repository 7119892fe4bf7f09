"""The language: the browser's Accept-Language, or the menu's choice (a cookie, and for a
staff account also its own, applied again at its next login)."""

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from accounts.models import StaffLanguage

PASSWORD = "Unusual-Staff-Pass-42"
COOKIE = settings.LANGUAGE_COOKIE_NAME


def staff(db) -> User:
    return User.objects.create_user("root", password=PASSWORD, is_staff=True, is_superuser=True)


def test_a_german_browser_gets_the_german_login_page(db):
    page = Client(headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"}).get(reverse("login"))
    assert '<html lang="de">' in page.text
    assert "Anmelden" in page.text


def test_an_unknown_language_gets_english(db):
    page = Client(headers={"accept-language": "pt-BR"}).get(reverse("login"))
    assert '<html lang="en">' in page.text


def test_the_menu_sets_the_cookie_and_goes_back(db):
    client = Client()
    answer = client.post(reverse("set_language"), {"language": "fr", "next": "/account/login/"})
    assert answer.status_code == 302
    assert answer.url == "/account/login/"
    assert answer.cookies[COOKIE].value == "fr"
    assert '<html lang="fr">' in client.get("/account/login/").text


def test_the_menu_refuses_a_foreign_next(db):
    answer = Client().post(
        reverse("set_language"), {"language": "fr", "next": "https://evil.example/"}
    )
    assert answer.url == "/"


def test_the_choice_beats_the_browsers_language(db):
    client = Client(headers={"accept-language": "de"})
    client.post(reverse("set_language"), {"language": "fr"})
    assert '<html lang="fr">' in client.get(reverse("login")).text


def test_a_staff_account_keeps_its_choice(db):
    user = staff(db)
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "de"})
    assert StaffLanguage.objects.get(user=user).language == "de"


def test_a_language_the_panel_does_not_speak_is_not_kept(db):
    user = staff(db)
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "xx"})
    assert not StaffLanguage.objects.exists()


def test_an_anonymous_choice_is_not_kept_on_an_account(db):
    staff(db)
    Client().post(reverse("set_language"), {"language": "de"})
    assert not StaffLanguage.objects.exists()


def test_the_staff_choice_comes_back_at_login_in_another_browser(db):
    user = staff(db)
    StaffLanguage.objects.create(user=user, language="fr")
    client = Client(headers={"accept-language": "en"})
    answer = client.post(reverse("login"), {"username": "root", "password": PASSWORD})
    assert answer.status_code == 302
    assert answer.cookies[COOKIE].value == "fr"
    assert '<html lang="fr">' in client.get(reverse("dashboard")).text


def test_a_failed_login_sets_no_language(db):
    user = staff(db)
    StaffLanguage.objects.create(user=user, language="fr")
    answer = Client().post(reverse("login"), {"username": "root", "password": "wrong"})
    assert COOKIE not in answer.cookies


def test_the_menu_is_a_get_free_post(db):
    assert Client().get(reverse("set_language")).status_code == 405


def test_every_page_has_the_menu(db):
    page = Client().get(reverse("selfservice:login"))
    assert 'id="language-menu"' in page.text
    assert 'value="de"' in page.text


def test_the_menu_goes_back_to_the_page_it_was_on(db):
    answer = Client().post(
        reverse("set_language"), {"language": "de"}, headers={"referer": "/account/login/"}
    )
    assert answer.url == "/account/login/"


def test_a_not_found_page_does_not_echo_its_address_into_the_menu(db):
    page = Client().get("/account/no-such-page-for-john/")
    assert "no-such-page-for-john" not in page.text
