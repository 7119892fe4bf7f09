from aliases.models import Alias


def test_the_confirmation_page_names_the_alias(a_client):
    html = a_client.get("/aliases/@example.org/delete/").content.decode()
    assert "Mail for unknown addresses of example.org will be refused." in html
    assert Alias.objects.filter(mail="@example.org").exists()


def test_an_alias_is_removed_after_confirmation(a_client):
    response = a_client.post("/aliases/sales@example.org/delete/")
    assert response.url == "/domains/example.org/"
    assert not Alias.objects.filter(mail="sales@example.org").exists()


def test_a_mailbox_row_only_goes_with_its_mailbox(a_client):
    page = a_client.get("/aliases/john@example.org/delete/").content.decode()
    assert "Delete the mailbox" in page and "Delete the alias" not in page
    response = a_client.post("/aliases/john@example.org/delete/", follow=True)
    assert "it follows its mailbox" in response.content.decode()
    assert Alias.objects.filter(mail="john@example.org").exists()
