"""The audit pages on a large database (audit.scale.is_large): stored findings reports, the
"Run checks now" button, `mail check --save`, prefix search, and the domain text box."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aliases import services as alias_services
from aliases.models import Alias
from audit.findings.store import run_and_save
from audit.models import FindingsReport, StoredFinding
from domains import services
from domains.models import GUIDE_DEFAULT_CRYPT, Mailbox
from tests.audit.conftest import client_for, staff
from tests.conftest import ACTOR


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr("audit.views.is_large", lambda: True)


@pytest.fixture
def broken(two_domains):
    alias_services.create_alias("x@example.org", "nobody@example.org", actor=ACTOR)
    alias_services.create_alias("y@other.org", "nobody@other.org", actor=ACTOR)
    Mailbox.objects.filter(address="mary@other.org").update(crypt=GUIDE_DEFAULT_CRYPT)


def shown(client, query: str = "") -> set[tuple[str, str]]:
    response = client.get(f"/audit/findings/{query}")
    assert response.status_code == 200
    return {(f.kind, f.object_id) for f in response.context["page"].object_list}


def test_without_a_stored_report_the_page_says_so_and_runs_nothing(su_client, broken, large):
    response = su_client.get("/audit/findings/")
    assert response.context["stored"] is None
    assert b"no report has been stored yet" in response.content
    assert b'id="run-checks"' in response.content
    assert shown(su_client) == set()


def test_run_checks_now_stores_the_report_the_page_then_shows(su_client, broken, large):
    response = su_client.post("/audit/findings/run/")
    assert response.status_code == 302
    report = FindingsReport.objects.get()
    assert report.actor == "root" and report.errors >= 2
    assert {("dead-end", "x@example.org"), ("dead-end", "y@other.org")} <= shown(su_client)
    assert ("default-password", "mary@other.org") in shown(su_client)
    page = su_client.get("/audit/findings/")
    assert b'href="/aliases/x@example.org/"' in page.content
    assert page.context["report"].errors == report.errors
    assert b'Alias map style assumed: <strong translate="no">guide</strong>' in page.content


def test_a_domain_admin_sees_the_stored_rows_of_its_domains_only(a_client, broken, large):
    with pytest.raises(CommandError):  # errors exist: exit 1, the report is stored anyway
        call_command("mail", "check", "--save", stdout=io.StringIO())
    assert {o for _, o in shown(a_client)} <= {"x@example.org", "example.org"}
    assert ("dead-end", "x@example.org") in shown(a_client)
    response = a_client.get("/audit/findings/")
    assert b'id="run-checks"' not in response.content
    assert response.context["report"].errors == 1  # x@example.org; y@ and mary@ are other.org's
    assert a_client.get("/audit/findings/?domain=other.org").status_code == 404


def test_filters_apply_to_the_stored_rows(su_client, broken, large):
    su_client.post("/audit/findings/run/")
    assert shown(su_client, "?kind=dead-end&domain=other.org") == {("dead-end", "y@other.org")}
    levels = {f.level for f in su_client.get("/audit/findings/?level=warning").context["page"]}
    assert levels == {"warning"}


def test_a_change_after_the_report_shows_a_banner_until_the_next_run(su_client, broken, large):
    su_client.post("/audit/findings/run/")
    assert b'id="stale-report"' not in su_client.get("/audit/findings/").content
    services.create_mailbox("nobody@example.org", "Mailbox-Secret-2024", actor=ACTOR)
    assert b'id="stale-report"' in su_client.get("/audit/findings/").content
    assert ("dead-end", "x@example.org") in shown(su_client)  # the stored report, as it was
    su_client.post("/audit/findings/run/")
    assert b'id="stale-report"' not in su_client.get("/audit/findings/").content
    assert ("dead-end", "x@example.org") not in shown(su_client)


def test_only_the_two_newest_reports_are_kept(su_client, broken, large):
    for _ in range(4):
        su_client.post("/audit/findings/run/")
    assert FindingsReport.objects.count() == 2
    newest = FindingsReport.objects.order_by("-id").first()
    assert set(StoredFinding.objects.values_list("report", flat=True)) <= {
        r.pk for r in FindingsReport.objects.all()
    }
    assert shown(su_client) == {
        (f.kind, f.object_id) for f in StoredFinding.objects.filter(report=newest)
    }


def test_mail_check_save_stores_a_report_and_keeps_its_exit_code(broken):
    with pytest.raises(CommandError) as error:
        call_command("mail", "check", "--save", stdout=io.StringIO())
    assert error.value.returncode == 1
    report = FindingsReport.objects.get()
    assert report.actor.startswith("cli:") and report.errors >= 2
    assert StoredFinding.objects.filter(report=report, kind="dead-end").count() >= 2


def test_mail_check_save_refuses_a_domain_subset(broken):
    with pytest.raises(CommandError, match="whole database"):
        call_command("mail", "check", "--save", "--domain", "example.org")
    assert not FindingsReport.objects.exists()


# --- alias audit ---------------------------------------------------------------------------------
@pytest.fixture
def forwards(two_domains):
    alias_services.create_alias("out@example.org", "x@elsewhere.net", actor=ACTOR)


def listed(client, query: str) -> list[str]:
    response = client.get(f"/audit/{query}")
    assert response.status_code == 200
    return [a.mail for a in response.context["rows"]]


def test_a_large_database_searches_by_prefix(su_client, forwards, large):
    response = su_client.get("/audit/?q=elsewhere")
    assert response.context["rows"] == [] and b'id="prefix-search"' in response.content
    assert listed(su_client, "?q=x@else") == ["out@example.org"]  # the destination's start
    assert listed(su_client, "?q=OUT") == ["out@example.org"]  # the alias' start
    assert listed(su_client, "?q=other") == ["info@other.org", "mary@other.org"]  # its domain


def test_within_one_domain_a_large_database_still_searches_anywhere(su_client, forwards, large):
    response = su_client.get("/audit/?q=elsewhere&domain=example.org")
    assert [a.mail for a in response.context["rows"]] == ["out@example.org"]
    assert b'id="prefix-search"' not in response.content


def test_many_domains_get_a_text_box_checked_against_the_scope(two_domains):
    for n in range(55):
        services.create_domain(f"d{n:02}.example", actor=ACTOR)
    superuser = client_for(staff("root", superuser=True))
    form = superuser.get("/audit/").context["form"]
    assert not form.domain_select
    assert 'name="domain"' in str(form["domain"]) and "<select" not in str(form["domain"])
    assert listed(superuser, "?domain=OTHER.org") == ["info@other.org", "mary@other.org"]
    assert superuser.get("/audit/?domain=missing.org").status_code == 404
    assert superuser.get("/audit/history/?domain=d07.example").status_code == 200
    admin = client_for(staff("alice", domains=("example.org",)))
    assert admin.get("/audit/?domain=d07.example").status_code == 404
    assert admin.get("/audit/").context["form"].domain_select


STORED_PAGES = [
    "/audit/findings/",
    "/audit/findings/?level=warning&kind=role-address&page=2",
    "/audit/findings/?domain=example.org",
]


@pytest.mark.parametrize("superuser", [True, False])
def test_the_stored_findings_page_costs_the_same_at_10_and_10000_aliases(
    two_domains, large, superuser
):
    from tests.audit.test_query_counts import seed

    user = staff("root", superuser=superuser, domains=() if superuser else ("example.org",))
    client = client_for(user)

    def counts() -> list[int]:
        run_and_save("tester")
        result = []
        for url in STORED_PAGES:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries.captured_queries))
        return result

    seed(10)
    small = counts()
    Alias.objects.filter(mail__startswith="a").delete()
    seed(10_000)
    assert counts() == small


def test_sorting_a_computed_value_waits_until_few_aliases_match(su_client, two_domains):
    Alias.objects.bulk_create(
        (Alias(mail=f"b{n:05}@example.org", destination="john@example.org") for n in range(10_001)),
        batch_size=2000,
    )
    response = su_client.get("/audit/?sort=-kind")
    assert response.context["sort_refused"] and b'id="sort-refused"' in response.content
    mails = [a.mail for a in response.context["rows"]]
    assert mails == sorted(mails)  # by alias, read off its index
    assert b'id="truncated"' in response.content
    narrowed = su_client.get("/audit/?sort=-kind&domain=other.org")
    assert not narrowed.context["sort_refused"]
    assert [a.kind_value for a in narrowed.context["rows"]] == ["self", "forward"]
