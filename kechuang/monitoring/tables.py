import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from kechuang.core.tables import BaseTable, CreditCodeColumn, MoneyColumn, PercentColumn
from kechuang.engines import monitoring as engine
from kechuang.monitoring import choices
from kechuang.monitoring.models import (
    Alert,
    ImportBatch,
    PoolEntry,
    RuleSet,
    ServiceVisit,
    SnapshotEntry,
)


def town_column() -> tables.Column:
    """The enterprise's town, sorted in administrative order (by code), as in the registry."""
    return tables.Column(
        verbose_name="乡镇街道", accessor="enterprise__town__name", order_by=("enterprise__town",)
    )


class SnapshotEntryTable(BaseTable):
    """Every list of the monitoring page is this table with a different order and columns."""

    rank_spend = tables.Column(verbose_name="投入排名")
    rank_intensity = tables.Column(verbose_name="强度排名")
    enterprise = tables.Column(
        verbose_name="企业", linkify=lambda record: record.enterprise.get_absolute_url()
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    industry = tables.Column(
        verbose_name="行业",
        accessor="enterprise__industry__name",
        order_by=("enterprise__industry__code",),  # GB/T 4754 order, as in the registry
    )
    rd_expense = MoneyColumn("研发投入")
    revenue = MoneyColumn("营业收入")
    intensity = PercentColumn(verbose_name="研发强度（%）")
    previous_rd_expense = MoneyColumn("上年研发投入")
    drop = MoneyColumn("下降额")
    drop_ratio = PercentColumn(verbose_name="下降幅度（%）")  # a fall of 16%, as the alert says
    zero_years = tables.Column(verbose_name="连续零研发（年）")
    coverage_missing = tables.Column(verbose_name="未覆盖项", orderable=False)
    innovation_class = tables.Column(verbose_name="创新分类")
    tier = tables.Column(verbose_name="培育梯队")
    previous_tier = tables.Column(verbose_name="上年梯队（按本年规则）")

    class Meta:
        model = SnapshotEntry
        fields = (
            "rank_spend",
            "rank_intensity",
            "enterprise",
            "uscc",
            "town",
            "industry",
            "rd_expense",
            "revenue",
            "intensity",
            "previous_rd_expense",
            "drop",
            "drop_ratio",
            "zero_years",
            "coverage_missing",
            "innovation_class",
            "tier",
            "previous_tier",
        )
        always_visible = ("enterprise",)

    def __init__(
        self,
        *args,
        tier_labels: dict | None = None,
        coverage_labels: dict | None = None,
        **kwargs,
    ):
        self.coverage_labels = coverage_labels or {}
        self.tier_labels = {
            engine.TIER_NONE: engine.TIER_NONE_LABEL,
            engine.TIER_ABSENT: engine.TIER_ABSENT_LABEL,
            **(tier_labels or {}),
        }
        super().__init__(*args, **kwargs)

    def render_drop_ratio(self, value, column):
        return format_html('<span class="text-danger">{}</span>', column.render(value))

    def render_coverage_missing(self, value):
        if not value:
            return format_html('<span class="badge text-bg-{}">{}</span>', "success", "全覆盖")
        return format_html_join(
            "",
            '<span class="badge text-bg-warning me-1">{}</span>',
            ((self.coverage_labels.get(key, key),) for key in value),
        )

    def value_coverage_missing(self, value):
        if not value:
            return "全覆盖"
        return "、".join(self.coverage_labels.get(key, key) for key in value)

    def render_innovation_class(self, value):
        return engine.CLASS_LABELS.get(value, value)

    value_innovation_class = render_innovation_class

    def render_tier(self, value):
        return self.tier_labels.get(value, value)

    value_tier = render_previous_tier = value_previous_tier = render_tier


class AlertTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业", linkify=lambda record: record.enterprise.get_absolute_url()
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    actions = tables.TemplateColumn(
        template_name="monitoring/includes/alert_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = Alert
        fields = (
            "kind",
            "enterprise",
            "uscc",
            "town",
            "message",
            "acknowledged_at",
            "acknowledged_by",
            "handling_note",
        )
        always_visible = ("enterprise", "actions")
        export_exclude = ("actions",)


class ImportBatchTable(BaseTable):
    id = tables.Column(verbose_name="批次", linkify=True)
    quarter = tables.Column(verbose_name="报告期")

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "kind",
            "year",
            "quarter",
            "department",
            "filename",
            "status",
            "row_count",
            "created_count",
            "updated_count",
            "unchanged_count",
            "created_by",
            "created_at",
        )
        always_visible = ("id",)
        order_by = ("-created_at",)

    def render_quarter(self, value):
        return choices.Quarter(value).label

    value_quarter = render_quarter


class PoolEntryTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业", linkify=lambda record: record.get_absolute_url()
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    visit_count = tables.Column(verbose_name="走访次数")
    last_visit = tables.DateColumn(verbose_name="最近走访", format="Y-m-d")
    overdue_count = tables.Column(verbose_name="逾期跟进")

    class Meta:
        model = PoolEntry
        fields = (
            "enterprise",
            "uscc",
            "town",
            "officer",
            "target",
            "joined_on",
            "status",
            "visit_count",
            "last_visit",
            "overdue_count",
        )
        always_visible = ("enterprise",)
        order_by = ("-joined_on",)


class ServiceVisitTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业",
        accessor="entry__enterprise",
        linkify=lambda record: record.entry.get_absolute_url(),
    )
    uscc = CreditCodeColumn(accessor="entry__enterprise__uscc")
    officer = tables.Column(verbose_name="包联干部", accessor="entry__officer")

    class Meta:
        model = ServiceVisit
        fields = (
            "visited_on",
            "enterprise",
            "uscc",
            "officer",
            "visitors",
            "people_met",
            "problems",
            "help_promised",
            "follow_up_due",
            "follow_up_done_on",
        )
        always_visible = ("enterprise",)
        order_by = ("-visited_on",)


class RuleSetTable(BaseTable):
    version = tables.Column(verbose_name="版本号", linkify=True)

    class Meta:
        model = RuleSet
        fields = ("version", "effective_from", "basis", "note", "created_by", "created_at")
        always_visible = ("version",)
        order_by = ("-effective_from",)
