"""Writes through the API: the services' rules and messages, ETag/If-Match, idempotent PUT,
400 (never 500) for bad JSON, wrong types and unknown fields, each change audited."""

import pytest

from aliases.models import Alias
from audit.models import AuditEntry
from domains.models import Mailbox
from mailadmin import passwords

NEW = "/api/v1/mailboxes/new@example.org/"
PASSWORD = "Provisioned-Secret-77"


def test_a_mailbox_is_created_with_its_self_alias_and_human_quota(api_a):
    response = api_a.send("PUT", NEW, {"password": PASSWORD, "quota": "500 MB", "name": "N"})
    assert response.status_code == 201
    assert response.json() == {
        "address": "new@example.org",
        "name": "N",
        "quota": "500 MB",
        "enabled": True,
    }
    assert Mailbox.objects.get(address="new@example.org").quota == "524288000S"
    assert Alias.objects.get(mail="new@example.org").destination == "new@example.org"
    assert "password" not in response.json()


def test_a_repeated_put_changes_nothing_more(api_a):
    body = {"password": PASSWORD, "quota": "500 MB", "name": "N"}
    first = api_a.send("PUT", NEW, body)
    second = api_a.send("PUT", NEW, {"quota": "500 MB", "name": "N"})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert first["ETag"] == second["ETag"]


def test_a_password_is_written_hashed_and_write_only(api_a):
    response = api_a.send("PUT", "/api/v1/mailboxes/john@example.org/", {"password": PASSWORD})
    assert response.status_code == 200
    crypt = Mailbox.objects.get(address="john@example.org").crypt
    assert passwords.verify_password(PASSWORD, crypt).correct
    assert PASSWORD not in str(list(AuditEntry.objects.values()))


