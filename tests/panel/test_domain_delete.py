from accounts.models import DomainAssignment
from aliases.models import Alias
from domains.models import Domain, Mailbox


def test_the_confirmation_page_says_what_goes_with_the_domain(su_client):
    html = su_client.get("/domains/example.org/delete/").content.decode()
    assert "<strong>1 mailbox</strong>" in html
    assert "<strong>3 aliases</strong>" in html
    assert Domain.objects.filter(domain="example.org").exists()


def test_deleting_removes_the_domain_with_its_mailboxes_aliases_and_admin_rights(
    su_client, admin_a
):
    response = su_client.post("/domains/example.org/delete/")
    assert response.url == "/domains/"
    assert not Domain.objects.filter(domain="example.org").exists()
    assert not Mailbox.objects.filter(domain_name="example.org").exists()
    assert not Alias.objects.filter(domain_name="example.org").exists()
    assert not DomainAssignment.objects.filter(user=admin_a).exists()
    assert Mailbox.objects.filter(domain_name="other.org").exists()
    html = su_client.get(response.url).content.decode()
    assert "removed with 1 mailbox and 3 aliases" in html
