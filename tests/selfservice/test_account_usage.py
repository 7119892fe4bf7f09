from django.utils import timezone

from usage.models import MailboxUsage


def test_the_owner_sees_how_full_their_mailbox_is(mailbox_client, mailbox):
    MailboxUsage.objects.create(
        mailbox_id=mailbox.address,
        bytes=1024**3,
        messages=12,
        source="maildirsize",
        fill=500,
        measured_at=timezone.now(),
    )
    html = mailbox_client.get("/account/").content.decode()
    assert "1 GB of 2 GB, 12 messages (50%)" in html


def test_the_owner_is_told_when_nothing_was_measured(mailbox_client):
    assert "not measured" in mailbox_client.get("/account/").content.decode()
