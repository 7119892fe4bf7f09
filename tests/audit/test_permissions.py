"""Every audit URL × every role: anonymous, non-staff, admin of other.org (B), admin of
example.org (A), superuser. The audit pages never change anything: a POST is a 405. The one
exception, "Run checks now", is a superuser's POST that stores a findings report and changes
nothing else."""

import pytest
from django.contrib.auth.models import User
from django.urls import get_resolver, reverse

from aliases.models import Alias
from audit.models import AuditEntry, FindingsReport
from tests.audit.conftest import PASSWORD, client_for, staff

ROLES = ["anonymous", "non_staff", "admin_b", "admin_a", "superuser"]
LOGIN = "login"
STAFF = (LOGIN, 403, 200, 200, 200)
SCOPED = (LOGIN, 403, 404, 200, 200)  # names an example.org object
POST_ONLY = (LOGIN, 405, 405, 405, 405)
RUN_CHECKS = "/audit/findings/run/"

URLS = [
    ("/audit/", STAFF),
    ("/audit/?state=disabled&kind=forward&locality=local&sort=-state&q=x", STAFF),
    ("/audit/?domain=example.org", SCOPED),
    ("/audit/aliases.csv", STAFF),
    ("/audit/aliases.csv?domain=example.org", SCOPED),
    ("/audit/findings/", STAFF),
    ("/audit/findings/?domain=example.org&level=error", SCOPED),
    ("/audit/trace/", STAFF),
    ("/audit/trace/?address=john@example.org", SCOPED),
    ("/audit/history/", STAFF),
    ("/audit/history/?domain=example.org", SCOPED),
    ("/audit/history.csv", STAFF),
    ("/audit/history.csv?domain=example.org", SCOPED),
    (RUN_CHECKS, POST_ONLY),
]


@pytest.fixture
def clients(two_domains):
    return {
        "anonymous": client_for(None),
        "non_staff": client_for(User.objects.create_user("eve", password=PASSWORD)),
        "admin_b": client_for(staff("bob", domains=("other.org",))),
        "admin_a": client_for(staff("alice", domains=("example.org",))),
        "superuser": client_for(staff("root", superuser=True)),
    }


@pytest.mark.parametrize(("url", "expected"), URLS)
def test_each_role_gets_the_expected_status(clients, url, expected):
    for role, want in zip(ROLES, expected, strict=True):
        response = clients[role].get(url)
        if want == LOGIN:
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith("/login/"), (role, url)
        else:
            assert response.status_code == want, (role, url, response.status_code)


@pytest.mark.parametrize("url", [u for u, _ in URLS if "?" not in u and u != RUN_CHECKS])
def test_the_audit_pages_refuse_to_change_anything(clients, url):
    aliases, entries = Alias.objects.count(), AuditEntry.objects.count()
    for role in ("admin_a", "superuser"):
        assert clients[role].post(url, {"id": "1"}).status_code == 405
        assert clients[role].delete(url).status_code == 405
    assert (Alias.objects.count(), AuditEntry.objects.count()) == (aliases, entries)


def test_the_matrix_covers_every_audit_url():
    resolver = next(
        r for r in get_resolver().url_patterns if getattr(r, "namespace", "") == "audit"
    )
    names = {f"audit:{p.name}" for p in resolver.url_patterns}
    covered = {u.split("?")[0] for u, _ in URLS}
    assert {reverse(name) for name in names} == covered


def test_only_a_superuser_runs_the_checks_and_they_store_a_report_only(clients):
    aliases, entries = Alias.objects.count(), AuditEntry.objects.count()
    expected = (LOGIN, 403, 403, 403, 302)
    for role, want in zip(ROLES, expected, strict=True):
        response = clients[role].post(RUN_CHECKS)
        if want == LOGIN:
            assert response["Location"].startswith("/login/"), role
        else:
            assert response.status_code == want, (role, response.status_code)
    assert response["Location"] == "/audit/findings/"
    assert FindingsReport.objects.count() == 1
    assert (Alias.objects.count(), AuditEntry.objects.count()) == (aliases, entries)
