from aliases.models import Alias


def test_a_catch_all_is_disabled_and_enabled(a_client):
    response = a_client.post("/aliases/@example.org/disable/")
    assert response.url == "/domains/example.org/"
    assert not Alias.objects.get(mail="@example.org").enabled
    a_client.post("/aliases/@example.org/enable/")
    assert Alias.objects.get(mail="@example.org").enabled


def test_a_mailbox_row_cannot_be_disabled_on_its_own(a_client):
    response = a_client.post("/aliases/john@example.org/disable/", follow=True)
    assert "it follows its mailbox" in response.content.decode()
    assert Alias.objects.get(mail="john@example.org").enabled
