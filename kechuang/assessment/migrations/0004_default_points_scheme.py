"""The default 企业创新积分 scheme, for the bureau to revise."""

from django.db import migrations


def add_default(apps, schema_editor):
    from kechuang.engines.recognition import points

    PointsScheme = apps.get_model("assessment", "PointsScheme")
    scheme = points.DEFAULT_SCHEME
    PointsScheme.objects.get_or_create(
        version=scheme.version,
        defaults={
            "effective_from": scheme.effective_from,
            "scheme": points.scheme_to_dict(scheme),
            "note": "指标分组参照企业创新积分制（技术创新、成长经营），权重为县默认值",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0003_policies_points_flags")]

    operations = [migrations.RunPython(add_default, migrations.RunPython.noop)]
