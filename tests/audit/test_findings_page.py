"""The findings page: every finding with a link to fix it, limited to the admin's domains."""

import pytest

from aliases import services as alias_services
from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from tests.conftest import ACTOR


@pytest.fixture
def broken(two_domains):
    alias_services.create_alias("x@example.org", "nobody@example.org", actor=ACTOR)
    alias_services.create_alias("y@other.org", "nobody@other.org", actor=ACTOR)
    Mailbox.objects.filter(address="mary@other.org").update(crypt=GUIDE_DEFAULT_CRYPT)


def shown(client, query: str = "") -> set[tuple[str, str]]:
    response = client.get(f"/audit/findings/{query}")
    assert response.status_code == 200
    return {(f.kind, f.object_id) for f in response.context["page"].object_list}


def test_a_superuser_sees_every_finding_with_a_fix_link(su_client, broken):
    response = su_client.get("/audit/findings/")
    assert {("dead-end", "x@example.org"), ("dead-end", "y@other.org")} <= shown(su_client)
    assert ("default-password", "mary@other.org") in shown(su_client)
    assert b'href="/aliases/x@example.org/"' in response.content
    assert b'href="/domains/mailboxes/mary@other.org/password/"' in response.content
    assert b'Alias map style assumed: <strong translate="no">guide</strong>' in response.content


def test_a_domain_admin_sees_only_its_domains(a_client, b_client, broken):
    assert {o for _, o in shown(a_client)} <= {"x@example.org", "example.org"}
    assert ("dead-end", "x@example.org") in shown(a_client)
    assert ("default-password", "mary@other.org") in shown(b_client)
    assert ("dead-end", "x@example.org") not in shown(b_client)


def test_filters_by_level_kind_and_domain(su_client, broken):
    assert shown(su_client, "?kind=dead-end&domain=other.org") == {("dead-end", "y@other.org")}
    levels = {f.level for f in su_client.get("/audit/findings/?level=warning").context["page"]}
    assert levels == {"warning"}


def test_fixing_a_finding_removes_it_from_the_page(su_client, broken):
    services.create_mailbox("nobody@example.org", "Mailbox-Secret-2024", actor=ACTOR)
    assert ("dead-end", "x@example.org") not in shown(su_client)
