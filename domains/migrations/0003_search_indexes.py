"""Indexes for prefix search (destination, name) and the dashboard's disabled counts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("domains", "0002_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mailbox",
            index=models.Index(fields=["name"], name="users_name_idx"),
        ),
        migrations.AddIndex(
            model_name="mailbox",
            index=models.Index(fields=["enabled"], name="users_enabled_idx"),
        ),
    ]
