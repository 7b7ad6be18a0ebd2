"""What the market lists: results (with their rights and who may read their confidential
part), demands and the expert pool."""

import re

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet, ScopePaths
from kechuang.engines import patents
from kechuang.registry.models import Enterprise, Industry, IndustryChain, Institution, Person
from kechuang.techmarket import choices

READINESS = [MinValueValidator(1), MaxValueValidator(9)]
MONEY = {"max_digits": 16, "decimal_places": 2}


class ResultQuerySet(ScopedQuerySet):
    def shared_with(self, user, action):
        if action in ("view", "export"):
            return Q(status=choices.ResultStatus.PUBLISHED)
        return None

    def published(self):
        return self.filter(status=choices.ResultStatus.PUBLISHED)


class TechResult(BaseModel):
    """A technology result offered for transfer (科技成果), owned by an institution or an
    enterprise. `abstract` is public once published; `confidential` is not (see module)."""

    title = models.CharField("成果名称", max_length=200)
    abstract = models.TextField("成果简介（公开）")
    confidential = models.TextField(
        "保密内容",
        blank=True,
        help_text="关键参数、工艺细节等；仅科技局、成果方及成果方同意的企业可见",
    )
    field = models.CharField(
        "技术领域", max_length=10, help_text="《国家重点支持的高新技术领域》二级领域"
    )
    industry = models.ForeignKey(
        Industry,
        verbose_name="适用行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name="适用产业链", blank=True, related_name="tech_results"
    )
    keywords = models.CharField("关键词", max_length=300, blank=True, help_text="以逗号或顿号分隔")
    readiness = models.PositiveSmallIntegerField(
        "技术成熟度",
        validators=READINESS,
        help_text="TRL 1–9：1 原理发现，4 实验室验证，6 中试，9 规模应用",
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name="成果所有单位（机构）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tech_results",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="成果所有单位（企业）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tech_results",
    )
    inventors = models.CharField("完成人", max_length=300, blank=True)
    transfer = models.BooleanField("转让", default=False)
    license = models.BooleanField("许可", default=False)
    equity = models.BooleanField("作价入股", default=False)
    joint = models.BooleanField("合作开发", default=False)
    price = models.DecimalField("参考价格（元）", null=True, blank=True, **MONEY)
    money_fields = ("price",)
    price_negotiable = models.BooleanField("价格面议", default=False)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField(
        "状态",
        max_length=12,
        choices=choices.ResultStatus.choices,
        default=choices.ResultStatus.DRAFT,
    )
    published_on = models.DateField("发布日期", null=True, blank=True)

    objects = ResultQuerySet.as_manager()
    personal_fields = {"contact_phone": "techmarket.view_confidential_techresult"}
    scope_paths = ScopePaths(
        region=("institution__region", "institution__partner_county", "enterprise__town"),
        org=("institution__organisation", "enterprise__organisation"),
        owner="created_by",
    )

    class Meta:
        verbose_name = "科技成果"
        verbose_name_plural = "科技成果"
        ordering = ["-published_on", "-id"]
        permissions = [
            ("export_techresult", "导出科技成果"),
            ("import_techresult", "导入科技成果"),
            ("view_confidential_techresult", "查看成果保密内容"),
            ("match_techresult", "向企业推荐成果"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(readiness__gte=1, readiness__lte=9), name="result_readiness_1_to_9"
            ),
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | Q(enterprise__isnull=False),
                name="result_has_an_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("techmarket:techresult_detail", args=[self.pk])

    @property
    def owner(self):
        return self.institution or self.enterprise

    @property
    def owner_organisation_id(self) -> int | None:
        owner = self.owner
        return owner.organisation_id if owner is not None else None

    @property
    def transfer_modes(self) -> list[str]:
        """The labels of the modes offered, in the order of `TransferMode`."""
        return [label for name, label in choices.TransferMode.choices if getattr(self, name)]

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)


def split_keywords(text: str) -> list[str]:
    """Keywords as typed: separated by commas (either width), 、, ; or spaces."""
    return [k for k in (p.strip() for p in re.split(r"[,，、;；\s]+", text or "")) if k]


class ResultPatent(BaseModel):
    """A patent or other registered right behind a result."""

    result = models.ForeignKey(
        TechResult, verbose_name="科技成果", on_delete=models.CASCADE, related_name="patents"
    )
    kind = models.CharField("类型", max_length=12, choices=choices.PatentKind.choices)
    number = models.CharField("专利号/登记号", max_length=40)
    title = models.CharField("名称", max_length=200, blank=True)
    status = models.CharField("法律状态", max_length=10, choices=choices.PatentStatus.choices)
    granted_on = models.DateField("授权日", null=True, blank=True)

    scope_paths = ScopePaths(
        region=tuple(f"result__{p}" for p in TechResult.scope_paths.regions),
        org=tuple(f"result__{p}" for p in TechResult.scope_paths.orgs),
        owner="result__created_by",
    )

    class Meta:
        verbose_name = "成果知识产权"
        verbose_name_plural = "成果知识产权"
        ordering = ["result", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "number"],
                name="one_patent_number_per_result",
                violation_error_message="该成果已登记这一号码。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.cited_number}"

    @property
    def cited_number(self) -> str:
        """ZL before a granted patent's number, as it is cited."""
        is_patent = self.kind in choices.PATENT_KINDS
        return patents.cited(self.number, is_patent and self.status == choices.PatentStatus.GRANTED)


class DisclosureQuerySet(ScopedQuerySet):
    def shared_with(self, user, action):
        organisation = user.organisation_id
        if organisation is None:
            return None
        return Q(enterprise__organisation=organisation)


