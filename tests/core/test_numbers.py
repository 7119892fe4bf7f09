"""number_maker formats a table's counts exactly as Django's localize does."""

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.formats import localize

from domains.templatetags.mail_tags import number_maker

NUMBERS = [0, 7, 999, 1000, 12345, 1234567, -4321]


@pytest.mark.parametrize("language", ["en", "fr", "de"])
@pytest.mark.parametrize("grouping", [False, True])
def test_it_formats_counts_as_localize_does(language, grouping):
    with override_settings(USE_THOUSAND_SEPARATOR=grouping), translation.override(language):
        number = number_maker()
        assert [number(n) for n in NUMBERS] == [localize(n) for n in NUMBERS]
