"""Indexes for prefix search (destination, name) and the dashboard's disabled counts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aliases", "0002_extensions"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="alias",
            index=models.Index(fields=["destination"], name="aliases_destination_idx"),
        ),
        migrations.AddIndex(
            model_name="alias",
            index=models.Index(fields=["enabled"], name="aliases_enabled_idx"),
        ),
    ]
