from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from domains.demo import DEMO_PASSWORD, MAILBOXES, load_guide_example

DEMO_ADMIN = ("admin", "demo-Admin-2024")


class Command(BaseCommand):
    help = "Load the guide's example domains, mailboxes and aliases and a demo superuser."

    def handle(self, *args, **options):
        if load_guide_example():
            self.stdout.write("Loaded the guide's example: blobber.org, whopper.nu, lala.com.")
        else:
            self.stdout.write("The guide's example data is already loaded.")
        username, password = DEMO_ADMIN
        if not User.objects.filter(username=username).exists():
            User.objects.create_superuser(username, "", password)
        mailboxes = ", ".join(address for address, _ in MAILBOXES)
        self.stdout.write(
            f"\n  Demo superuser:   {username} / {password}\n"
            f"  Demo mailboxes:   {mailboxes}\n"
            f"  Mailbox password: {DEMO_PASSWORD}\n"
        )
