from aliases import services as alias_services
from aliases.models import Alias
from domains.models import Mailbox
from tests.conftest import ACTOR

URL = "/domains/mailboxes/john@example.org/delete/"


def test_the_confirmation_lists_the_alias_rows_that_go_with_it(a_client):
    alias_services.create_alias("team@example.org", "john@example.org,x@gmail.com", actor=ACTOR)
    response = a_client.get(URL)
    listed = [a.mail for a in response.context["aliases"]]
    assert listed == ["john@example.org", "@example.org", "sales@example.org", "team@example.org"]
    assert "(that alias is removed)" in response.content.decode()
    assert Mailbox.objects.filter(address="john@example.org").exists()


def test_deleting_removes_the_mailbox_and_drops_it_from_forwards(a_client):
    alias_services.create_alias("team@example.org", "john@example.org,x@gmail.com", actor=ACTOR)
    response = a_client.post(URL)
    assert response.url == "/domains/example.org/"
    assert not Mailbox.objects.filter(address="john@example.org").exists()
    assert Alias.objects.get(mail="team@example.org").destination == "x@gmail.com"
    assert not Alias.objects.filter(mail__in=["john@example.org", "sales@example.org"]).exists()
