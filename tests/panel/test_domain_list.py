from domains import services
from domains.list_filters import PAGE_SIZE
from tests.conftest import ACTOR


def names(response) -> list[str]:
    return [d.domain for d in response.context["listing"].rows]


def test_a_superuser_lists_every_domain_with_its_counts(su_client):
    response = su_client.get("/domains/")
    rows = {d.domain: (d.mailbox_count, d.alias_count) for d in response.context["listing"].rows}
    assert rows == {"example.org": (1, 3), "other.org": (1, 2)}


def test_a_domain_admin_lists_only_its_domains(a_client):
    assert names(a_client.get("/domains/")) == ["example.org"]


def test_search_finds_a_domain_by_part_of_its_name(su_client):
    assert names(su_client.get("/domains/?q=OTHER")) == ["other.org"]


def test_sorting_by_alias_count_descending(su_client):
    assert names(su_client.get("/domains/?sort=-aliases")) == ["example.org", "other.org"]
    assert names(su_client.get("/domains/?sort=aliases")) == ["other.org", "example.org"]


def test_an_unknown_sort_or_page_falls_back_quietly(su_client):
    response = su_client.get("/domains/?sort=password&page=zzz")
    assert response.status_code == 200
    assert names(response) == ["example.org", "other.org"]


def test_long_lists_are_paginated(su_client):
    for n in range(PAGE_SIZE + 3):
        services.create_domain(f"d{n:03}.test", actor=ACTOR)
    first = su_client.get("/domains/")
    second = su_client.get("/domains/?page=2")
    assert len(names(first)) == PAGE_SIZE
    assert len(names(second)) == 5
    assert 'href="?page=2"' in first.content.decode()


def test_international_domains_are_shown_in_unicode_and_found_either_way(su_client):
    services.create_domain("bücher.example", actor=ACTOR)
    html = su_client.get("/domains/").content.decode()
    assert "bücher.example" in html
    assert names(su_client.get("/domains/?q=bücher")) == ["xn--bcher-kva.example"]
    assert names(su_client.get("/domains/?q=xn--bcher")) == ["xn--bcher-kva.example"]


def test_the_state_filter_shows_disabled_domains(su_client):
    su_client.post("/domains/other.org/disable/")
    assert names(su_client.get("/domains/?state=disabled")) == ["other.org"]
    assert names(su_client.get("/domains/?state=enabled")) == ["example.org"]
