import pytest
from django.core.exceptions import ValidationError

from mailadmin import quota
from tests.quota_rules import dovecot_rule

MB = 1024**2


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("", ""),
        ("   ", ""),
        ("unlimited", ""),
        ("500M", f"{500 * MB}S"),
        ("500 MB", f"{500 * MB}S"),
        ("500mb", f"{500 * MB}S"),
        ("500 MiB", f"{500 * MB}S"),
        ("2 GB", f"{2 * 1024 * MB}S"),
        ("2G", f"{2 * 1024 * MB}S"),
        ("1.5G", f"{1536 * MB}S"),
        ("64K", "65536S"),
        ("1T", f"{1024**4}S"),
        ("1000C", "1000C"),
        ("1000 messages", "1000C"),
        ("10000000S", "10000000S"),
        ("10000000S,1000C", "10000000S,1000C"),
        ("1000C,10000000S", "10000000S,1000C"),
        ("500M, 1000C", f"{500 * MB}S,1000C"),
        ("4096B", "4096S"),
    ],
)
def test_human_and_courier_input_is_stored_as_courier_s_exact_string(text, stored):
    assert quota.parse(text) == stored
    assert quota.is_courier_quota(stored)


@pytest.mark.parametrize(
    "text",
    [
        "500",
        "10",
        "abc",
        "M",
        "500X",
        "-5M",
        "1e9",
        "500M,600M",
        "1000C,2000C",
        "1000S1000C",
        "10S,20C,30C",
        ",",
        "500 M B",
        "５００M",
        "500M;DROP TABLE users",
        "500M\n1000C",
        "9" * 100,
        "99999999999T",
        "0.0001K",
        "NaNM",
        "infG",
        "0",
        "0M",
        "0S",
    ],
)
def test_anything_else_is_refused_with_a_clear_message(text):
    with pytest.raises(ValidationError) as excinfo:
        quota.parse(text)
    assert "quota" in excinfo.value.messages[0]


@pytest.mark.parametrize("stored", ["10M", "500", "1000S1000C", "abc", "10S,", "S", "C"])
def test_strings_courier_ignores_are_recognised(stored):
    assert not quota.is_courier_quota(stored)
    assert quota.limits(stored) == (None, None)
    assert "ignored by Courier" in quota.humanize(stored)


def test_lists_show_human_units():
    assert quota.humanize("") == "unlimited"
    assert quota.humanize(f"{500 * MB}S") == "500 MB"
    assert quota.humanize(f"{1536 * MB}S,1000C") == "1.5 GB, 1000 messages"
    assert quota.humanize("1000C") == "1000 messages"
    assert quota.humanize("100S") == "100 B"


def test_the_same_limit_is_given_to_dovecot():
    assert dovecot_rule(f"{500 * MB}S") == f"*:bytes={500 * MB}"
    assert dovecot_rule("10000000S,1000C") == "*:bytes=10000000:messages=1000"
    assert dovecot_rule("1000C") == "*:messages=1000"
    assert dovecot_rule("") == ""
    assert dovecot_rule("10M") == ""
