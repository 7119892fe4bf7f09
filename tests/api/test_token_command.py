"""`mail admin token create|list|revoke`: the secret printed once, exit codes as the
`mail` command's contract."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from api import tokens
from api.models import ApiToken


def mail(*args) -> str:
    out = StringIO()
    call_command("mail", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def alice(db):
    return User.objects.create_user("alice", is_staff=True)


def test_create_prints_a_working_secret_once(alice):
    secret = mail("admin", "token", "create", "alice", "--name", "deploy", "--expires", "30")
    token = tokens.authenticate(secret.strip())
    assert token is not None and token.name == "deploy" and not token.read_only
    assert token.expires is not None


def test_create_read_only(alice):
    secret = mail("admin", "token", "create", "alice", "--name", "ro", "--read-only")
    assert tokens.authenticate(secret.strip()).read_only


def test_list_shows_state_but_never_a_secret(alice):
    secret = mail("admin", "token", "create", "alice", "--name", "deploy").strip()
    rows = json.loads(mail("admin", "token", "list", "--json"))
    assert [(r["user"], r["name"], r["state"]) for r in rows] == [("alice", "deploy", "active")]
    assert secret not in json.dumps(rows)


def test_revoke_by_prefix(alice):
    secret = mail("admin", "token", "create", "alice", "--name", "deploy").strip()
    prefix = ApiToken.objects.get().prefix
    assert "Revoked" in mail("admin", "token", "revoke", prefix)
    assert tokens.authenticate(secret) is None


def test_an_unknown_user_or_prefix_is_bad_input_exit_1(alice):
    for args in (("create", "nobody", "--name", "x"), ("revoke", "feedbeef")):
        with pytest.raises(CommandError) as error:
            mail("admin", "token", *args)
        assert error.value.returncode == 1
    assert not ApiToken.objects.exists()


def test_a_non_staff_account_gets_no_token(db):
    User.objects.create_user("eve")
    with pytest.raises(CommandError) as error:
        mail("admin", "token", "create", "eve", "--name", "x")
    assert error.value.returncode == 1
