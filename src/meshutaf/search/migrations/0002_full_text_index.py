"""The engine-specific full-text index over SearchEntry.terms (see search/engine.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from meshutaf.search import engine

    engine.install(schema_editor)


def backwards(apps, schema_editor):
    from meshutaf.search import engine

    engine.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
