import datetime
import itertools

import factory

from kechuang.engines import uscc
from kechuang.registry import models

_serial = itertools.count(1)


def next_uscc(region: str = "330624") -> str:
    body = f"MA{next(_serial):06d}"
    return uscc.make("91", region, body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enterprise

    uscc = factory.LazyFunction(next_uscc)
    name = factory.Sequence(lambda n: f"新昌县测试{n:04d}精密机械有限公司")
    town_id = "330624002"
    industry_id = "3451"
    founded_on = datetime.date(2010, 5, 1)
    registered_capital = 5_000_000
    employees = 120
    size_class = "small"


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = "hnte"
    certificate_no = factory.Sequence(lambda n: f"GR2024330{n:05d}")
    issued_on = datetime.date(2024, 12, 1)


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.IndustryChain

    name = factory.Sequence(lambda n: f"产业链{n}")
    kind = "chain"


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Institution

    name = factory.Sequence(lambda n: f"新昌测试研究院{n}")
    kind = "new_rd"
    level = "county"
    region_id = "330624002"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Person

    name = factory.Sequence(lambda n: f"张{n}")
    kind = "expert"
    region_id = "330624002"
    phone = "13812341234"
    id_number = "330624198001010013"


class ScaleRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScaleRecord

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    is_above_scale = True
