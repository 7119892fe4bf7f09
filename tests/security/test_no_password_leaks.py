"""No password in logs, exceptions, audit entries, pages or process arguments.

Every way a password enters the system is exercised with logging captured at DEBUG; then
the log text, every audit row, the pages and the command output are searched for it. An
exception while a password form is posted is logged without the password, and the request
data of an error report has the password fields masked (sensitive_post_parameters). (The
frame variables of Django's DEBUG page are not masked: DEBUG stays off in production, which
`check --deploy` enforces.) The command line takes passwords on standard input only.
"""

import argparse
import io
import json
import logging
import sys

import pytest
from django.core.management import call_command
from django.core.signals import got_request_exception
from django.test import Client
from django.views.debug import ExceptionReporter

from audit.models import AuditEntry
from bulk.importer import import_csv
from domains import services
from mailadmin.management.commands.mail import Command
from tests.conftest import ACTOR
from tests.security.conftest import PASSWORD, mailbox_client
from tests.security.test_two_factor import enrol

SECRETS = {
    "created": "Created-Mailbox-Pass-31",
    "staff_set": "Staff-Set-Pass-62",
    "weak_try": "john",  # refused, must not be echoed either
    "own_change": "Own-Changed-Pass-93",
    "cli_add": "Cli-Added-Pass-24",
    "cli_passwd": "Cli-Passwd-Pass-55",
    "bulk": "Bulk-Import-Pass-86",
    "admin": "Admin-Created-Pass-17",
    "admin_reset": "Admin-Reset-Pass-48",
    "wrong_login": "Wrong-Guess-Pass-79",
}


def audit_text() -> str:
    return json.dumps(list(AuditEntry.objects.values()), default=str)


def everything(client, a_client, monkeypatch, admin_a) -> list[str]:
    """Every path a password takes; returns the pages and outputs produced."""
    s = SECRETS
    seen: list[str] = []

    def keep(response):
        seen.append(response.content.decode(errors="replace"))
        return response

    keep(Client().post("/login/", {"username": "root", "password": s["wrong_login"]}))
    keep(
        client.post(
            "/domains/example.org/mailboxes/add/",
            {
                "local_part": "new",
                "password1": s["created"],
                "password2": s["created"],
                "enabled": "on",
            },
        )
    )
    keep(
        client.post(
            "/domains/mailboxes/new@example.org/password/",
            {"password1": s["weak_try"], "password2": s["weak_try"]},
        )
    )
    keep(
        client.post(
            "/domains/mailboxes/new@example.org/password/",
            {"password1": s["staff_set"], "password2": s["staff_set"]},
        )
    )
    keep(
        client.post(
            "/admins/add/", {"username": "carol", "password1": s["admin"], "password2": s["admin"]}
        )
    )
    keep(
        client.post(
            f"/admins/{admin_a.pk}/password/",
            {"password1": s["admin_reset"], "password2": s["admin_reset"]},
        )
    )
    Client().post("/account/login/", {"address": "new@example.org", "password": s["wrong_login"]})
    owner = mailbox_client("new@example.org", s["staff_set"])
    keep(
        owner.post(
            "/account/password/",
            {
                "current_password": s["wrong_login"],
                "new_password1": s["own_change"],
                "new_password2": s["own_change"],
            },
        )
    )
    keep(
        owner.post(
            "/account/password/",
            {
                "current_password": s["staff_set"],
                "new_password1": s["own_change"],
                "new_password2": s["own_change"],
            },
        )
    )
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(s["cli_add"] + "\n"))
    call_command(
        "mail", "mailbox", "add", "cli@example.org", "--password-stdin", stdout=out, stderr=err
    )
    monkeypatch.setattr(sys, "stdin", io.StringIO(s["cli_passwd"] + "\n"))
    call_command(
        "mail", "mailbox", "passwd", "cli@example.org", "--password-stdin", stdout=out, stderr=err
    )
    seen += [out.getvalue(), err.getvalue()]
    report = import_csv(
        io.StringIO(
            f"kind,address,password\nmailbox,bulk@example.org,{s['bulk']}\nmailbox,weak@example.org,{s['weak_try']}\n"
        ),
        actor=ACTOR,
        source="t.csv",
    )
    seen.append(repr(report))
    report = import_csv(
        io.StringIO(f"kind,address,password\nmailbox,bulk@example.org,{s['bulk']}\n"),
        actor=ACTOR,
        source="t.csv",
    )
    seen.append(repr(report))
    return seen


