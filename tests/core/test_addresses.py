import pytest
from django.core.exceptions import ValidationError

from mailadmin.addresses import display_domain, normalize_address, normalize_domain


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Example.ORG", "example.org"),
        (" example.org ", "example.org"),
        ("example.org.", "example.org"),
        ("example.org\n", "example.org"),
        ("Bücher.example", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("localhost", "localhost"),
        ("mail.blobber.org", "mail.blobber.org"),
    ],
)
def test_domains_are_stored_lower_case_and_in_punycode(text, stored):
    assert normalize_domain(text) == stored


def test_punycode_is_shown_as_unicode():
    assert display_domain("xn--bcher-kva.example") == "bücher.example"
    assert display_domain("example.org") == "example.org"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "example",
        "exa mple.org",
        "example..org",
        "-example.org",
        "exa\x00mple.org",
        "exa\nmple.org",
        "a" * 64 + ".org",
        ".".join(["abcdefghij"] * 12) + ".org",
        "@example.org",
        "ex_ample.org",
        "xn--zz.org",
    ],
)
def test_invalid_domains_are_refused(text):
    with pytest.raises(ValidationError):
        normalize_domain(text)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("Xandros@Blobber.ORG", "xandros@blobber.org"),
        ("first.last+tag@example.org", "first.last+tag@example.org"),
        ("user@Bücher.example", "user@xn--bcher-kva.example"),
        ("root@localhost", "root@localhost"),
    ],
)
def test_addresses_are_stored_lower_case(text, stored):
    assert normalize_address(text) == stored


@pytest.mark.parametrize(
    "text",
    [
        "",
        "user",
        "@example.org",
        "user@",
        "us er@example.org",
        "user@@example.org",
        "user@example",
        "user\n@example.org",
        "a" * 65 + "@example.org",
        "<user@example.org>",
        "user@example.org,other@example.org",
    ],
)
def test_invalid_addresses_are_refused(text):
    with pytest.raises(ValidationError):
        normalize_address(text)


def test_addresses_longer_than_the_column_are_refused():
    address = "a" * 60 + "@" + "b" * 60 + ".org"
    with pytest.raises(ValidationError, match="too long"):
        normalize_address(address, max_length=120)
