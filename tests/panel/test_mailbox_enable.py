from aliases.models import Alias
from domains.models import Mailbox


def test_disabling_a_mailbox_disables_its_own_alias_row_too(a_client):
    response = a_client.post("/domains/mailboxes/john@example.org/disable/")
    assert response.url == "/domains/example.org/"
    assert not Mailbox.objects.get(address="john@example.org").enabled
    assert not Alias.objects.get(mail="john@example.org").enabled
    a_client.post("/domains/mailboxes/john@example.org/enable/")
    assert Mailbox.objects.get(address="john@example.org").enabled
    assert Alias.objects.get(mail="john@example.org").enabled


def test_another_domains_admin_gets_a_404(b_client):
    assert b_client.post("/domains/mailboxes/john@example.org/disable/").status_code == 404
    assert Mailbox.objects.get(address="john@example.org").enabled
