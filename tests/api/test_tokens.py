"""api.tokens: a secret is shown once, stored hashed, and works until it expires or is
revoked; creating and revoking are audited."""

import hashlib
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils import timezone

from api import tokens
from api.models import ApiToken
from audit.models import AuditEntry
from tests.conftest import ACTOR


@pytest.fixture
def staff(db):
    return User.objects.create_user("alice", is_staff=True)


def test_the_secret_is_stored_only_as_its_sha256(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    row = ApiToken.objects.get()
    assert created.secret not in str(list(ApiToken.objects.values()))
    assert row.secret_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret.startswith(f"mla_{row.prefix}_")


def test_a_good_secret_authenticates_and_records_its_last_use(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    assert tokens.authenticate(created.secret) == created.token
    assert ApiToken.objects.get().last_used is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),
        lambda s: s.replace("mla_", "xyz_"),
        lambda s: "",
        lambda s: "mla_",
        lambda s: s.split("_")[0] + "_" + s.split("_")[1],
        lambda s: s + "x" * 300,
    ],
)
def test_a_wrong_secret_never_authenticates(staff, mangle):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    assert tokens.authenticate(mangle(created.secret)) is None


def test_an_expired_token_is_refused(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR, expires_days=1)
    ApiToken.objects.update(expires=timezone.now() - timedelta(seconds=1))
    assert tokens.authenticate(created.secret) is None


def test_a_revoked_token_is_refused_and_the_revocation_audited(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    tokens.revoke(created.token, actor=ACTOR)
    assert tokens.authenticate(created.secret) is None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "object_type"))
    assert actions == [("create", "api_token"), ("revoke", "api_token")]


def test_a_token_of_a_user_no_longer_staff_is_refused(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    staff.is_staff = False
    staff.save()
    assert tokens.authenticate(created.secret) is None


def test_only_staff_may_hold_a_token(db):
    user = User.objects.create_user("eve")
    with pytest.raises(ValidationError):
        tokens.create(user, "deploy", actor=ACTOR)
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("days", [0, -1, 3651])
def test_an_expiry_out_of_range_is_refused(staff, days):
    with pytest.raises(ValidationError):
        tokens.create(staff, "deploy", actor=ACTOR, expires_days=days)


def test_the_audit_names_the_token_and_its_user(staff):
    created = tokens.create(staff, "deploy", actor=ACTOR)
    assert str(tokens.actor_for(created.token, "192.0.2.1")) == "alice via API token deploy"
