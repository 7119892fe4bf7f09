"""Failed bearer authentications are throttled per client address; each token has a
request rate. Both answer 429 with Retry-After."""

import pytest

from tests.api.conftest import ApiClient
from tests.panel.conftest import PASSWORD  # noqa: F401

pytestmark = pytest.mark.usefixtures("clock")  # a window end never splits the count


def test_failed_authentications_from_one_client_are_throttled(api_a):
    bad = ApiClient("mla_deadbeef_wrong")
    statuses = [bad.get("/api/v1/domains/").status_code for _ in range(21)]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429
    # Even a good token from that client waits for the window to end.
    response = api_a.get("/api/v1/domains/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"


def test_another_client_is_not_blocked_by_them(api_a):
    bad = ApiClient("mla_deadbeef_wrong")
    for _ in range(21):
        bad.get("/api/v1/domains/")
    assert api_a.get("/api/v1/domains/", REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_token_over_its_request_rate_gets_429_with_retry_after(api_a, settings):
    settings.MAILADMIN_API_RATE = "3/min"
    statuses = [api_a.get("/api/v1/domains/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api_a.get("/api/v1/domains/")
    assert int(response["Retry-After"]) > 0
