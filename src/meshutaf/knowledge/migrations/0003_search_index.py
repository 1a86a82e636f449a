"""The engine-specific full-text index over SearchEntry.terms (see knowledge/search.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from meshutaf.knowledge import search

    search.install(schema_editor)


def backwards(apps, schema_editor):
    from meshutaf.knowledge import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0002_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