class Disclosure(BaseModel):
    """An enterprise's request to read a result's confidential part, and the owner's answer."""

    result = models.ForeignKey(
        TechResult, verbose_name="科技成果", on_delete=models.PROTECT, related_name="disclosures"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name="申请企业", on_delete=models.PROTECT, related_name="disclosures"
    )
    reason = models.CharField("申请说明", max_length=300, blank=True)
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices.DisclosureStatus.choices,
        default=choices.DisclosureStatus.REQUESTED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = DisclosureQuerySet.as_manager()
    scope_paths = ResultPatent.scope_paths

    class Meta:
        verbose_name = "保密内容查阅"
        verbose_name_plural = "保密内容查阅"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result", "enterprise"], name="one_disclosure_per_party"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} 查阅 {self.result}"


class DemandQuerySet(ScopedQuerySet):
    def restrict(self, user, action: str = "view", *, shared: bool = True):
        """A bureau-only demand is read by the enterprise and by those whose scope is the
        whole county (the bureau, the leaders), not by the town it sits in."""
        rows = super().restrict(user, action, shared=shared)
        if user is None or not user.is_authenticated:
            return rows
        if user.scope_grant().covers_region(settings.HOME_REGION_CODE):
            return rows
        own = Q(enterprise__organisation=user.organisation_id) | Q(created_by=user.pk)
        return rows.filter(Q(visibility=choices.Visibility.PUBLIC) | own)

    def shared_with(self, user, action):
        if action in ("view", "export"):
            return Q(status=choices.DemandStatus.OPEN, visibility=choices.Visibility.PUBLIC)
        return None


class TechDemand(BaseModel):
    """A technology demand an enterprise posts (技术需求): its problem, what would solve it,
    and within what budget and time."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name="需求企业", on_delete=models.PROTECT, related_name="tech_demands"
    )
    title = models.CharField("需求名称", max_length=200)
    problem = models.TextField("问题描述")
    desired_outcome = models.TextField("期望目标", blank=True)
    constraints = models.TextField("约束条件", blank=True, help_text="成本、工况、设备、认证等限制")
    budget = models.DecimalField("预算（元）", null=True, blank=True, **MONEY)
    money_fields = ("budget",)
    deadline = models.DateField("期望完成日期", null=True, blank=True)
    field = models.CharField("技术领域", max_length=10, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name="所属行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name="所属产业链", blank=True, related_name="tech_demands"
    )
    keywords = models.CharField("关键词", max_length=300, blank=True, help_text="以逗号或顿号分隔")
    min_readiness = models.PositiveSmallIntegerField(
        "可接受的最低成熟度", null=True, blank=True, validators=READINESS
    )
    visibility = models.CharField(
        "公开范围",
        max_length=10,
        choices=choices.Visibility.choices,
        default=choices.Visibility.PUBLIC,
    )
    status = models.CharField(
        "状态",
        max_length=10,
        choices=choices.DemandStatus.choices,
        default=choices.DemandStatus.DRAFT,
    )
    published_on = models.DateField("发布日期", null=True, blank=True)
    closed_on = models.DateField("结束日期", null=True, blank=True)
    contact_person = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)

    objects = DemandQuerySet.as_manager()
    personal_fields = {"contact_phone": "registry.view_contact_enterprise"}
    scope_paths = ScopePaths(
        region="enterprise__town", org="enterprise__organisation", owner="created_by"
    )

    class Meta:
        verbose_name = "技术需求"
        verbose_name_plural = "技术需求"
        ordering = ["-published_on", "-id"]
        permissions = [
            ("export_techdemand", "导出技术需求"),
            ("import_techdemand", "导入技术需求"),
            ("match_techdemand", "智能匹配与推荐"),
            ("broker_techdemand", "为任何公开需求匹配（技术经纪）"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_readiness__isnull=True)
                | Q(min_readiness__gte=1, min_readiness__lte=9),
                name="demand_readiness_1_to_9",
            ),
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | Q(budget__gte=0),
                name="demand_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("techmarket:techdemand_detail", args=[self.pk])

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)


class ExpertQuerySet(ScopedQuerySet):
    def shared_with(self, user, action):
        if action in ("view", "export"):
            return Q(accepts_matching=True, person__is_active=True)
        return None


class ExpertProfile(BaseModel):
    """A person in the expert pool: what they know, what they have done, and whether they take
    matchmaking. Contact details stay on the person (masked as registry masks them)."""

    person = models.OneToOneField(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="expert_profile"
    )
    field = models.CharField("技术领域", max_length=10)
    industry = models.ForeignKey(
        Industry,
        verbose_name="熟悉行业",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    chains = models.ManyToManyField(
        IndustryChain, verbose_name="熟悉产业链", blank=True, related_name="experts"
    )
    keywords = models.CharField("专长关键词", max_length=300)
    works = models.TextField("代表性成果与论著", blank=True)
    bio = models.TextField("简介", blank=True)
    accepts_matching = models.BooleanField("接受对接", default=True)

    objects = ExpertQuerySet.as_manager()
    scope_paths = ScopePaths(
        region=("person__region", "person__institution__partner_county"),
        org=("person__enterprise__organisation", "person__institution__organisation"),
        owner="person__user",
    )

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["person__name_sort", "id"]
        permissions = [
            ("export_expertprofile", "导出专家库"),
            ("import_expertprofile", "导入专家库"),
        ]

    def __str__(self) -> str:
        return self.person.name

    def get_absolute_url(self) -> str:
        return reverse("techmarket:expertprofile_detail", args=[self.pk])

    @property
    def keyword_list(self) -> list[str]:
        return split_keywords(self.keywords)
