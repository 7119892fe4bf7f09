"""The guide's `domains` and `users` tables exactly as its CREATE TABLE makes them.

On a database that already has them, nothing is done: 0002 extends them compatibly.
"""

from django.db import migrations, models

import mailadmin.fields
from mailadmin.migration_operations import CreateGuideTable


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        CreateGuideTable(
            name="Domain",
            fields=[
                ("pkid", models.SmallAutoField(primary_key=True, serialize=False)),
                ("domain", models.CharField(db_default="", max_length=120)),
                (
                    "transport",
                    models.CharField(db_default="virtual:", default="virtual:", max_length=120),
                ),
                ("enabled", models.BooleanField(db_default=True, default=True)),
            ],
            options={"db_table": "domains", "ordering": ["domain"]},
        ),
        CreateGuideTable(
            name="Mailbox",
            fields=[
                (
                    "address",
                    models.CharField(
                        db_column="id",
                        db_default="",
                        max_length=128,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                ("name", models.CharField(blank=True, db_default="", default="", max_length=128)),
                ("uid", models.PositiveSmallIntegerField(db_default=5000, default=5000)),
                ("gid", models.PositiveSmallIntegerField(db_default=5000, default=5000)),
                (
                    "home",
                    models.CharField(
                        db_default="/var/spool/mail/virtual",
                        default="/var/spool/mail/virtual",
                        max_length=255,
                    ),
                ),
                ("maildir", models.CharField(db_default="blah/", default="blah/", max_length=255)),
                (
                    "enabled",
                    mailadmin.fields.UnsignedTinyBooleanField(db_default=True, default=True),
                ),
                (
                    "change_password",
                    mailadmin.fields.UnsignedTinyBooleanField(db_default=True, default=True),
                ),
                ("clear", models.CharField(db_default="ChangeMe", default="", max_length=128)),
                ("crypt", models.CharField(db_default="sdtrusfX0Jj66", max_length=128)),
                ("quota", models.CharField(blank=True, db_default="", default="", max_length=255)),
                (
                    "procmailrc",
                    models.CharField(blank=True, db_default="", default="", max_length=128),
                ),
                (
                    "spamassassinrc",
                    models.CharField(blank=True, db_default="", default="", max_length=128),
                ),
            ],
            options={"db_table": "users", "ordering": ["address"]},
        ),
    ]
