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
            models.UniqueConstraint(
                fields=["enterprise", "number"],
                name="uniq_enterprise_ip",
                violation_error_message="该企业已登记过这个专利号/登记号，请修改原记录。",
            )
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
    tech_contract_turnover = money("技术合同成交额", help_text="经登记的技术合同成交额")
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
                fields=["enterprise", "year"],
                name="uniq_recognition_figures_year",
                violation_error_message="该企业这一年度的认定口径数据已填报，请修改原记录。",
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


class Calculation(models.Model):
    """What every stored calculation keeps: when, by whom, a summary, and whether it is the
    current one of its kind (older ones stay readable)."""

    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="计算人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.JSONField("汇总", default=dict)
    is_current = models.BooleanField("当前结果", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-computed_at"]


class AssessmentRun(Calculation):
    """One assessment of every enterprise in force on a date under a rule version. Results
    are kept; the latest finished run of each rule set is the current one."""

    code = models.CharField("规则", max_length=10, choices=choices.RuleCode.choices)
    rules = models.ForeignKey(
        RecognitionRules, verbose_name="规则版本", on_delete=models.PROTECT, related_name="+"
    )
    assessed_on = models.DateField("测评基准日")

    class Meta:
        verbose_name = "认定测评批次"
        verbose_name_plural = "认定测评批次"
        ordering = ["-computed_at"]
        permissions = [("run_assessment", "发起全县认定测评")]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.assessed_on}"

    def get_absolute_url(self) -> str:
        return f"{reverse('assessment:assessmentresult_list')}?rules={self.code}"


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


class Policy(BaseModel):
    """A county support policy as data: who qualifies (conditions over the policy facts of
    engines.recognition.policies) and how much it pays (the formula kind with its rate, cap or
    amount). `no_application` marks a 免申即享 policy: paid to whoever qualifies, without an
    application. Changes are kept in the history; a calculation keeps the policy as it was."""

    code = models.SlugField("政策代码", max_length=40, unique=True)
    title = models.CharField("政策名称", max_length=200)
    basis = models.CharField("政策依据（文件及条款）", max_length=300)
    kind = models.CharField("计算方式", max_length=20, choices=choices.PolicyKind.choices)
    rd_caliber = models.CharField(
        "研发费用口径",
        max_length=12,
        choices=choices.RdCaliber.choices,
        default=choices.RdCaliber.DEDUCTION,
    )
    rate = models.DecimalField(
        "补助比例",
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="如 0.10 表示 10%",
    )
    cap = money("单家封顶金额")
    amount = money("定额金额")
    conditions = models.JSONField("适用条件", default=list, blank=True)
    no_application = models.BooleanField("免申即享", default=False)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    is_active = models.BooleanField("启用", default=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "惠企政策"
        verbose_name_plural = "惠企政策"
        ordering = ["-effective_from", "code"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("assessment:policy_detail", args=[self.pk])


class PolicyRun(Calculation):
    """A calculation of one policy for one year's figures, keeping the policy as it stood."""

    policy = models.ForeignKey(
        Policy, verbose_name="政策", on_delete=models.PROTECT, related_name="runs"
    )
    year = models.PositiveSmallIntegerField("政策年度")
    policy_as_run = models.JSONField("测算时的政策内容")

    class Meta:
        verbose_name = "政策测算"
        verbose_name_plural = "政策测算"
        ordering = ["-computed_at"]
        permissions = [("run_policy", "测算惠企政策")]

    def __str__(self) -> str:
        return f"{self.policy} {self.year}年"


class PolicyOutcome(models.Model):
    """One enterprise in a policy calculation: eligible or not (or short of data), the
    amount in yuan and why."""

    run = models.ForeignKey(
        PolicyRun, verbose_name="测算", on_delete=models.PROTECT, related_name="outcomes"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField("结论", max_length=12, choices=choices.Verdict.choices)
    amount = money("金额")
    explanation = models.TextField("测算说明")
    checks = models.JSONField("条件核对", default=list)

    scope_paths = ENTERPRISE_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "政策测算结果"
        verbose_name_plural = "政策测算结果"
        ordering = ["-amount", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_policy_outcome")
        ]
        permissions = [("export_policyoutcome", "导出政策测算结果")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.run_id}"


class PointsScheme(BaseModel):
    """A version of the 企业创新积分 scheme (engines.recognition.points as JSON)."""

    version = models.CharField("版本号", max_length=30, unique=True)
    effective_from = models.DateField("生效日期")
    scheme = models.JSONField("方案内容")
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "创新积分方案"
        verbose_name_plural = "创新积分方案"
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return self.version


class PointsRun(Calculation):
    """The innovation points of every enterprise for a year's figures under a scheme."""

    scheme = models.ForeignKey(
        PointsScheme, verbose_name="积分方案", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("数据年度")

    class Meta:
        verbose_name = "创新积分计算"
        verbose_name_plural = "创新积分计算"
        ordering = ["-computed_at"]
        permissions = [("run_points", "计算企业创新积分")]

    def __str__(self) -> str:
        return f"{self.year}年 {self.scheme}"


class PointsResult(models.Model):
    """An enterprise's innovation points in a run: stage, total, rank in the county, and
    each indicator's value, points and explanation."""

    run = models.ForeignKey(
        PointsRun, verbose_name="计算", on_delete=models.PROTECT, related_name="results"
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField("发展阶段", max_length=10, choices=choices.Stage.choices)
    total = models.DecimalField("创新积分", max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField("全县排名")
    items = models.JSONField("指标明细", default=list)

    scope_paths = ENTERPRISE_SCOPE
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业创新积分"
        verbose_name_plural = "企业创新积分"
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["run", "enterprise"], name="uniq_points_result")
        ]
        permissions = [("export_pointsresult", "导出企业创新积分")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.total}"


class FigureFlag(BaseModel):
    """An enterprise's word on its figures for a year: confirmed as right, or flagged as
    wrong with a note; flags land in the officers' work list until handled."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="figure_flags",
    )
    year = models.PositiveSmallIntegerField("年度")
    figure = models.CharField(
        "数据项", max_length=60, blank=True, help_text="为空表示确认该年度全部数据"
    )
    is_confirmation = models.BooleanField("确认无误", default=False)
    note = models.TextField("说明", blank=True)
    status = models.CharField(
        "处理状态",
        max_length=10,
        choices=choices.FlagStatus.choices,
        default=choices.FlagStatus.OPEN,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)
    handling_note = models.CharField("处理情况", max_length=500, blank=True)

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = "企业数据确认与异议"
        verbose_name_plural = "企业数据确认与异议"
        ordering = ["status", "-created_at"]
        permissions = [("handle_figureflag", "处理企业数据异议")]

    def __str__(self) -> str:
        kind = "确认" if self.is_confirmation else "异议"
        return f"{self.enterprise} {self.year}年 {kind}"

    def get_absolute_url(self) -> str:
        return reverse("assessment:figureflag_list")

    def get_figure_label(self) -> str:
        from kechuang.assessment.profile import FLAGGABLE

        return dict(FLAGGABLE).get(self.figure, self.figure) or "全部数据"
