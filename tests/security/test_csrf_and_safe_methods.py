"""CSRF on every state change (logout and delete included), and a GET never changes anything.

Walks every URL of the site (routes.py, checked against the URLconf): a POST without the
CSRF token is refused with 403 and writes nothing; a GET writes nothing and does not log
anyone out; a state-changing URL refuses a GET with 405.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.security.conftest import snapshot
from tests.security.routes import BY_NAME, ROUTES, route_names

POSTS = [r for r in ROUTES if r.post is not None]


def url_of(route, admin_a) -> str:
    return route.url.format(alice=admin_a.pk)


def post_data(route) -> dict:
    data = dict(route.post)
    if route.name == "bulk:import":
        header = "kind,address,name,password,crypt,quota,enabled,change_password,destination\n"
        data["file"] = SimpleUploadedFile("x.csv", header.encode(), "text/csv")
    return data


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session or "mailbox" in client.session


def test_every_url_pattern_is_in_the_table():
    assert set(route_names()) == set(BY_NAME)


@pytest.mark.parametrize("route", POSTS, ids=[r.name for r in POSTS])
def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(role_clients, admin_a, route):
    client = role_clients[route.who]
    client.handler.enforce_csrf_checks = True
    was_logged_in = logged_in(client)
    before = snapshot()
    response = client.post(url_of(route, admin_a), post_data(route))
    assert response.status_code == 403
    assert snapshot() == before
    assert logged_in(client) == was_logged_in  # logout too needs the token


@pytest.mark.parametrize("route", ROUTES, ids=[r.name for r in ROUTES])
def test_a_get_changes_nothing(role_clients, admin_a, route):
    client = role_clients[route.who]
    was_logged_in = logged_in(client)
    before = snapshot()
    response = client.get(url_of(route, admin_a))
    assert response.status_code == (route.get_status if route.get else 405)
    assert snapshot() == before
    assert logged_in(client) == was_logged_in


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("logout", {}),
        ("selfservice:logout", {}),
    ],
)
def test_with_the_token_a_logout_works(role_clients, name, data):
    route = BY_NAME[name]
    client = role_clients[route.who]
    client.handler.enforce_csrf_checks = True
    page = client.get("/" if route.who != "mailbox" else "/account/")
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    response = client.post(route.url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert not logged_in(client)


def test_with_the_token_the_staff_login_works(superuser, client):
    client.handler.enforce_csrf_checks = True
    client.get("/login/")
    token = client.cookies["csrftoken"].value
    data = {**BY_NAME["login"].post, "csrfmiddlewaretoken": token}
    assert client.post("/login/", data).status_code == 302
    assert logged_in(client)


def test_the_csrf_cookie_is_not_readable_by_scripts(client, db):
    response = client.get("/login/")
    assert response.cookies["csrftoken"]["httponly"]
    assert response.cookies["csrftoken"]["samesite"] == "Lax"
