"""The self-service login throttle counts what the login looks up, in the database.

Issue 13, items 3 to 5: spellings of a locked address that normalise to it (trailing dots,
fullwidth letters, the ideographic full stop, capitals) used to be counted apart and
logged in; MariaDB's collation matched look-alike local parts; the counters lived in each
process's memory. The unknown-address path costs one full verification.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import LoginFailureCount
from domains import services
from domains.models import Domain, Mailbox
from mailadmin import passwords
from mailadmin.addresses import normalize_address
from selfservice import auth, throttle
from tests.conftest import ACTOR

ADDRESS = "john@example.org"
PASSWORD = "Quite-a-long-pass-1"
WRONG = "Wrong-password-1"
LIMIT = 5  # failures per address in 5 minutes (README, "Self-service")

pytestmark = pytest.mark.usefixtures("clock")  # a window end never splits the count

SPELLINGS = [
    "john@example.org.",
    "john@example.org..",
    "john@ｅｘａｍｐｌｅ.org",  # fullwidth domain
    "john@example。org",  # ideographic full stop
    "john@example．org",  # fullwidth full stop
    " JOHN@Example.ORG ",
    "John@EXAMPLE.org.",
]


@pytest.fixture
def mailbox(db):
    services.create_domain("example.org", actor=ACTOR)
    return services.create_mailbox(ADDRESS, PASSWORD, actor=ACTOR)


def log_in(address: str, password: str, ip: str = "192.0.2.1"):
    return Client().post(
        "/account/login/", {"address": address, "password": password}, REMOTE_ADDR=ip
    )


def fail(address: str, times: int = LIMIT, ip: str = "192.0.2.1") -> None:
    for _ in range(times):
        assert log_in(address, WRONG, ip).status_code == 200


def normalises_to_the_mailbox(spelling: str) -> bool:
    try:
        return normalize_address(spelling) == ADDRESS
    except ValidationError:
        return False


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_failures_under_any_spelling_count_for_the_address_the_login_uses(mailbox, spelling):
    fail(spelling, ip="192.0.2.1")
    response = log_in(ADDRESS, PASSWORD, ip="198.51.100.2")
    if normalises_to_the_mailbox(spelling):
        assert response.status_code == 429
    else:  # names no mailbox: counted as typed (now refused), and it never logs in
        assert response.status_code == 302
        assert log_in(spelling, PASSWORD, ip="198.51.100.3").status_code == 429


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_no_spelling_of_a_locked_address_logs_in(mailbox, spelling):
    fail(ADDRESS, ip="192.0.2.1")
    response = log_in(spelling, PASSWORD, ip="198.51.100.2")
    assert response.status_code in (429, 200)
    assert auth.SESSION_KEY not in response.client.session


def test_text_that_is_no_address_is_refused_after_a_dummy_check(mailbox, django_assert_num_queries):
    with (
        mock.patch.object(auth, "verify_dummy") as dummy,
        django_assert_num_queries(0),  # nothing is looked up under a fallback spelling
    ):
        assert auth.authenticate("john@@example.org", PASSWORD) is None
    dummy.assert_called_once_with(PASSWORD)


def test_text_that_is_no_address_is_counted_as_typed_and_under_the_client(mailbox):
    fail("not an address", times=LIMIT, ip="192.0.2.9")
    assert log_in("not an address", PASSWORD, ip="198.51.100.2").status_code == 429
    assert log_in(ADDRESS, PASSWORD, ip="198.51.100.2").status_code == 302
    keys = set(LoginFailureCount.objects.values_list("group", "count"))
    assert ("selfservice-login-client", LIMIT) in keys


def test_a_mailbox_stored_with_capitals_is_not_found_under_another_spelling(mailbox):
    """Only the normalised form logs in; `mail check` reports rows stored with capitals."""
    Mailbox.objects.filter(address=ADDRESS).update(address="John@example.org")
    assert auth.authenticate(ADDRESS, PASSWORD) is None
    assert auth.authenticate("John@example.org", PASSWORD) is None


# --- the counters live in the database ---------------------------------------------------


def test_failures_are_counted_in_the_database_by_default(mailbox, settings):
    assert settings.MAILADMIN_LOGIN_THROTTLE == "database"
    fail(ADDRESS)
    cache.clear()  # what another worker's (or a restarted worker's) memory holds
    assert log_in(ADDRESS, PASSWORD, ip="198.51.100.2").status_code == 429


def test_the_counters_store_no_typed_text(mailbox):
    fail("Secret-typed-in-the-wrong-field", times=1)
    fail(" JOHN@example.org", times=1)
    stored = list(LoginFailureCount.objects.values_list("key", flat=True))
    assert len(stored) == 6  # 2 addresses x 2 limits, 1 client x 2 limits
    assert all(len(key) == 64 and "@" not in key and "Secret" not in key for key in stored)


def test_ended_windows_are_deleted(mailbox, rf):
    request = rf.post("/account/login/", REMOTE_ADDR="192.0.2.1")
    throttle.record_failure(request, ADDRESS)
    LoginFailureCount.objects.update(window_end=1)
    throttle.record_failure(request, ADDRESS)
    assert not LoginFailureCount.objects.filter(window_end=1).exists()


def test_the_staff_login_counts_in_the_database_too(settings):
    """django-axes' handler: AccessAttempt rows, shared by every worker."""
    from axes.handlers.database import AxesDatabaseHandler
    from axes.handlers.proxy import AxesProxyHandler

    # accounts.staff_throttle narrows what a success resets; the counting is axes' own.
    assert settings.AXES_HANDLER == "accounts.staff_throttle.StaffLoginHandler"
    assert isinstance(AxesProxyHandler.get_implementation(), AxesDatabaseHandler)


