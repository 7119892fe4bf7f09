"""The languages in headless Debian Chromium: a German browser gets German pages; French chosen
in the menu sticks across pages and logins (and follows a staff account to another browser);
a mailbox owner's journey in French.

With MAILADMIN_SCREENSHOTS=DIR (`make screenshots`) the French dashboard, domain page and
self-service page are saved too.
"""

import pytest
from django.contrib.auth.models import User

from domains import services
from tests.browser.test_postmaster_browser import shot
from tests.i18n.conftest import compile_catalogues

pytestmark = pytest.mark.browser

STAFF_PASSWORD = "Postmaster-Pass-2024"
ADDRESS = "julia@example.org"
OLD = "Julia-first-pass-1"
NEW = "Julia-second-pass-2"


@pytest.fixture
def mail(transactional_db, actor):
    compile_catalogues()
    services.create_domain("example.org", actor=actor)
    services.create_mailbox(ADDRESS, OLD, actor=actor, quota_text="1536M", name="Julia")
    User.objects.create_user("root", password=STAFF_PASSWORD, is_staff=True, is_superuser=True)


def staff_log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("form:not(#language-menu) button[type=submit]")
    page.wait_for_url(f"{base}/")


def choose(page, language: str) -> None:
    with page.expect_navigation():
        page.click(f"#language-menu button[value={language}]")


def test_a_german_browser_gets_german_pages(live_server, mail, page):
    page.set_extra_http_headers({"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator("h1").inner_text() == "Postmaster-Anmeldung"
    staff_log_in(page, live_server.url)
    assert page.locator("h1").inner_text() == "Übersicht"
    page.click("nav >> text=Postfächer")
    assert page.locator("h1").inner_text() == "Postfächer"


def test_french_chosen_in_the_menu_sticks_across_pages_and_logins(live_server, mail, page):
    base = live_server.url
    page.goto(f"{base}/login/")
    choose(page, "fr")
    assert page.url == f"{base}/login/"
    assert page.locator("h1").inner_text() == "Connexion postmaster"
    staff_log_in(page, base)
    assert page.locator("h1").inner_text() == "Tableau de bord"
    shot(page, "fr-dashboard")
    page.click("nav >> text=Domaines")
    assert page.locator("h1").inner_text() == "Domaines"
    page.click("a:has-text('example.org')")
    assert "Ajouter une boîte aux lettres" in page.content()
    assert "1,5 Go" in page.content()
    shot(page, "fr-domain")
    choose(page, "fr")  # chosen while logged in: kept on the account too
    page.click("nav >> text=Se déconnecter")
    page.wait_for_url(f"{base}/login/")
    staff_log_in(page, base)
    assert page.locator("h1").inner_text() == "Tableau de bord"

    page.context.clear_cookies()  # another browser: the account brings its language back
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(f"{base}/login/")
    assert page.locator("html").get_attribute("lang") == "en"
    staff_log_in(page, base)
    assert page.locator("h1").inner_text() == "Tableau de bord"


def test_a_mailbox_owner_in_french(live_server, mail, page):
    base = live_server.url
    page.goto(f"{base}/account/login/")
    choose(page, "fr")
    assert page.locator("h1").inner_text() == "Votre boîte aux lettres"
    page.fill("input[name=address]", ADDRESS)
    page.fill("input[name=password]", OLD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_url(f"{base}/account/")
    assert "Où va votre courrier" in page.content()
    assert "1,5 Go" in page.content()
    shot(page, "fr-selfservice")

    page.click("text=Changer le mot de passe")
    page.fill("input[name=current_password]", OLD)
    page.fill("input[name=new_password1]", NEW)
    page.fill("input[name=new_password2]", NEW)
    page.click("button[type=submit]:has-text('Changer le mot de passe')")
    page.wait_for_url(f"{base}/account/")
    assert "Votre mot de passe de messagerie est changé" in page.content()

    page.click("text=Réponses automatiques")
    assert page.locator("h1").inner_text() == "Absence"
    assert page.input_value("input[name=subject]") == "Absence"

    page.click("button:has-text('Se déconnecter')")
    page.wait_for_url(f"{base}/account/login/")
    assert "Vous êtes déconnecté." in page.content()
