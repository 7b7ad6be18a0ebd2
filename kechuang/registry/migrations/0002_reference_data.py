from django.db import migrations

from kechuang.registry.reference import load_industries, load_regions


def load(apps, schema_editor):
    load_regions(apps.get_model("registry", "Region"))
    load_industries(apps.get_model("registry", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
