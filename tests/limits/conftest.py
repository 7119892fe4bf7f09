"""A domain with limits: example.org may hold 2 mailboxes, 1 alias, 1 GB per mailbox and
1.5 GB in all; it has john (500 MB) and a forward, sales."""

import pytest

from aliases import services as alias_services
from domains import services
from limits.services import set_limits
from tests.conftest import ACTOR
from tests.panel.conftest import (  # noqa: F401 - fixtures
    a_client,
    admin_a,
    mail_data,
    su_client,
    superuser,
)

PASSWORD = "Quite-a-long-pass-1"


@pytest.fixture
def limited(db):
    services.create_domain("example.org", actor=ACTOR)
    services.create_domain("other.org", actor=ACTOR)
    services.create_mailbox("john@example.org", PASSWORD, actor=ACTOR, quota_text="500M")
    alias_services.create_alias("sales@example.org", "john@example.org", actor=ACTOR)
    set_limits(
        "example.org",
        actor=ACTOR,
        mailboxes="2",
        aliases="1",
        max_quota="1G",
        total_quota="1536M",
    )