def test_a_weak_password_gets_the_forms_message(api_a):
    response = api_a.send(
        "POST", "/api/v1/mailboxes/", {"address": "x@example.org", "password": "x"}
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert not Mailbox.objects.filter(address="x@example.org").exists()


def test_disabling_a_mailbox_disables_its_self_alias(api_a):
    url = "/api/v1/mailboxes/john@example.org/"
    response = api_a.send("PUT", url, {"name": "John", "enabled": False})
    assert response.status_code == 200 and response.json()["enabled"] is False
    assert Alias.objects.get(mail="john@example.org").enabled is False


def test_if_match_with_the_current_etag_updates(api_a):
    url = "/api/v1/mailboxes/john@example.org/"
    etag = api_a.get(url)["ETag"]
    response = api_a.send("PUT", url, {"name": "Johnny"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_a_stale_if_match_is_412_and_writes_nothing(api_a):
    url = "/api/v1/aliases/sales@example.org/"
    etag = api_a.get(url)["ETag"]
    api_a.send("PUT", url, {"destination": "john@example.org,x@gmail.com"})
    before = AuditEntry.objects.count()
    response = api_a.send("PUT", url, {"destination": "y@gmail.com"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 412
    assert response["Content-Type"] == "application/problem+json"
    assert Alias.objects.get(mail="sales@example.org").destination.endswith("x@gmail.com")
    assert AuditEntry.objects.count() == before


def test_a_stale_domain_put_is_412(api_su):
    url = "/api/v1/domains/example.org/"
    response = api_su.send("PUT", url, {"transport": "smtp:"}, HTTP_IF_MATCH='"0000"')
    assert response.status_code == 412


def test_one_failing_step_of_a_put_rolls_back_the_others(api_a):
    # name is written first, then the password is refused: nothing stays.
    url = "/api/v1/mailboxes/john@example.org/"
    before = AuditEntry.objects.count()
    response = api_a.send("PUT", url, {"name": "Changed", "password": "x"})
    assert response.status_code == 400
    assert Mailbox.objects.get(address="john@example.org").name == "John"
    assert AuditEntry.objects.count() == before


def test_a_forward_keeps_a_copy_or_not(api_a):
    url = "/api/v1/mailboxes/john@example.org/forward/"
    kept = api_a.send("PUT", url, {"destination": "x@gmail.com", "keep_copy": True}).json()
    assert kept["destination"] == "john@example.org,x@gmail.com"
    gone = api_a.send("PUT", url, {"destination": ["x@gmail.com"], "keep_copy": False}).json()
    assert gone["destination"] == "x@gmail.com"
    back = api_a.send("DELETE", url).json()
    assert back["destination"] == "john@example.org"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mail": "a@example.org", "destination": "b@example.org", "extra": 1}, "extra"),
        ({"mail": 5, "destination": "b@example.org"}, "mail"),
        ({"mail": "a@example.org", "destination": 7}, "destination"),
        ({"mail": "a@example.org", "destination": ["b@example.org", 3]}, "destination"),
        ({"mail": "a@example.org", "destination": "b@example.org", "enabled": "yes"}, "enabled"),
        ({"destination": "b@example.org"}, "mail"),
    ],
)
def test_wrong_types_and_unknown_fields_are_400_naming_the_field(api_a, body, field):
    response = api_a.send("POST", "/api/v1/aliases/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Alias.objects.filter(mail="a@example.org").exists()


@pytest.mark.parametrize("raw", ["{bad json", "[1, 2]", '"text"', "null", "1e999999", "\x00"])
def test_bad_json_is_400(api_a, raw):
    response = api_a.send("POST", "/api/v1/aliases/", raw)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_body_that_is_not_json_is_415(api_a):
    response = api_a.generic("POST", "/api/v1/aliases/", "mail=x", content_type="text/plain")
    assert response.status_code == 415


def test_a_service_rule_gives_its_message(api_a):
    # A mailbox's own row must keep delivering to the mailbox (aliases.services).
    response = api_a.send("PUT", "/api/v1/aliases/john@example.org/", {"destination": "x@y.org"})
    assert response.status_code == 400
    assert "Forward the mailbox instead" in response.json()["detail"]


def test_a_catch_all_and_a_domain_alias(api_su):
    assert api_su.send("POST", "/api/v1/domains/", {"domain": "alias.test"}).status_code == 201
    catch_all = {"mail": "@other.org", "destination": "mary@other.org"}
    assert api_su.send("POST", "/api/v1/aliases/", catch_all).json()["kind"] == "catch-all"
    domain_alias = {"mail": "@alias.test", "destination": "@example.org"}
    response = api_su.send("POST", "/api/v1/aliases/", domain_alias)
    assert response.json()["kind"] == "domain-alias"


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("POST", "/api/v1/mailboxes/", {"address": "x@example.org", "password": "x"}, "password"),
        (
            "POST",
            "/api/v1/mailboxes/",
            {"address": "john@example.org", "password": PASSWORD},
            "address",
        ),
        ("PUT", "/api/v1/mailboxes/john@example.org/", {"quota": "10 parsecs"}, "quota"),
        ("PUT", "/api/v1/mailboxes/john@example.org/", {"name": "n" * 200}, "name"),
        (
            "POST",
            "/api/v1/aliases/",
            {"mail": "sales@example.org", "destination": "a@b.org"},
            "mail",
        ),
        (
            "POST",
            "/api/v1/aliases/",
            {"mail": "t@example.org", "destination": "@x.org"},
            "destination",
        ),
        ("POST", "/api/v1/domains/", {"domain": "x.org", "transport": "no spaces"}, "transport"),
        ("POST", "/api/v1/domains/", {"domain": "example.org"}, "domain"),
    ],
)
def test_a_service_refusal_is_listed_under_its_field_as_the_forms_show_it(
    api_su, method, url, body, field
):
    response = api_su.send(method, url, body)
    assert response.status_code == 400
    problem = response.json()
    assert list(problem["errors"]) == [field]
    assert problem["errors"][field] and problem["detail"]


def test_a_repeated_put_writes_and_records_nothing(api_su):
    body = {"transport": "virtual:", "enabled": True}
    mailbox = {"quota": "500 MB", "name": "N"}
    assert api_su.send("PUT", "/api/v1/domains/again.example/", body).status_code == 201
    assert api_su.send("PUT", NEW, {**mailbox, "password": PASSWORD}).status_code == 201
    alias = {"destination": ["new@example.org", "x@gmail.com"]}
    assert api_su.send("PUT", "/api/v1/aliases/team@example.org/", alias).status_code == 201
    entries = AuditEntry.objects.count()
    for _ in range(2):
        assert api_su.send("PUT", "/api/v1/domains/again.example/", body).status_code == 200
        assert api_su.send("PUT", NEW, mailbox).status_code == 200
        assert api_su.send("PUT", "/api/v1/aliases/team@example.org/", alias).status_code == 200
    assert AuditEntry.objects.count() == entries
