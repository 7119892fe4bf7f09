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


# --- issue 13: one stored form, never a second spelling -------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("example.org.", "example.org"),  # one trailing dot: the FQDN form
        ("example.org\u3002", "example.org"),
        ("example\u3002org", "example.org"),  # IDNA full stops separate labels
        ("example\uff0eorg", "example.org"),
        ("example\uff61org", "example.org"),
        ("ｅｘａｍｐｌｅ.ｏｒｇ", "example.org"),  # IDNA maps fullwidth letters
        ("example.xn--p1ai", "example.xn--p1ai"),
    ],
)
def test_a_domain_is_mapped_as_idna_maps_it(text, stored):
    assert normalize_domain(text) == stored


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("example.org..", "more than one dot"),
        ("example.org...", "more than one dot"),
        ("example.org\u3002\u3002", "more than one dot"),
        ("example.org.\u3002", "more than one dot"),
        ("example.123", "top-level domain '123'"),
        ("example.123.", "top-level domain '123'"),
        ("123.456", "top-level domain"),
        ("example.1a", "top-level domain"),
    ],
)
def test_trailing_dots_and_numeric_top_level_domains_are_refused(text, message):
    with pytest.raises(ValidationError, match=message):
        normalize_domain(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ('"john"@example.org', "quoted_local_part"),
        ('"x/../../other.org/bob/"@example.org', "quoted_local_part"),
        ('"a@x"@example.org', "quoted_local_part"),
        ("jo\\hn@example.org", "quoted_local_part"),
        ("xandros/.sent@example.org", "slash_local_part"),
        ("../x@example.org", "slash_local_part"),
        ("josé@example.org", "non_ascii_local_part"),
        ("JOSÉ@example.org", "non_ascii_local_part"),
        ("jose\u0301@example.org", "non_ascii_local_part"),
        ("ｊｏｈｎ@example.org", "non_ascii_local_part"),
        ("\u212aim@example.org", "non_ascii_local_part"),  # Kelvin sign, lower() "k"
        ("\u017fam@example.org", "non_ascii_local_part"),  # long s, folds to "s"
        (".john@example.org", "invalid_local_part"),
        ("john.@example.org", "invalid_local_part"),
        ("jo..hn@example.org", "invalid_local_part"),
        ("..@example.org", "invalid_local_part"),
        ("john@example.org..", "invalid"),
        ("john@example.123", "invalid_tld"),
    ],
)
def test_a_local_part_that_is_not_one_plain_ascii_path_component_is_refused(text, code):
    with pytest.raises(ValidationError) as error:
        normalize_address(text)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("John@Example.ORG.", "john@example.org"),
        ("john@example\u3002org", "john@example.org"),
        ("john@ｅｘａｍｐｌｅ.org", "john@example.org"),
        ("o'brien+tag@example.org", "o'brien+tag@example.org"),
        ("a.b-c_d@example.org", "a.b-c_d@example.org"),
    ],
)
def test_every_accepted_spelling_has_one_lower_case_ascii_form(text, stored):
    assert normalize_address(text) == stored
    assert stored.isascii() and normalize_address(stored) == stored
