"""Input that was accepted but meant something else (issue 13, item 11): one rule each.

- a quota of zero is refused in every spelling (it once meant unlimited as `0`, refused as
  `0M`); a quota too large says the maximum, not "must be positive";
- a transport is Postfix's `transport:nexthop`, never `x` or markup;
- a tracer query too long for an address says so, and gunicorn does not answer a raw 414;
- a history date that is not a date is reported beside the filters, not ignored;
- a password like the mailbox's address says "mail address", wherever it is set.
"""

import io
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from bulk.importer import import_csv
from domains import services
from domains.models import Domain, Mailbox
from mailadmin import quota
from tests.conftest import ACTOR
from tests.live_panel import ROOT, live_panel, manage, panel_env
from tests.panel.conftest import MAIL_PASSWORD

LONG_ADDRESS = "a" * 4988 + "@example.org"  # 5,000 characters


def mail(*args: str, stdin: str = "", monkeypatch=None) -> str:
    out = io.StringIO()
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    call_command("mail", *args, stdout=out)
    return out.getvalue()


# --- quota -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["0", "0M", "0 MB", "0S", "0C", "0G,0C", "00", "0.0001K"])
def test_a_quota_of_zero_is_refused_in_every_spelling_and_points_to_unlimited(text):
    with pytest.raises(ValidationError) as error:
        quota.parse(text)
    message = error.value.messages[0]
    assert "more than zero" in message
    assert "unlimited" in message


@pytest.mark.parametrize("text", ["99999999999999999999G", "99999999999T", "9" * 30 + "C"])
def test_a_quota_too_large_says_the_maximum_not_must_be_positive(text):
    with pytest.raises(ValidationError) as error:
        quota.parse(text)
    message = error.value.messages[0]
    assert "too large" in message
    assert "at most 8 EB" in message
    assert "positive" not in message


@pytest.mark.parametrize("text", ["", "  ", "unlimited", "Unlimited", "none"])
def test_empty_or_unlimited_still_means_no_quota(text):
    assert quota.parse(text) == ""


def test_the_mailbox_form_refuses_a_zero_quota_beside_the_field(su_client):
    response = su_client.post(
        "/domains/example.org/mailboxes/add/",
        {
            "local_part": "zero",
            "password1": MAIL_PASSWORD,
            "password2": MAIL_PASSWORD,
            "quota": "0",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    assert "more than zero" in " ".join(response.context["form"].errors["quota"])
    assert not Mailbox.objects.filter(address="zero@example.org").exists()


def test_the_mailbox_edit_form_refuses_a_zero_quota(su_client):
    response = su_client.post("/domains/mailboxes/john@example.org/", {"name": "J", "quota": "0"})
    assert response.status_code == 200
    assert "more than zero" in " ".join(response.context["form"].errors["quota"])
    assert Mailbox.objects.get(address="john@example.org").quota == ""


def test_the_command_line_refuses_a_zero_quota(mail_data, monkeypatch):
    with pytest.raises(CommandError, match="more than zero") as error:
        mail(
            "mailbox",
            "add",
            "zero@example.org",
            "--quota",
            "0",
            "--password-stdin",
            stdin=MAIL_PASSWORD + "\n",
            monkeypatch=monkeypatch,
        )
    assert error.value.returncode == 1
    assert not Mailbox.objects.filter(address="zero@example.org").exists()


def test_the_importer_refuses_a_zero_quota(mail_data):
    text = f"kind,address,password,quota\nmailbox,zero@example.org,{MAIL_PASSWORD},0\n"
    report = import_csv(io.StringIO(text), actor=ACTOR, source="test.csv")
    assert not report.written
    assert "more than zero" in report.errors[0].message
    assert not Mailbox.objects.filter(address="zero@example.org").exists()


# --- transport -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "transport",
    [
        "virtual:",
        "smtp:",
        "smtp:[10.0.0.5]:25",
        "smtp:[relay.example]:587",
        "lmtp:unix:private/dovecot-lmtp",
        "lmtp:inet:127.0.0.1:24",
        "relay:host.example",
        "smtp:[ipv6:2001:db8::1]:25",
        "dovecot_lda:",
        ":[relay.example]",
    ],
)
def test_postfix_transport_values_are_accepted_as_typed(transport):
    assert services.validate_transport(f" {transport} ") == transport


@pytest.mark.parametrize(
    "transport",
    [
        "x",
        "<b>x</b>",
        "smtp:<b>x</b>",
        "not a transport!!",
        "virtual",
        "Virtual:",
        ":",
        "virtual: ; rm",
        "smtp:[relay] extra",
        'smtp:"relay"',
        "x" * 118 + ":ab",
    ],
)
def test_anything_else_is_refused_with_the_postfix_form_in_the_message(transport):
    with pytest.raises(ValidationError) as error:
        services.validate_transport(transport)
    assert "transport:nexthop" in error.value.messages[0]
    assert error.value.code == "invalid_transport"


@pytest.mark.parametrize("transport", ["x", "<b>x</b>"])
def test_the_domain_forms_refuse_a_transport_postfix_would_not_read(su_client, transport):
    response = su_client.post("/domains/add/", {"name": "new.org", "transport": transport})
    assert "transport:nexthop" in " ".join(response.context["form"].errors["transport"])
    assert not Domain.objects.filter(domain="new.org").exists()
    response = su_client.post("/domains/example.org/edit/", {"transport": transport})
    assert "transport:nexthop" in " ".join(response.context["form"].errors["transport"])
    assert Domain.objects.get(domain="example.org").transport == "virtual:"


def test_the_command_line_refuses_a_bare_word_transport(db):
    with pytest.raises(CommandError, match="transport:nexthop"):
        mail("domain", "add", "new.org", "--transport", "x")
    assert not Domain.objects.exists()


def test_the_default_transport_and_the_demo_data_still_pass():
    assert services.validate_transport(Domain._meta.get_field("transport").default) == "virtual:"


# --- tracer: a query too long -----------------------------------------------------------


def test_a_tracer_query_too_long_for_an_address_says_too_long(su_client):
    response = su_client.get("/audit/trace/", {"address": LONG_ADDRESS})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["address"])
    assert "too long" in errors
    assert "at most 254 characters" in errors
    assert b"too long" in response.content


