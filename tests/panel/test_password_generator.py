"""The password generator's block: a static script, no inline script, hidden until it runs."""

import pytest

PAGES = ["/domains/example.org/mailboxes/add/", "/domains/mailboxes/john@example.org/password/"]


@pytest.mark.parametrize("url", PAGES)
def test_the_forms_load_the_generator_from_a_static_file(a_client, mail_data, url):
    page = a_client.get(url).content.decode()
    assert '<script src="/static/js/password-generator.js" defer></script>' in page
    assert "<script>" not in page
    assert "data-password-generator hidden" in page


@pytest.mark.parametrize("url", PAGES)
def test_no_generator_for_another_domains_admin(b_client, mail_data, url):
    assert b_client.get(url).status_code == 404
