"""The guide's `aliases` table exactly as its CREATE TABLE makes it.

On a database that already has it, nothing is done: 0002 extends it compatibly.
"""

from django.db import migrations, models

from mailadmin.migration_operations import CreateGuideTable


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        CreateGuideTable(
            name="Alias",
            fields=[
                ("pkid", models.SmallAutoField(primary_key=True, serialize=False)),
                ("mail", models.CharField(db_default="", max_length=120, unique=True)),
                ("destination", models.CharField(db_default="", max_length=120)),
                ("enabled", models.BooleanField(db_default=True, default=True)),
            ],
            options={"db_table": "aliases", "ordering": ["mail"]},
        ),
    ]
