import pytest

from domains import services

PASSWORD = "Mailbox-Secret-2024"
ANN = "ann@example.org"


@pytest.fixture
def mailboxes(db, actor):
    services.create_domain("example.org", actor=actor)
    services.create_domain("other.org", actor=actor)
    for address in (ANN, "bob@example.org", "mary@other.org"):
        services.create_mailbox(address, PASSWORD, actor=actor, name=address[:3].title())