def test_no_password_reaches_logs_audit_pages_or_output(
    su_client, a_client, admin_a, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    seen = everything(su_client, a_client, monkeypatch, admin_a)
    assert AuditEntry.objects.filter(action="password").count() >= 3  # the changes happened
    haystacks = {
        "log": caplog.text,
        "audit": audit_text(),
        **{f"page{i}": t for i, t in enumerate(seen)},
    }
    for label, secret in SECRETS.items():
        if len(secret) < 8:
            continue  # "john" is also a name on the pages
        for where, text in haystacks.items():
            assert secret not in text, f"{label} password found in {where}"


def test_a_refused_password_form_does_not_echo_the_password(su_client):
    response = su_client.post(
        "/domains/mailboxes/john@example.org/password/",
        {"password1": "Aa1-short", "password2": "Aa1-other"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Aa1-short" not in html and "Aa1-other" not in html


def test_the_enrolment_secret_is_not_logged_or_audited(a_client, caplog):
    caplog.set_level(logging.DEBUG)
    device = enrol(a_client)
    assert device.key not in caplog.text and device.key not in audit_text()


@pytest.mark.parametrize(
    ("url", "data", "who", "target"),
    [
        (
            "/domains/mailboxes/john@example.org/password/",
            {"password1": "Leak-Pass-11", "password2": "Leak-Pass-11"},
            "staff",
            "domains.services.set_mailbox_password",
        ),
        (
            "/domains/example.org/mailboxes/add/",
            {
                "local_part": "n",
                "password1": "Leak-Pass-11",
                "password2": "Leak-Pass-11",
                "enabled": "on",
            },
            "staff",
            "domains.services.create_mailbox",
        ),
        (
            "/admins/add/",
            {"username": "carol", "password1": "Leak-Pass-11", "password2": "Leak-Pass-11"},
            "staff",
            "accounts.services.create_domain_admin",
        ),
        (
            "/admins/{alice}/password/",
            {"password1": "Leak-Pass-11", "password2": "Leak-Pass-11"},
            "staff",
            "accounts.services.set_admin_password",
        ),
        (
            "/password/",
            {
                "old_password": PASSWORD,
                "new_password1": "Leak-Pass-11",
                "new_password2": "Leak-Pass-11",
            },
            "staff",
            "accounts.services.change_own_password",
        ),
        (
            "/login/",
            {"username": "root", "password": "Leak-Pass-11"},
            "anyone",
            "django.contrib.auth.authenticate",
        ),
        (
            "/account/login/",
            {"address": "john@example.org", "password": "Leak-Pass-11"},
            "anyone",
            "selfservice.auth.authenticate",
        ),
        (
            "/account/password/",
            {
                "current_password": "Leak-Pass-11",
                "new_password1": "Leak-Pass-22",
                "new_password2": "Leak-Pass-22",
            },
            "mailbox",
            "selfservice.auth.change_own_password",
        ),
    ],
)
def test_an_error_report_does_not_contain_the_posted_password(
    superuser, admin_a, monkeypatch, caplog, url, data, who, target
):
    def explode(*args, **kwargs):
        raise RuntimeError("database exploded")

    module, name = target.rsplit(".", 1)
    monkeypatch.setattr(f"{module}.{name}", explode)
    if target == "django.contrib.auth.authenticate":
        monkeypatch.setattr("django.contrib.auth.forms.authenticate", explode)
    reports: list[str] = []

    def report(sender, request, **kwargs):
        # What an error e-mail to ADMINS would show of the request: its POST data.
        reporter = ExceptionReporter(request, *sys.exc_info())
        reports.append(repr(reporter.get_traceback_data()["filtered_POST_items"]))
        reports.append(str(sys.exc_info()[1]))

    got_request_exception.connect(report)
    try:
        client = {"staff": Client(), "anyone": Client(), "mailbox": None}[who]
        if who == "staff":
            client.force_login(superuser)
        if who == "mailbox":
            client = mailbox_client()
        client.raise_request_exception = False
        caplog.set_level(logging.DEBUG)
        response = client.post(url.format(alice=admin_a.pk), data)
    finally:
        got_request_exception.disconnect(report)
    assert response.status_code == 500
    assert reports and "database exploded" in reports[1]
    assert "********" in reports[0]  # the password fields are there, masked
    for text in [*reports, caplog.text]:
        assert "Leak-Pass-11" not in text and "Leak-Pass-22" not in text


def _actions(parser: argparse.ArgumentParser, path: str = ""):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _actions(sub, f"{path} {name}")
        else:
            yield path.strip(), action


def test_no_command_takes_a_password_as_an_argument():
    parser = Command().create_parser("manage.py", "mail")
    checked = 0
    for path, action in _actions(parser):
        names = [action.dest, *action.option_strings]
        if any("pass" in n.lower() or "secret" in n.lower() for n in names):
            if action.dest.endswith("_file"):  # names the file holding it, as `NAME_FILE` does
                assert action.metavar == "FILE", f"mail {path} {names}"
                continue
            checked += 1
            assert action.nargs == 0, f"mail {path} {names} takes a value"
    assert checked >= 2  # mailbox add/passwd --password-stdin


def test_a_password_given_as_an_argument_is_a_usage_error(mail_data):
    from django.core.management import CommandError

    with pytest.raises((CommandError, SystemExit)):
        call_command("mail", "mailbox", "passwd", "john@example.org", "Secret-On-Argv-1")
    assert services.get_mailbox("john@example.org").crypt  # unchanged row still there


def test_the_axes_log_masks_the_username(superuser, caplog):
    caplog.set_level(logging.DEBUG)
    Client().post("/login/", {"username": "root", "password": PASSWORD + "x"})
    assert "AXES" in caplog.text
    assert 'username: "root"' not in caplog.text


def test_error_reports_hide_passwords_in_service_frames(db, settings, monkeypatch):
    """Error e-mails and logged reports (DEBUG off) show no password from any frame."""
    import sys

    from django.views.debug import ExceptionReporter

    from aliases.models import Alias
    from audit.services import Actor
    from domains import services

    settings.DEBUG = False
    services.create_domain("leak.example", actor=Actor("t"))
    secret = "Leaky-Frame-Secret-91"

    def fail(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Alias.objects, "create", fail)
    try:
        services.create_mailbox("a@leak.example", secret, actor=Actor("t"))
    except RuntimeError:
        report = ExceptionReporter(None, *sys.exc_info()).get_traceback_text()
    assert "boom" in report
    assert secret not in report
