"""Period records of enterprise R&D and finance, their import batches, the monitoring rules
and snapshots, and the cultivation pool with its service visits.

Kept in one file, as Django expects an app's models: they refer to each other down one chain
(batch → records → rule version → snapshot → entries and alerts → pool and visits), and the
migrations read them together."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kechuang.core import changelog
from kechuang.core.models import BaseModel, RequestHistory
from kechuang.core.scope import ScopedQuerySet, ScopePaths
from kechuang.monitoring import choices

ENTERPRISE_SCOPE = ScopePaths(region="enterprise__town", org="enterprise__organisation")


def money(label: str) -> models.DecimalField:
    """Amounts are stored in yuan; importers convert from the source unit."""
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True)


def count(label: str) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class ImportBatch(BaseModel):
    """One uploaded file: what it held, what it changed, and how to undo it."""

    kind = models.CharField("数据类型", max_length=12, choices=choices.BatchKind.choices)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", default=0, help_text="0 表示年报")
    department = models.CharField("来源部门", max_length=12, choices=choices.Department.choices)
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64, db_index=True)
    status = models.CharField(
        "状态", max_length=12, choices=choices.BatchStatus.choices, db_index=True
    )
    row_count = models.PositiveIntegerField("数据行", default=0)
    created_count = models.PositiveIntegerField("新增", default=0)
    updated_count = models.PositiveIntegerField("更新", default=0)
    unchanged_count = models.PositiveIntegerField("未变化", default=0)
    issues = models.JSONField("问题清单", default=list, blank=True)
    unknown_usccs = models.JSONField("未登记代码", default=list, blank=True)
    layout = models.JSONField(
        "表头识别",
        default=dict,
        blank=True,
        help_text="识别的列（字段、单位及其来源）、未识别的列和跳过的合计行",
    )
    undo = models.JSONField("撤销信息", default=list, blank=True, editable=False)
    stored_file = models.CharField("存档文件", max_length=300, blank=True, editable=False)
    default_unit = models.CharField(
        "默认金额单位", max_length=12, choices=choices.SourceUnit.choices, default="thousand"
    )
    marks_above_scale = models.BooleanField("据此更新年度规上状态", default=False)
    allow_update = models.BooleanField(
        "更新已有数据", default=False, help_text="勾选后以本文件为准覆盖该期已有的不同数据"
    )
    committed_at = models.DateTimeField("提交时间", null=True, blank=True)
    rolled_back_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "数据导入批次"
        verbose_name_plural = "数据导入批次"
        ordering = ["-created_at"]
        permissions = [("import_importbatch", "导入研发与财务数据")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:batch_detail", args=[self.pk])

    @property
    def errors(self) -> list[dict]:
        return [i for i in self.issues if i.get("severity") == "error"]

    @property
    def enterprises_created(self) -> int:
        """How many enterprises the commit registered from the file's unknown codes."""
        return sum(1 for step in self.undo if step.get("op") == "enterprise_created")

    @property
    def warnings(self) -> list[dict]:
        return [i for i in self.issues if i.get("severity") == "warning"]


# The R&D figures the monitoring reads for every enterprise (see the index below).
MONITORED_RD_FIELDS = [
    "rd_expense",
    "rd_staff",
    "valid_inventions",
    "commissioned_universities",
    "commissioned_institutes",
    "new_product_sales",
]


