import time
import zlib
from unittest import mock

import pytest

from domains import services
from selfservice import auth, throttle
from tests.selfservice.conftest import ADDRESS, PASSWORD, log_in

WRONG = "Wrong-password-1"
ADDRESS_LIMIT = 5  # LIMITS: 5 failures per address in 5 minutes
CLIENT_LIMIT = 20  # 20 failures per client in 5 minutes


@pytest.fixture(autouse=True, params=["database", "cache"])
def backend(request, settings):
    """Every rule holds with the counters in the database (default) and in the cache."""
    settings.MAILADMIN_LOGIN_THROTTLE = request.param
    return request.param


def test_the_documented_limits():
    assert [(limit.scope, limit.rate) for limit in throttle.LIMITS] == [
        ("address", "5/5m"),
        ("address", "20/h"),
        ("client", "20/5m"),
        ("client", "100/h"),
    ]


def _fail(client, times, address=ADDRESS, **extra):
    for _ in range(times):
        response = log_in(client, address, WRONG, **extra)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors() == ["Unknown address or wrong password."]


def test_after_n_failures_the_address_is_refused_even_with_the_right_password(client, mailbox):
    _fail(client, ADDRESS_LIMIT)
    with mock.patch.object(auth, "authenticate") as authenticate:
        response = log_in(client)
    authenticate.assert_not_called()  # no password is checked while refused
    assert response.status_code == 429
    [message] = response.context["form"].non_field_errors()
    assert message.startswith("Too many failed attempts. Try again in ")
    assert auth.SESSION_KEY not in client.session


def test_fewer_failures_than_the_limit_do_not_block(client, mailbox):
    _fail(client, ADDRESS_LIMIT - 1)
    assert log_in(client).status_code == 302


def test_the_address_is_refused_from_another_client_too(client, mailbox):
    _fail(client, ADDRESS_LIMIT, REMOTE_ADDR="192.0.2.1")
    assert log_in(client, REMOTE_ADDR="198.51.100.9").status_code == 429


def test_failures_for_one_address_do_not_block_another_address(client, mailbox, actor):
    services.create_mailbox("jane@example.org", PASSWORD, actor=actor)
    _fail(client, ADDRESS_LIMIT, REMOTE_ADDR="192.0.2.1")
    response = log_in(client, "jane@example.org", REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 302


def test_an_address_is_counted_however_it_is_spelled(client, mailbox):
    _fail(client, ADDRESS_LIMIT, address=" John@Example.ORG ")
    assert log_in(client).status_code == 429


def test_the_refusal_ends_after_the_window(client, mailbox, clock):
    now = time.time()
    clock.return_value = now
    _fail(client, ADDRESS_LIMIT)
    assert log_in(client).status_code == 429
    clock.return_value = now + 5 * 60 + 1
    response = log_in(client)
    assert response.status_code == 302


def _start_of_hour_window(value: str) -> int:
    """django-ratelimit's hourly windows are jittered per key: the start of the current one."""
    now = int(time.time())
    end = now - now % 3600 + zlib.crc32(value.encode()) % 3600
    if end < now:
        end += 3600
    return end - 3600 + 1


def test_the_hourly_limit_outlasts_the_short_window(client, mailbox, clock):
    now = _start_of_hour_window(ADDRESS)  # the 20 minutes below stay in one hourly window
    for step in range(4):  # 4 short windows of 5 failures each: 20 in the hour
        clock.return_value = now + step * (5 * 60 + 1)
        _fail(client, ADDRESS_LIMIT)
    clock.return_value = now + 4 * (5 * 60 + 1)
    response = log_in(client)
    assert response.status_code == 429
    assert "minutes" in response.context["form"].non_field_errors()[0]
    clock.return_value = now + 2 * 60 * 60
    assert log_in(client).status_code == 302


def test_one_client_failing_on_many_addresses_is_refused(client, mailbox):
    for number in range(CLIENT_LIMIT):
        _fail(client, 1, address=f"guess{number}@example.org", REMOTE_ADDR="192.0.2.66")
    assert log_in(client, REMOTE_ADDR="192.0.2.66").status_code == 429
    # the owner from elsewhere is not affected
    assert log_in(client, REMOTE_ADDR="198.51.100.9").status_code == 302


def test_ipv6_clients_are_counted_per_64_network(rf):
    one = rf.get("/", REMOTE_ADDR="2001:db8:1:2::10")
    other = rf.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    assert throttle.client_ip(one) == throttle.client_ip(other) == "2001:db8:1:2::"


def test_the_client_header_is_used_only_when_configured(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.5")
    assert throttle.client_ip(request) == "127.0.0.1"
    settings.MAILADMIN_CLIENT_IP_HEADER = "X-Real-IP"
    assert throttle.client_ip(request) == "203.0.113.5"


@pytest.mark.parametrize("seconds, text", [(1, "1 minute"), (60, "1 minute"), (61, "2 minutes")])
def test_the_refusal_says_how_long_to_wait(seconds, text):
    assert throttle.refusal_message(seconds).endswith(f"Try again in {text}.")


def test_a_cache_that_cannot_count_refuses(client, mailbox, settings):
    settings.MAILADMIN_LOGIN_THROTTLE = "cache"
    with mock.patch("django_ratelimit.core.caches") as caches:
        caches.__getitem__.return_value.add.return_value = False
        caches.__getitem__.return_value.get.return_value = None
        assert log_in(client).status_code == 429
