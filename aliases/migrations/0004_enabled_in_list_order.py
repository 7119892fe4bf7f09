"""The disabled aliases in the list's order off one index (enabled, mail), which also
counts them; the new index is built before the old one goes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aliases", "0003_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="alias",
            index=models.Index(fields=["enabled", "mail"], name="aliases_enabled_mail_idx"),
        ),
        migrations.RemoveIndex(
            model_name="alias",
            name="aliases_enabled_idx",
        ),
    ]
