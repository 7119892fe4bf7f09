"""Compatible extensions of the guide's tables: wider keys, unique domains, and an indexed
domain column derived from each address so per-domain lists are index ranges.
"""

import django.db.models.expressions
import django.db.models.functions.text
from django.db import migrations, models


def refuse_duplicate_domains(apps, schema_editor):
    """Stop, changing nothing, if the adopted `domains` table lists a domain twice."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT LOWER(domain), COUNT(*) FROM domains GROUP BY LOWER(domain) HAVING COUNT(*) > 1"
        )
        duplicates = [f"{name} ({count} rows)" for name, count in cursor.fetchall()]
    if duplicates:
        raise RuntimeError(
            "Cannot adopt this database: domains listed more than once: "
            + ", ".join(duplicates)
            + ". Remove the extra rows from `domains`, then run migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("domains", "0001_guide_tables"),
    ]

    operations = [
        migrations.RunPython(refuse_duplicate_domains, migrations.RunPython.noop),
        migrations.AddField(
            model_name="mailbox",
            name="domain_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Substr(
                    models.F("address"),
                    django.db.models.expressions.CombinedExpression(
                        django.db.models.functions.text.StrIndex(
                            models.F("address"), models.Value("@")
                        ),
                        "+",
                        models.Value(1),
                    ),
                ),
                output_field=models.CharField(max_length=128),
            ),
        ),
        migrations.AlterField(
            model_name="domain",
            name="domain",
            field=models.CharField(db_default="", max_length=120, unique=True),
        ),
        migrations.AlterField(
            model_name="domain",
            name="pkid",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AddIndex(
            model_name="mailbox",
            index=models.Index(fields=["domain_name", "address"], name="users_domain_name_idx"),
        ),
    ]
