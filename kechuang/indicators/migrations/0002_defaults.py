"""The shipped indicator catalog, default index framework and the seed's peers."""

import datetime

from django.conf import settings
from django.db import migrations


def add_defaults(apps, schema_editor):
    from kechuang.indicators import defaults

    Indicator = apps.get_model("indicators", "Indicator")
    IndexFramework = apps.get_model("indicators", "IndexFramework")
    PeerSet = apps.get_model("indicators", "PeerSet")
    Region = apps.get_model("registry", "Region")
    for position, (code, name, unit, direction, kind, definition, source, decimals, extra) in enumerate(
        defaults.CATALOG, start=1
    ):
        Indicator.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                unit=unit,
                direction=direction,
                kind=kind,
                definition=definition,
                source_hint=source,
                decimals=decimals,
                position=position,
                calculator=extra.get("calculator", ""),
                scale=extra.get("scale", 1),
            ),
        )
    for code, name, *_rest, extra in defaults.CATALOG:
        if "numerator" in extra:
            Indicator.objects.filter(code=code).update(
                numerator=Indicator.objects.get(code=extra["numerator"]),
                denominator=Indicator.objects.get(code=extra["denominator"]),
            )
    IndexFramework.objects.get_or_create(
        version=defaults.FRAMEWORK_VERSION,
        defaults=dict(
            title=defaults.FRAMEWORK_TITLE,
            effective_from=datetime.date(2015, 1, 1),
            elements=defaults.framework_rows(),
            methods={},
            note="按省科技进步统计监测的五个领域，由种子文件和监测报告点名的指标组成；权重相等。",
        ),
    )
    home = Region.objects.filter(code=settings.HOME_REGION_CODE).first()
    if home is not None and not PeerSet.objects.filter(home=home).exists():
        peers = PeerSet.objects.create(home=home)
        peers.members.set(Region.objects.filter(code__in=defaults.DEFAULT_PEERS))


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial"), ("registry", "0002_reference_data")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
