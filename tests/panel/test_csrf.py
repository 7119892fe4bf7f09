"""Every state change needs the CSRF token; without it nothing is written."""

import pytest
from django.test import Client

from tests.panel.test_permission_matrix import POSTS, snapshot


@pytest.mark.parametrize("entry", POSTS, ids=[entry[1] for entry in POSTS])
def test_a_post_without_the_csrf_token_is_refused(superuser, admin_a, entry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    before = snapshot()
    response = client.post(entry[1].format(alice=admin_a.pk), entry[2])
    assert response.status_code == 403
    assert snapshot() == before


def test_forms_carry_the_csrf_token(su_client):
    for url in ("/domains/add/", "/domains/example.org/", "/aliases/add/", "/admins/add/"):
        assert 'name="csrfmiddlewaretoken"' in su_client.get(url).content.decode()