def test_the_tracer_field_has_a_maxlength(su_client):
    response = su_client.get("/audit/trace/")
    assert b'maxlength="254"' in response.content


def test_every_gunicorn_command_reads_the_config_that_raises_the_request_line_limit():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own file
    assert namespace["limit_request_line"] == 8190
    makefile = (ROOT / "Makefile").read_text()
    assert "gunicorn mailadmin.wsgi --config gunicorn.conf.py" in makefile
    assert '"--config", "gunicorn.conf.py"' in (ROOT / "Dockerfile").read_text()
    assert (
        "gunicorn mailadmin.wsgi --config gunicorn.conf.py"
        in (ROOT / "docker-compose.yml").read_text()
    )


def test_a_real_gunicorn_answers_a_long_tracer_query_with_the_form_error(tmp_path):
    env = panel_env(tmp_path, DJANGO_SUPERUSER_PASSWORD="Unusual-Staff-Pass-42")
    with live_panel(env) as panel:
        manage(env, "createsuperuser", "--noinput", "--username", "root", "--email", "r@x.org")
        login = panel.request("GET", "/login/")
        body = urlencode(
            {
                "csrfmiddlewaretoken": login.csrf_token(),
                "username": "root",
                "password": "Unusual-Staff-Pass-42",
            }
        )
        answer = panel.request("POST", "/login/", body, login.cookie("csrftoken"))
        assert answer.status == 302, answer.status
        response = panel.request(
            "GET", f"/audit/trace/?address={LONG_ADDRESS}", cookie=answer.cookie("sessionid")
        )
        assert response.status == 200, response.status
        assert "This address is too long" in response.text


# --- history: a date that is not a date -------------------------------------------------


@pytest.mark.parametrize("query", ["since=notadate", "until=31/12/2026", "since=2026-13-01"])
def test_a_history_date_that_is_not_a_date_is_reported_beside_the_filters(su_client, query):
    response = su_client.get(f"/audit/history/?{query}")
    assert response.status_code == 200
    field = query.split("=", 1)[0]
    assert "not understood" in " ".join(response.context["form"].errors[field])
    assert b"This date was not understood" in response.content
    assert response.context["rows"] == []


def test_the_history_csv_refuses_a_date_that_is_not_a_date(su_client):
    response = su_client.get("/audit/history.csv?since=notadate")
    assert response.status_code == 400
    assert b"This date was not understood" in response.content


def test_a_valid_history_date_still_filters(su_client):
    response = su_client.get("/audit/history/?since=2000-01-01")
    assert not response.context["form"].errors
    assert response.context["rows"]


# --- a password like the address -------------------------------------------------------

SIMILAR = "john@example.org"
MAIL_ADDRESS_MESSAGE = "The password is too similar to the mail address."


def test_the_service_says_the_password_is_like_the_mail_address():
    for name in ("", "John", "John Example"):
        with pytest.raises(ValidationError) as error:
            services.validate_mail_password(SIMILAR, SIMILAR, name)
        assert MAIL_ADDRESS_MESSAGE in error.value.messages
        assert "first name" not in " ".join(error.value.messages)
    with pytest.raises(ValidationError) as error:
        services.validate_mail_password("JohnSmithson", "js@example.org", "John Smithson")
    assert "The password is too similar to the mailbox owner's name." in error.value.messages


def test_mailbox_creation_says_mail_address(su_client):
    response = su_client.post(
        "/domains/example.org/mailboxes/add/",
        {
            "local_part": "anna",
            "name": "Anna Example",
            "password1": "anna@example.org",
            "password2": "anna@example.org",
        },
    )
    assert MAIL_ADDRESS_MESSAGE in response.context["form"].errors["password1"]


def test_a_staff_password_reset_says_mail_address(su_client):
    response = su_client.post(
        "/domains/mailboxes/john@example.org/password/",
        {"password1": SIMILAR, "password2": SIMILAR},
    )
    assert MAIL_ADDRESS_MESSAGE in response.context["form"].errors["password1"]


def test_the_self_service_change_says_mail_address(mail_data, client):
    response = client.post(
        "/account/login/", {"address": "john@example.org", "password": MAIL_PASSWORD}
    )
    assert response.status_code == 302
    response = client.post(
        "/account/password/",
        {"current_password": MAIL_PASSWORD, "new_password1": SIMILAR, "new_password2": SIMILAR},
    )
    assert MAIL_ADDRESS_MESSAGE in response.context["form"].errors["new_password2"]


def test_the_command_line_says_mail_address(mail_data, monkeypatch):
    with pytest.raises(CommandError, match="too similar to the mail address"):
        mail(
            "mailbox",
            "passwd",
            "john@example.org",
            "--password-stdin",
            stdin=SIMILAR + "\n",
            monkeypatch=monkeypatch,
        )
