import re

from django.db import migrations, models

PREFIXED = re.compile(r"^(?:ZL|CN)(\d{8}\.[\dX]|\d{12}\.[\dX])$")


def drop_prefixes(apps, schema_editor):
    """Patent numbers are kept as application numbers (ZL is how a granted one is cited), so
    one patent is one number however it was typed."""
    ResultPatent = apps.get_model("techmarket", "ResultPatent")
    taken = set(ResultPatent.objects.values_list("result_id", "number"))
    for patent in ResultPatent.objects.filter(kind__in=("invention", "utility", "design")):
        found = PREFIXED.match(patent.number)
        if found is None or (patent.result_id, found.group(1)) in taken:
            continue
        patent.number = found.group(1)
        patent.save(update_fields=["number"])
        taken.add((patent.result_id, patent.number))


class Migration(migrations.Migration):
    dependencies = [("techmarket", "0003_broker_permission")]

    operations = [
        migrations.AlterConstraint(
            model_name="resultpatent",
            name="one_patent_number_per_result",
            constraint=models.UniqueConstraint(
                fields=("result", "number"),
                name="one_patent_number_per_result",
                violation_error_message="该成果已登记这一号码。",
            ),
        ),
        migrations.RunPython(drop_prefixes, migrations.RunPython.noop),
    ]
