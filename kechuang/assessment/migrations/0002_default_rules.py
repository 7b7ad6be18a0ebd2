"""The shipped rule versions (RULES.md §1–§2): 高企 2016 and 科小 2017."""

from django.db import migrations


def add_defaults(apps, schema_editor):
    from kechuang.engines.recognition import rules as rule_sets

    RecognitionRules = apps.get_model("assessment", "RecognitionRules")
    for versions in rule_sets.DEFAULTS.values():
        for rules in versions:
            RecognitionRules.objects.get_or_create(
                code=rules.code,
                version=rules.version,
                defaults={
                    "title": rules.title,
                    "effective_from": rules.effective_from,
                    "effective_to": rules.effective_to,
                    "rules": rule_sets.to_dict(rules),
                    "note": "国家现行认定条件（见 RULES.md 第1、2节）",
                },
            )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
