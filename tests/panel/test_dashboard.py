from tests.panel.conftest import client_for, large_tables


def counts(response) -> dict:
    return {t.label: (t.total, t.disabled) for t in response.context["counts"]}


def test_the_superuser_sees_every_domain_mailbox_and_alias(su_client):
    response = su_client.get("/")
    assert counts(response) == {"Domains": (2, 0), "Mailboxes": (2, 0), "Aliases": (5, 0)}


def test_a_domain_admin_counts_only_its_own_domains(a_client):
    response = a_client.get("/")
    assert counts(response) == {"Domains": (1, 0), "Mailboxes": (1, 0), "Aliases": (3, 0)}


def test_disabled_objects_are_counted_apart(a_client):
    a_client.post("/domains/mailboxes/john@example.org/disable/")
    # the mailbox and its own alias row
    assert counts(a_client.get("/")) == {
        "Domains": (1, 0),
        "Mailboxes": (1, 1),
        "Aliases": (3, 1),
    }


def test_recent_changes_of_other_domains_stay_hidden(admin_a, b_client):
    b_client.post("/aliases/info@other.org/disable/")
    seen_by_a = [e.object_id for e in client_for(admin_a).get("/").context["recent"]]
    seen_by_b = [e.object_id for e in b_client.get("/").context["recent"]]
    assert "info@other.org" not in seen_by_a
    assert seen_by_b[0] == "info@other.org"


def test_the_dashboard_links_into_each_list(a_client):
    html = a_client.get("/").content.decode()
    for url in ('href="/domains/"', 'href="/domains/mailboxes/"', 'href="/aliases/"'):
        assert url in html


def test_a_large_table_shows_the_server_s_estimate(su_client, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.table_estimates", large_tables)
    response = su_client.get("/")
    assert counts(response)["Aliases"] == (1_234_567, 0)
    assert all(t.estimated for t in response.context["counts"])
    assert "≈" in response.content.decode()


def test_a_large_table_counts_its_disabled_rows_up_to_the_bound_only(su_client, monkeypatch):
    monkeypatch.setattr("mailadmin.pagination.table_estimates", large_tables)
    monkeypatch.setattr("mailadmin.pagination.BOUND", 1)
    monkeypatch.setattr("mailadmin.views.BOUND", 1)
    su_client.post("/aliases/info@other.org/disable/")
    su_client.post("/aliases/sales@example.org/disable/")
    response = su_client.get("/")
    aliases = response.context["counts"][2]
    assert aliases.disabled_truncated and not response.context["counts"][1].disabled_truncated
    html = response.content.decode()
    assert "more than 1 disabled" in html