class PeriodRecord(BaseModel):
    """Common columns of a period record: whose, which period, from where, in which unit."""

    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name="企业", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    quarter = models.PositiveSmallIntegerField(
        "季度", default=0, help_text="0 为年报；1-4 为季度累计"
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name="导入批次",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.CharField("来源部门", max_length=12, choices=choices.Department.choices)
    source_unit = models.CharField(
        "原始金额单位", max_length=12, choices=choices.SourceUnit.choices, default="yuan"
    )

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        abstract = True


class RDRecord(PeriodRecord):
    """Form 107-2 (企业研究开发活动及相关情况), statistical caliber. Amounts in yuan."""

    # 一、人员
    rd_staff = count("研究开发人员合计")
    rd_staff_management = count("其中：管理和服务人员")
    rd_staff_female = count("其中：女性")
    rd_staff_fulltime = count("其中：全职人员")
    rd_staff_bachelor = count("其中：本科毕业及以上")
    rd_staff_external = count("其中：外聘人员")
    # 二、研究开发费用
    rd_expense = money("研究开发费用合计")
    cost_personnel = money("人员人工费用")
    cost_direct = money("直接投入费用")
    cost_depreciation = money("折旧费用与长期待摊费用")
    cost_amortisation = money("无形资产摊销费用")
    cost_design = money("设计费用")
    cost_trial = money("装备调试费用与试验费用")
    cost_commissioned = money("委托外部研究开发费用")
    commissioned_institutes = money("其中：境内研究机构")
    commissioned_universities = money("其中：境内高等学校")
    commissioned_enterprises = money("其中：境内企业")
    commissioned_abroad = money("其中：境外机构")
    cost_other = money("其他费用")
    # 三、研发资产
    rd_fixed_assets = money("当年形成用于研发的固定资产")
    rd_instruments = money("其中：仪器和设备")
    # 四、资金来源
    fund_self = money("企业自筹")
    fund_government = money("来自政府部门")
    fund_bank = money("来自银行贷款")
    fund_venture = money("来自风险投资")
    fund_other = money("来自其他渠道")
    # 五、政策落实 (the super-deduction caliber is kept apart from the statistical total)
    deduction_rd_expense = money("申报加计扣除减免税的研究开发支出")
    deduction_tax_relief = money("加计扣除减免税金额")
    hnte_tax_relief = money("高新技术企业减免税金额")
    # 六、企业办研发机构（境内）
    institutions = count("期末机构数")
    institution_staff = count("机构研究开发人员")
    institution_phd = count("其中：博士毕业")
    institution_master = count("其中：硕士毕业")
    institution_expense = money("机构研究开发费用")
    institution_equipment = money("期末仪器和设备原价")
    # 七、研发产出
    patent_applications = count("当年专利申请数")
    invention_applications = count("其中：发明专利")
    valid_inventions = count("期末有效发明专利数")
    implemented_inventions = count("其中：已被实施")
    patent_transfers = count("专利所有权转让及许可数")
    patent_transfer_income = money("专利所有权转让及许可收入")
    new_product_sales = money("新产品销售收入")
    new_product_exports = money("其中：出口")
    trademarks = count("期末拥有注册商标")
    papers = count("发表科技论文")
    standards = count("形成国家或行业标准")
    # 八、其他
    tech_renovation = money("技术改造经费支出")
    domestic_tech_purchase = money("购买境内技术经费支出")
    foreign_tech_import = money("引进境外技术经费支出")
    foreign_tech_assimilation = money("引进境外技术的消化吸收经费支出")
    overseas_institutions = count("在境外设立的研究开发机构数")

    class Meta:
        verbose_name = "研发统计记录"
        verbose_name_plural = "研发统计记录"
        ordering = ["-year", "enterprise"]
        # Holds every column the monitoring reads, so a recompute reads the index alone.
        indexes = [
            models.Index(
                fields=["year", "quarter", "enterprise", *MONITORED_RD_FIELDS],
                name="rd_record_monitoring",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"], name="uniq_rd_record_period"
            )
        ]
        permissions = [("export_rdrecord", "导出研发统计")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class FinancialRecord(PeriodRecord):
    """Financial figures of an enterprise for a period (规上 financial form and others)."""

    revenue = money("营业收入")
    main_revenue = money("主营业务收入")
    total_assets = money("资产总计")
    net_assets = money("所有者权益（净资产）")
    cost_expense_total = money("成本费用总额")
    employees = count("从业人员期末人数")
    tech_staff = count("科技人员")
    rd_expense_hnte = money("研发费用（高企认定口径）")
    rd_expense_deduction = money("研发费用（加计扣除口径）")

    class Meta:
        verbose_name = "财务指标记录"
        verbose_name_plural = "财务指标记录"
        ordering = ["-year", "enterprise"]
        indexes = [
            models.Index(
                fields=["year", "quarter", "enterprise", "revenue", "employees", "tech_staff"],
                name="financial_record_monitoring",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "quarter"], name="uniq_financial_record_period"
            )
        ]
        permissions = [("export_financialrecord", "导出财务指标")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class RuleSet(BaseModel):
    """A version of the monitoring rules (engines.monitoring.MonitoringRules as JSON).

    Versions are history: a change is a new version, never an edit. `based_on` is the
    version the officer edited; `impact` records, when the version was saved, how many
    enterprises it moves against that version on the latest year's data (see
    rule_versions.moves)."""

    version = models.CharField("版本号", max_length=30, unique=True)
    effective_from = models.DateField("生效日期")
    rules = models.JSONField("规则")
    basis = models.CharField("依据", max_length=300, blank=True)
    note = models.TextField("说明", blank=True)
    impact = models.JSONField("影响测算", default=dict, blank=True, editable=False)
    based_on = models.ForeignKey(
        "self",
        verbose_name="据以修订的版本",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "监测规则版本"
        verbose_name_plural = "监测规则版本"
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return self.version

    def get_absolute_url(self) -> str:
        return reverse("monitoring:ruleset_detail", args=[self.pk])


class Snapshot(models.Model):
    """The monitoring results for a year, with the data and rule version they came from."""

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    rule_set = models.ForeignKey(RuleSet, verbose_name="规则版本", on_delete=models.PROTECT)
    data_fingerprint = models.CharField("数据指纹", max_length=64)
    computed_at = models.DateTimeField("计算时间", auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="触发人", null=True, on_delete=models.SET_NULL
    )
    summary = models.JSONField("汇总", default=dict)
    coverage_summary = models.JSONField("五个全覆盖汇总", default=list)
    tier_moves = models.JSONField("梯队变动", default=list)
    is_current = models.BooleanField("当前结果", default=True, db_index=True)
    base = models.ForeignKey(
        "self",
        verbose_name="沿用其结果的监测结果",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="为空表示本次写入了全部结果；否则只写入与该次结果不同的部分",
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "监测结果"
        verbose_name_plural = "监测结果"
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.year} @ {self.rule_set}"

    @property
    def generation_id(self) -> int:
        """The snapshot that wrote the full set of rows this one reads."""
        return self.base_id or self.pk


class SnapshotRowQuerySet(ScopedQuerySet):
    def of(self, snapshot: Snapshot) -> "SnapshotRowQuerySet":
        """The rows that hold in `snapshot`: of its generation, produced by it or by an
        earlier snapshot, and not replaced by it or by any snapshot up to it."""
        rows = self.filter(generation_id=snapshot.generation_id)
        if Snapshot.objects.filter(pk=snapshot.pk, is_current=True).exists():
            return rows.filter(retired_by__isnull=True)  # what the partial indexes serve
        return rows.filter(snapshot_id__lte=snapshot.pk).filter(
            models.Q(retired_by__isnull=True) | models.Q(retired_by_id__gt=snapshot.pk)
        )


class SnapshotRow(models.Model):
    """A row of monitoring results held over a run of snapshots of one year.

    A recompute that changes a few results retires those rows (`retired_by`) and adds their
    successors; the rest stand, from the snapshot that first produced them (`snapshot`). A
    recompute that changes many writes a whole new generation instead, since appending rows
    costs less than retiring them one by one. Every snapshot stays readable (`of`).

    Rows are written by the hundred thousand, so they carry no database-level foreign keys
    (checked row by row); they reference what the same transaction has just read, and
    enterprises are never deleted.
    """

    generation = models.ForeignKey(
        Snapshot,
        verbose_name="所属批次的首个监测结果",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    snapshot = models.ForeignKey(
        Snapshot,
        verbose_name="首次得出的监测结果",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    retired_by = models.ForeignKey(
        Snapshot,
        verbose_name="被替代于",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    digest = models.BigIntegerField("内容摘要", editable=False)

    scope_paths = ENTERPRISE_SCOPE
    objects = SnapshotRowQuerySet.as_manager()

    class Meta:
        abstract = True


LIVE = models.Q(retired_by__isnull=True)

# Each monitoring list: the stored decision that admits an entry (None: every entry) and the
# order it is shown in. Class and tier lists show everyone, filtered by the stored class/tier.
ENTRY_LISTS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "top_spend": ("on_top_spend", ("rank_spend",)),
    "top_intensity": ("on_top_intensity", ("rank_intensity",)),
    "decline": ("on_decline", ("-drop", "enterprise_id")),
    "zero_rd": ("on_zero_rd", ("-zero_years", "enterprise_id")),
    "coverage": ("on_coverage", ("enterprise__name_sort",)),
    "class": (None, ("-rd_expense", "enterprise__name_sort")),
    "tier": (None, ("-rd_expense", "enterprise__name_sort")),
}


class SnapshotEntryQuerySet(SnapshotRowQuerySet):
    def on_list(self, key: str) -> "SnapshotEntryQuerySet":
        """The entries the engine put on list `key`, in the list's order. Every page, count,
        export and API reads a list through here."""
        flag, order = ENTRY_LISTS[key]
        rows = self.filter(**{flag: True}) if flag else self
        return rows.order_by(*order)


class SnapshotEntry(SnapshotRow):
    """One enterprise's place in a snapshot: list memberships, class, tier, coverage.

    Every decision is the engine's, stored as it made it under the snapshot's rules: the
    `on_*` flags say which lists the enterprise is on, `innovation_class` and `tier` its
    class and rung, `coverage_missing` the 五个全覆盖 items it lacks. Pages, counts, exports
    and the API filter on these and never re-derive them from the figures beside them.
    """

    rd_expense = money("研发投入")
    revenue = money("营业收入")
    intensity = models.FloatField("研发强度", null=True)
    rank_spend = models.PositiveIntegerField("研发投入排名", null=True)
    rank_intensity = models.PositiveIntegerField("研发强度排名", null=True)
    previous_rd_expense = money("上年研发投入")
    drop = money("下降额")
    drop_ratio = models.FloatField("下降幅度", null=True)
    zero_years = models.PositiveSmallIntegerField("连续零研发年数", default=0)
    is_above_scale = models.BooleanField("规上企业", default=False)
    coverage_missing = models.JSONField("未覆盖项", default=list)
    innovation_class = models.CharField("创新分类", max_length=20, blank=True)
    tier = models.CharField("培育梯队", max_length=20, blank=True)
    previous_tier = models.CharField("上年梯队", max_length=20, blank=True)
    on_top_spend = models.BooleanField("列入研发强企（按投入）", default=False)
    on_top_intensity = models.BooleanField("列入研发强企（按强度）", default=False)
    on_decline = models.BooleanField("列入研发负增长", default=False)
    on_zero_rd = models.BooleanField("列入零研发", default=False)
    on_coverage = models.BooleanField("纳入五个全覆盖", default=False)

    objects = SnapshotEntryQuerySet.as_manager()

    class Meta:
        verbose_name = "监测明细"
        verbose_name_plural = "监测明细"
        # Pages read the current rows of a year; each list's index holds its members only.
        constraints = [
            models.UniqueConstraint(
                fields=["generation", "enterprise"], condition=LIVE, name="uniq_live_entry"
            )
        ]
        indexes = [
            models.Index(
                fields=["generation", "rank_spend"],
                condition=LIVE & models.Q(on_top_spend=True),
                name="entry_on_top_spend",
            ),
            models.Index(
                fields=["generation", "rank_intensity"],
                condition=LIVE & models.Q(on_top_intensity=True),
                name="entry_on_top_intensity",
            ),
            models.Index(
                fields=["generation", "drop"],
                condition=LIVE & models.Q(on_decline=True),
                name="entry_on_decline",
            ),
            models.Index(
                fields=["generation", "zero_years"],
                condition=LIVE & models.Q(on_zero_rd=True),
                name="entry_on_zero_rd",
            ),
            models.Index(
                fields=["generation", "enterprise"],
                condition=LIVE & models.Q(on_coverage=True),
                name="entry_on_coverage",
            ),
        ]
        permissions = [("export_snapshotentry", "导出监测名单")]

    def __str__(self) -> str:
        return f"{self.enterprise_id} @ {self.snapshot_id}"


class Alert(SnapshotRow):
    """A warning raised by a snapshot; officers acknowledge it. An alert raised again
    unchanged by a later snapshot is the same alert, and keeps its handling.

    Alerts are written by the recompute, as versions (see SnapshotRow); their handling is an
    officer's change, kept in their history (`services.acknowledge_alert`)."""

    kind = models.CharField("预警类型", max_length=20, choices=choices.AlertKind.choices)
    message = models.CharField("预警内容", max_length=300)
    value = models.FloatField("数值", null=True)
    acknowledged_at = models.DateTimeField("处理时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handling_note = models.CharField("处理情况", max_length=500, blank=True)
    history = HistoricalRecords(bases=[RequestHistory], get_user=changelog.history_user)

    class Meta:
        verbose_name = "预警"
        verbose_name_plural = "预警"
        ordering = ["kind", "-value"]
        indexes = [models.Index(fields=["generation", "kind"], condition=LIVE, name="alert_live")]
        permissions = [("export_alert", "导出预警")]

    def __str__(self) -> str:
        return self.message


class PoolEntry(BaseModel):
    """An enterprise in the key-enterprise cultivation pool (重点企业培育库) with its 包联 officer."""

    enterprise = models.ForeignKey(
        "registry.Enterprise",
        verbose_name="企业",
        on_delete=models.PROTECT,
        related_name="pool_entries",
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="包联干部",
        on_delete=models.PROTECT,
        related_name="pool_entries",
    )
    target = models.CharField("培育目标", max_length=200, blank=True)
    reason = models.CharField("入库理由", max_length=300, blank=True)
    joined_on = models.DateField("入库日期")
    status = models.CharField(
        "状态", max_length=10, choices=choices.PoolStatus.choices, default="active"
    )
    left_on = models.DateField("出库日期", null=True, blank=True)

    scope_paths = ENTERPRISE_SCOPE

    class Meta:
        verbose_name = "培育库企业"
        verbose_name_plural = "培育库企业"
        ordering = ["-joined_on"]
        permissions = [("export_poolentry", "导出培育库")]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="active"),
                name="uniq_active_pool_entry",
            )
        ]

    def __str__(self) -> str:
        return str(self.enterprise)

    def get_absolute_url(self) -> str:
        return reverse("monitoring:poolentry_detail", args=[self.pk])


class ServiceVisit(BaseModel):
    """A service visit (走访服务) to a pool enterprise, with its follow-up."""

    entry = models.ForeignKey(
        PoolEntry, verbose_name="培育库企业", on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField("走访日期")
    visitors = models.CharField("走访人员", max_length=200)
    people_met = models.CharField("接待人员", max_length=200)
    problems = models.TextField("企业反映问题")
    help_promised = models.TextField("答复及帮扶措施", blank=True)
    follow_up_due = models.DateField("跟进期限", null=True, blank=True)
    follow_up_done_on = models.DateField("跟进完成日期", null=True, blank=True)
    follow_up_result = models.TextField("跟进结果", blank=True)

    scope_paths = ScopePaths(
        region="entry__enterprise__town", org="entry__enterprise__organisation"
    )

    class Meta:
        verbose_name = "走访服务记录"
        verbose_name_plural = "走访服务记录"
        ordering = ["-visited_on"]
        permissions = [("export_servicevisit", "导出走访记录")]

    def __str__(self) -> str:
        return f"{self.entry} {self.visited_on}"

    def get_absolute_url(self) -> str:
        return self.entry.get_absolute_url()
