"""Compatible extensions of the guide's `aliases`: a pkid for millions of rows and an
indexed domain column derived from `mail`.
"""

import django.db.models.expressions
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("aliases", "0001_guide_tables"),
    ]

    operations = [
        migrations.AddField(
            model_name="alias",
            name="domain_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Substr(
                    models.F("mail"),
                    django.db.models.expressions.CombinedExpression(
                        django.db.models.functions.text.StrIndex(
                            models.F("mail"), models.Value("@")
                        ),
                        "+",
                        models.Value(1),
                    ),
                ),
                output_field=models.CharField(max_length=120),
            ),
        ),
        migrations.AlterField(
            model_name="alias",
            name="pkid",
            field=models.BigAutoField(primary_key=True, serialize=False),
        ),
        migrations.AddIndex(
            model_name="alias",
            index=models.Index(fields=["domain_name", "mail"], name="aliases_domain_name_idx"),
        ),
    ]
