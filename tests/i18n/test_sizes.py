"""Sizes and quotas in the language of the page: the decimal separator and the unit's symbol
are translated (1,5 Go in French), the units stay binary."""

import pytest
from django.utils import translation

from mailadmin import quota
from tests.panel.conftest import admin_a, client_for, mail_data  # noqa: F401 (fixtures)

GIB = 1024**3


@pytest.mark.parametrize(
    "language, shown",
    [("en", "1.5 GB"), ("fr", "1,5 Go"), ("de", "1,5 GB")],
)
def test_a_size_has_the_languages_decimal_separator_and_unit(language, shown):
    with translation.override(language):
        assert quota.human_size(GIB * 3 // 2) == shown


def test_units_stay_binary_in_french():
    with translation.override("fr"):
        assert quota.human_size(500 * 1024**2) == "500 Mo"
        assert quota.human_size(1023) == "1023 o"


@pytest.mark.parametrize(
    "language, shown",
    [
        ("en", "500 MB, 1000 messages"),
        ("fr", "500 Mo, 1000 messages"),
        ("de", "500 MB, 1000 Nachrichten"),
    ],
)
def test_a_quota_is_written_in_the_language(language, shown):
    with translation.override(language):
        assert quota.humanize("524288000S,1000C") == shown


def test_unlimited_is_translated():
    with translation.override("de"):
        assert quota.humanize("") == "unbegrenzt"


def test_a_refused_quota_is_explained_in_the_language():
    with translation.override("fr"), pytest.raises(quota.ValidationError) as refused:
        quota.parse("0")
    assert "doit être supérieur à zéro" in refused.value.messages[0]


@pytest.mark.parametrize("language", ["fr", "de"])
def test_a_quota_to_edit_is_written_as_parse_reads_it_in_every_language(language):
    stored = f"{GIB * 3 // 2}S,1000C"
    with translation.override(language):
        typed = quota.as_input(stored)
        assert typed == "1.5 GB, 1000 messages"
        assert quota.parse(typed) == stored


def test_a_french_mailbox_page_saves_its_own_quota_unchanged(admin_a):  # noqa: F811
    from django.conf import settings

    from domains import services
    from domains.models import Mailbox
    from tests.conftest import ACTOR

    services.update_mailbox("john@example.org", actor=ACTOR, quota_text="1.5G")
    url = "/domains/mailboxes/john@example.org/"
    a_client = client_for(admin_a)
    a_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    initial = a_client.get(url).context["form"].initial["quota"]
    response = a_client.post(url, {"name": "John", "quota": initial})
    assert response.status_code == 302
    assert Mailbox.objects.get(address="john@example.org").quota == "1610612736S"


@pytest.mark.parametrize(
    "size, typed",
    [
        (GIB * 3 // 2, "1.5 GB"),
        (1_288_490_189, "1288490189 B"),  # 1.2 GB would read back as 1,288,490,188
        (1536 * 1024**2 + 1024, "1572865 KB"),
        (1127, "1127 B"),
        (5 * 1024**4, "5 TB"),
    ],
)
def test_an_exact_quota_reads_back_as_the_same_bytes(size, typed):
    assert quota.as_input(f"{size}S", exact=True) == typed
    assert quota.parse(typed) == f"{size}S"
