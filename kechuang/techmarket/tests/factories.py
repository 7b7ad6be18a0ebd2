import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from kechuang.registry.tests.factories import EnterpriseFactory, InstitutionFactory, PersonFactory
from kechuang.techmarket import choices, models


class TechResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TechResult

    title = factory.Sequence(lambda n: f"轴承套圈磨削烧伤在线检测技术{n}")
    abstract = "采用巴克豪森噪声信号对滚动轴承套圈磨削烧伤进行在线无损检测，检出率达99%。"
    confidential = "传感器探头的激励频率为 125 Hz，阈值标定数据见附件。"
    field = "8.5"
    industry_id = "3451"
    keywords = "磨削烧伤、无损检测、轴承套圈"
    readiness = 6
    institution = factory.SubFactory(InstitutionFactory)
    transfer = True
    license = True
    price = Decimal("500000")
    contact_person = "张工"
    contact_phone = "13805751234"
    status = choices.ResultStatus.PUBLISHED
    published_on = datetime.date(2025, 3, 1)


class TechDemandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TechDemand

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"轴承磨削后表面烧伤检测{n}")
    problem = "我们的轴承套圈磨完后偶尔有烧伤，目视看不出来，客户投诉，想找在线检测的办法。"
    desired_outcome = "烧伤检出率 95% 以上，节拍不低于 6 秒一件"
    field = "8.5"
    keywords = "磨削烧伤、在线检测"
    min_readiness = 5
    visibility = choices.Visibility.PUBLIC
    status = choices.DemandStatus.OPEN
    published_on = datetime.date(2025, 6, 1)
    contact_person = "李经理"
    contact_phone = "13905759876"


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExpertProfile

    person = factory.SubFactory(PersonFactory, kind="expert")
    field = "8.5"
    industry_id = "3451"
    keywords = "滚动轴承、磨削工艺、表面完整性"
    works = "主持轴承套圈精密磨削工艺研究项目"
    accepts_matching = True


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Match

    demand = factory.SubFactory(TechDemandFactory)
    enterprise = factory.SelfAttribute("demand.enterprise")
    kind = choices.CandidateKind.RESULT
    result = factory.SubFactory(TechResultFactory)
    status = choices.MatchStatus.PROPOSED
    stage_since = factory.LazyFunction(timezone.now)
