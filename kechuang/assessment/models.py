"""Recognition readiness: the rule versions, the facts the period records do not hold, and
the stored results of assessment runs.

Facts (intellectual property, yearly recognition figures, dated events, the technology
domain) are recorded per enterprise with a date and a source; the rules read them through
`services.facts_for`. Results are snapshots: an `AssessmentRun` keeps the rule version and
the date it assessed on, and its `AssessmentResult` rows keep what the engine said.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from kechuang.assessment import choices
from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet, ScopePaths
from kechuang.engines.recognition.domains import find_domain

ENTERPRISE_SCOPE = ScopePaths(region="enterprise__town", org="enterprise__organisation")


def money(label: str, **options) -> models.DecimalField:
    """Amounts are stored in yuan and shown in 万元, as everywhere."""
    return models.DecimalField(
        label, max_digits=18, decimal_places=2, null=True, blank=True, **options
    )


class RecognitionRules(BaseModel):
    """A version of the HNTE or SME rules (engines.recognition.rules as JSON). Versions are
    history: a change is a new version with its own effective date, never an edit."""

    code = models.CharField("规则", max_length=10, choices=choices.RuleCode.choices)
    version = models.CharField("版本号", max_length=30)
    title = models.CharField("名称", max_length=100)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    rules = models.JSONField("规则内容")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "认定规则版本"
        verbose_name_plural = "认定规则版本"
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="uniq_recognition_rules")
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class IntellectualProperty(BaseModel):
    """A granted Chinese IP right of an enterprise (工作指引 三(二)). Only rights within
    their term, owned by the enterprise and not lapsed count; a Ⅱ类 right counts for one
    HNTE application only, so the application it served is recorded."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="intellectual_property",
    )
    kind = models.CharField("类型", max_length=20, choices=choices.IpKind.choices)
    number = models.CharField("专利号/登记号", max_length=60)
    title = models.CharField("名称", max_length=200)
    granted_on = models.DateField("授权（登记）日期")
    expires_on = models.DateField("保护期届满日", null=True, blank=True)
    lapsed_on = models.DateField(
        "失效日期", null=True, blank=True, help_text="未缴年费、放弃、被宣告无效等"
    )
    acquisition = models.CharField(
        "获得方式", max_length=12, choices=choices.IpAcquisition.choices, default="own"
    )
    used_in_hnte_year = models.PositiveSmallIntegerField(
        "已用于哪年高企申请", null=True, blank=True, help_text="Ⅱ类知识产权仅可在一次申请中使用"
    )
    source = models.CharField(
        "来源", max_length=12, choices=choices.FactSource.choices, default="enterprise"
    )

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = "知识产权"
        verbose_name_plural = "知识产权"
        ordering = ["enterprise", "-granted_on"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "number"], name="uniq_enterprise_ip")
        ]
        permissions = [("export_intellectualproperty", "导出知识产权")]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）"

    def edit_url(self) -> str:
        return reverse("assessment:intellectualproperty_edit", args=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("assessment:facts", args=[self.enterprise_id])

    @property
    def is_class_one(self) -> bool:
        return self.kind in choices.CLASS_ONE_KINDS

    def is_valid_on(self, day) -> bool:
        if day < self.granted_on:
            return False
        if self.lapsed_on and self.lapsed_on <= day:
            return False
        return self.expires_on is None or day <= self.expires_on


class RecognitionFigures(BaseModel):
    """One enterprise's figures for a year on the recognition calibers, where they differ
    from the statistical and financial records: R&D under the HNTE guideline and its
    domestic part, 总收入 and 高新技术产品（服务）收入, staff as full-year monthly averages,
    and the achievements converted that year. Each filled figure takes precedence over the
    period records' for the recognition rules."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="recognition_figures",
    )
    year = models.PositiveSmallIntegerField("年度")
    sales = money("销售收入", help_text="主营业务收入与其他业务收入之和")
    total_income = money("总收入", help_text="收入总额减不征税收入")
    hightech_income = money("高新技术产品（服务）收入", help_text="含技术性收入")
    rd_expense = money("研究开发费用（高企口径）")
    rd_domestic = money("其中：境内研究开发费用")
    net_assets = money("年末净资产")
    staff_total = models.DecimalField(
        "职工总数（全年月平均）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    tech_staff = models.DecimalField(
        "科技人员（全年月平均）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    conversions = models.PositiveIntegerField("当年科技成果转化数（项）", null=True, blank=True)
    source = models.CharField(
        "来源", max_length=12, choices=choices.FactSource.choices, default="enterprise"
    )
    confirmed_at = models.DateTimeField("企业确认时间", null=True, blank=True, editable=False)

    scope_paths = ENTERPRISE_SCOPE
    money_fields = (
        "sales",
        "total_income",
        "hightech_income",
        "rd_expense",
        "rd_domestic",
        "net_assets",
    )

    class Meta:
        verbose_name = "认定口径年度数据"
        verbose_name_plural = "认定口径年度数据"
        ordering = ["enterprise", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year"], name="uniq_recognition_figures_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"

    def edit_url(self) -> str:
        return reverse("assessment:recognitionfigures_edit", args=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("assessment:facts", args=[self.enterprise_id])


class EnterpriseEvent(BaseModel):
    """A dated fact the rules look back on: an incident or a listing (which rules an
    enterprise out for a period) or a standard led or national award (which opens a 科小
    direct-confirmation route)."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="recognition_events",
    )
    kind = models.CharField("类型", max_length=24, choices=choices.EventKind.choices)
    occurred_on = models.DateField("发生（认定）日期")
    ended_on = models.DateField("移出名单日期", null=True, blank=True, help_text="名单类事项适用")
    title = models.CharField("事项", max_length=200)
    detail = models.TextField("说明", blank=True)
    source = models.CharField(
        "来源", max_length=12, choices=choices.FactSource.choices, default="bureau"
    )

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = "企业事项记录"
        verbose_name_plural = "企业事项记录"
        ordering = ["enterprise", "-occurred_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_on}"

    def edit_url(self) -> str:
        return reverse("assessment:enterpriseevent_edit", args=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("assessment:facts", args=[self.enterprise_id])


class RecognitionProfile(BaseModel):
    """What is said once per enterprise: the 高新技术领域 of its core technology (third
    level) and whether its products fall in a prohibited, restricted or obsolete catalogue;
    a year's incidents are recorded as events, and their absence confirmed here."""

    enterprise = models.OneToOneField(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="recognition_profile",
    )
    tech_domain = models.CharField(
        "核心技术所属高新技术领域", max_length=10, blank=True, help_text="三级编号，如 8.1.1"
    )
    restricted_catalogue = models.BooleanField(
        "产品或服务属于禁止、限制和淘汰类", null=True, blank=True
    )
    self_assessed_score = models.PositiveSmallIntegerField(
        "创新能力评价自评分",
        null=True,
        blank=True,
        help_text="企业按《工作指引》评分标准自评的总分（0–100）；填写后据此判断第（七）项",
    )
    no_incidents_confirmed_on = models.DateField(
        "确认无重大事故及失信记录的日期",
        null=True,
        blank=True,
        help_text="确认此日前一年（科小为上年初）至此日未发生重大事故、严重违法失信",
    )
    source = models.CharField(
        "来源", max_length=12, choices=choices.FactSource.choices, default="enterprise"
    )

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = "认定基本情况"
        verbose_name_plural = "认定基本情况"

    def __str__(self) -> str:
        return str(self.enterprise)

    def edit_url(self) -> str:
        return reverse("assessment:recognitionprofile_edit", args=[self.pk])

    def get_absolute_url(self) -> str:
        return reverse("assessment:facts", args=[self.enterprise_id])

    @property
    def domain(self):
        return find_domain(self.tech_domain) if self.tech_domain else None


class AssessmentRun(models.Model):
    """One assessment of every enterprise in force on a date under a rule version. Results
    are kept; the latest finished run of each rule set is the current one."""

    code = models.CharField("规则", max_length=10, choices=choices.RuleCode.choices)
    rules = models.ForeignKey(
        RecognitionRules, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField("测评基准日")
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", null=True, on_delete=models.SET_NULL
    )
    summary = models.JSONField("汇总", default=dict)
    is_current = models.BooleanField("当前结果", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "认定测评批次"
        verbose_name_plural = "认定测评批次"
        ordering = ["-computed_at"]
        permissions = [("run_assessment", "发起全县认定测评")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:run_detail", args=[self.pk])


class AssessmentResult(models.Model):
    """One enterprise's result in a run, as the engine gave it: the verdict, each
    criterion's verdict (`c1` … ), the figures and score range, the criteria with their
    values and sentences, and how close the enterprise stands (0–100, see services)."""

    run = models.ForeignKey(
        AssessmentRun, verbose_name="测评批次", on_delete=models.PROTECT, related_name="results"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField("结论", max_length=12, choices=choices.Verdict.choices)
    verdicts = models.JSONField("各条件", default=dict)
    met_count = models.PositiveSmallIntegerField("符合条件数", default=0)
    closeness = models.FloatField("接近度", default=0)
    rd_ratio = models.FloatField("研发费用占比", null=True)
    rd_threshold = models.FloatField("适用比例", null=True)
    score_min = models.PositiveSmallIntegerField("评分下限", null=True)
    score_max = models.PositiveSmallIntegerField("评分上限", null=True)
    score = models.PositiveSmallIntegerField("评分", null=True)
    gaps = models.TextField("差距", blank=True)
    detail = models.JSONField("测评明细", default=dict)
    awaiting_experts = models.BooleanField("数据条件均符合，待专家评审", default=False)
    holds_hnte = models.BooleanField("持有效高企证书", default=False)
    holds_sme = models.BooleanField("已入库科技型中小企业", default=False)
    hnte_valid_until = models.DateField("高企证书有效期至", null=True)

    scope_paths = ENTERPRISE_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "认定测评结果"
        verbose_name_plural = "认定测评结果"
        ordering = ["-closeness", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_assessment_result")
        ]
        indexes = [models.Index(fields=["run", "verdict"], name="assessment_result_verdict")]
        permissions = [("export_assessmentresult", "导出认定测评结果")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.run_id}"

    def assessment_url(self) -> str:
        return (
            reverse("assessment:enterprise", args=[self.enterprise_id])
            + f"?rules={self.run.code}&on={self.run.assessed_on:%Y-%m-%d}"
        )