# --- timing ----------------------------------------------------------------------------------


def full_cost(crypt: str) -> bool:
    """A SHA512-CRYPT hash at the configured rounds: what every hash the panel writes costs."""
    from django.conf import settings

    rounds = settings.MAILADMIN_CRYPT_ROUNDS
    return crypt.startswith(f"$6$rounds={rounds}$") or (
        rounds == 5000 and crypt.startswith("$6$") and "rounds=" not in crypt
    )


def verifications(address: str, password: str = PASSWORD) -> list[str]:
    real = passwords.verify_password
    with mock.patch.object(passwords, "verify_password", side_effect=real) as spy:
        auth.authenticate(address, password)
    return [call.args[1] for call in spy.call_args_list]


@pytest.mark.parametrize(
    "address", ["nobody@example.org", "john@unknown.test", "john@@example.org", "x"]
)
def test_an_unknown_address_costs_one_full_verification(mailbox, settings, address):
    settings.MAILADMIN_CRYPT_ROUNDS = 6000
    [crypt] = verifications(address)
    assert full_cost(crypt)


def test_a_mailbox_of_a_disabled_domain_costs_the_same_as_a_real_login(mailbox, settings):
    Domain.objects.filter(domain="example.org").update(enabled=False)
    [crypt] = verifications(ADDRESS)
    assert full_cost(crypt)


def test_a_cheap_legacy_hash_pays_one_full_verification_on_top(mailbox):
    from passlib.hash import md5_crypt

    Mailbox.objects.filter(address=ADDRESS).update(crypt=md5_crypt.hash(PASSWORD))
    crypts = verifications(ADDRESS, WRONG)
    assert len(crypts) == 2 and full_cost(crypts[1])


@pytest.mark.mariadb
@pytest.mark.parametrize("look_alike", ["ſam@example.org", "ıan@example.org"])
def test_mariadb_collation_does_not_match_a_look_alike_address(db, look_alike):
    """`ſ` and `ı` pass Django's e-mail validator (a case-insensitive [A-Z]), and
    utf8mb4_general_ci compares them equal to `s` and `i`."""
    services.create_domain("example.org", actor=ACTOR)
    owner = look_alike.replace("ſ", "s").replace("ı", "i")
    services.create_mailbox(owner, PASSWORD, actor=ACTOR)
    assert auth.authenticate(owner, PASSWORD) is not None
    assert auth.authenticate(look_alike, PASSWORD) is None
    fail(owner)
    assert log_in(look_alike, PASSWORD, ip="198.51.100.2").status_code in (429, 200)


@pytest.mark.mariadb
@pytest.mark.parametrize("spelling", SPELLINGS + ["jöhn@example.org", "ｊｏｈｎ@example.org"])
def test_mariadb_no_spelling_of_a_locked_address_logs_in(mailbox, spelling):
    fail(ADDRESS, ip="192.0.2.1")
    response = log_in(spelling, PASSWORD, ip="198.51.100.2")
    assert response.status_code in (429, 200)
    assert auth.SESSION_KEY not in response.client.session


@pytest.mark.mariadb
@pytest.mark.parametrize("spelling", ["jöhn@example.org", "ｊｏｈｎ@example.org"])
def test_mariadb_an_accented_or_fullwidth_spelling_never_logs_in(mailbox, spelling):
    assert auth.authenticate(spelling, PASSWORD) is None


def test_an_unknown_throttle_store_fails_loudly_at_start(tmp_path):
    from tests.core.test_settings import settings_in

    result = settings_in({"MAILADMIN_LOGIN_THROTTLE": "memory"}, tmp_path)
    assert result.returncode != 0
    assert "MAILADMIN_LOGIN_THROTTLE must be database or cache" in result.stderr
