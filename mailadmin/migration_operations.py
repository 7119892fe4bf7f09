"""Migration operations for adopting a database that already holds the guide's tables."""

from django.db import migrations


class CreateGuideTable(migrations.CreateModel):
    """CreateModel that leaves an existing table (and its rows) alone.

    A postmaster who followed the guide already has `domains`, `aliases` and `users`: the
    panel takes them over as they are, and later migrations extend them compatibly.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        existing = schema_editor.connection.introspection.table_names()
        if model._meta.db_table in existing:
            return
        super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # Never drop the mail servers' tables when unapplying.
        return

    def describe(self):
        return f"Create model {self.name} unless the guide's table already exists"
