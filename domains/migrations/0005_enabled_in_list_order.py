"""The disabled domains and mailboxes in the lists' order off one index each (enabled,
name), which also counts them; each new index is built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("domains", "0004_relay_settings"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="domain",
            index=models.Index(fields=["enabled", "domain"], name="domains_enabled_idx"),
        ),
        migrations.AddIndex(
            model_name="mailbox",
            index=models.Index(fields=["enabled", "address"], name="users_enabled_id_idx"),
        ),
        migrations.RemoveIndex(
            model_name="mailbox",
            name="users_enabled_idx",
        ),
    ]
