import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from kechuang.assessment import choices
from kechuang.assessment.models import (
    AssessmentResult,
    EnterpriseEvent,
    FigureFlag,
    IntellectualProperty,
    PointsResult,
    Policy,
    PolicyOutcome,
    RecognitionFigures,
)
from kechuang.core.tables import (
    BaseTable,
    CreditCodeColumn,
    DecimalColumn,
    MoneyColumn,
    PercentColumn,
    QuickDateColumn,
)

BADGES = {"met": ("success", "✓"), "not_met": ("danger", "✗"), "needs_info": ("secondary", "?")}
VERDICT_BADGES = {"eligible": "success", "needs_info": "warning", "not_eligible": "danger"}
CRITERION_LABELS = dict(choices.CriterionVerdict.choices)
AWAITING = "待专家评审"


def town_column() -> tables.Column:
    return tables.Column(
        verbose_name="乡镇街道", accessor="enterprise__town__name", order_by=("enterprise__town",)
    )


class CriterionColumn(tables.Column):
    """One condition's verdict: a mark on the page, the word in the export."""

    def __init__(self, key: str, title: str):
        self.key = key
        super().__init__(
            verbose_name=title,
            accessor="verdicts",
            orderable=False,
            attrs={"td": {"class": "text-center"}},
        )

    def render(self, value):
        verdict = (value or {}).get(self.key, "")
        colour, mark = BADGES.get(verdict, ("light", "—"))
        return format_html(
            '<span class="badge text-bg-{}" title="{}">{}</span>',
            colour,
            CRITERION_LABELS.get(verdict, ""),
            mark,
        )

    def value(self, value):
        return CRITERION_LABELS.get((value or {}).get(self.key, ""), "")


class AssessmentResultTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业",
        linkify=lambda record: record.assessment_url(),
        order_by=("enterprise__name_sort",),
        attrs={"td": {"class": "name-cell"}},
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    verdict = tables.Column(verbose_name="结论")
    closeness = tables.Column(verbose_name="接近度")
    met_count = tables.Column(verbose_name="符合条件数")
    rd_ratio = PercentColumn(verbose_name="研发费用占比")
    rd_threshold = PercentColumn(verbose_name="适用比例")
    score_range = tables.Column(
        verbose_name="创新能力评分", accessor="score_min", order_by=("score_max",)
    )
    score = tables.Column(verbose_name="评价得分")
    hnte_valid_until = QuickDateColumn(verbose_name="高企证书有效期至")
    gaps = tables.Column(verbose_name="主要差距", attrs={"td": {"class": "small gap-cell"}})

    class Meta:
        model = AssessmentResult
        fields = (
            "enterprise",
            "uscc",
            "town",
            "verdict",
            "closeness",
            "met_count",
            "rd_ratio",
            "rd_threshold",
            "score_range",
            "score",
            "hnte_valid_until",
            "gaps",
        )
        sequence = (
            "enterprise",
            "uscc",
            "town",
            "verdict",
            "closeness",
            "met_count",
            "...",
            "gaps",
        )
        always_visible = ("enterprise",)

    def __init__(self, *args, criteria: dict[str, str] | None = None, **kwargs):
        extra = [
            (f"c_{key}", CriterionColumn(key, title)) for key, title in (criteria or {}).items()
        ]
        super().__init__(*args, extra_columns=extra, **kwargs)

    def render_verdict(self, value, record):
        if record.awaiting_experts:
            return format_html('<span class="badge text-bg-info">{}</span>', AWAITING)
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            VERDICT_BADGES.get(record.verdict, "light"),
            record.get_verdict_display(),
        )

    def value_verdict(self, value, record):
        return AWAITING if record.awaiting_experts else record.get_verdict_display()

    def render_gaps(self, value):
        gaps = value.splitlines()
        suffix = f"（另 {len(gaps) - 1} 项）" if len(gaps) > 1 else ""
        return format_html('<span title="{}">{}{}</span>', "；".join(gaps), gaps[0], suffix)

    def value_gaps(self, value):
        return "；".join(value.splitlines())

    def render_closeness(self, value):
        return str(int(value))  # 100 only when every condition is met

    def value_closeness(self, value):
        return int(value)

    def render_score_range(self, value, record):
        if record.score_min is None:
            return "—"
        if record.score_min == record.score_max:
            return str(record.score_min)
        return f"{record.score_min}–{record.score_max}"

    value_score_range = render_score_range


class IntellectualPropertyTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业", linkify=lambda record: record.get_absolute_url()
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    title = tables.Column(linkify=lambda record: record.edit_url())

    class Meta:
        model = IntellectualProperty
        fields = (
            "enterprise",
            "uscc",
            "kind",
            "number",
            "title",
            "granted_on",
            "expires_on",
            "lapsed_on",
            "acquisition",
            "used_in_hnte_year",
            "source",
        )
        always_visible = ("title",)


class RecognitionFiguresTable(BaseTable):
    year = tables.Column(linkify=lambda record: record.edit_url())
    sales = MoneyColumn("销售收入")
    total_income = MoneyColumn("总收入")
    hightech_income = MoneyColumn("高新技术产品（服务）收入")
    rd_expense = MoneyColumn("研发费用（高企口径）")
    rd_domestic = MoneyColumn("境内研发费用")
    net_assets = MoneyColumn("净资产")

    class Meta:
        model = RecognitionFigures
        fields = (
            "year",
            "sales",
            "total_income",
            "hightech_income",
            "rd_expense",
            "rd_domestic",
            "net_assets",
            "staff_total",
            "tech_staff",
            "conversions",
            "source",
            "confirmed_at",
        )
        always_visible = ("year",)


class EnterpriseEventTable(BaseTable):
    title = tables.Column(linkify=lambda record: record.edit_url())

    class Meta:
        model = EnterpriseEvent
        fields = ("kind", "title", "occurred_on", "ended_on", "source")
        always_visible = ("title",)


class PolicyTable(BaseTable):
    title = tables.Column(linkify=True)

    class Meta:
        model = Policy
        fields = (
            "title",
            "code",
            "kind",
            "rd_caliber",
            "no_application",
            "effective_from",
            "effective_to",
            "is_active",
            "basis",
        )
        always_visible = ("title",)


class PolicyOutcomeTable(BaseTable):
    policy = tables.Column(
        verbose_name="政策",
        accessor="run__policy__title",
        linkify=lambda record: record.run.policy.get_absolute_url(),
    )
    year = tables.Column(verbose_name="政策年度", accessor="run__year")
    enterprise = tables.Column(
        verbose_name="企业",
        linkify=lambda record: record.enterprise.get_absolute_url(),
        order_by=("enterprise__name_sort",),
        attrs={"td": {"class": "name-cell"}},
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    amount = MoneyColumn("金额")
    explanation = tables.Column(verbose_name="测算说明", attrs={"td": {"class": "small gap-cell"}})
    basis = tables.Column(verbose_name="政策依据", accessor="run__policy__basis")

    class Meta:
        model = PolicyOutcome
        fields = (
            "policy",
            "year",
            "enterprise",
            "uscc",
            "town",
            "verdict",
            "amount",
            "explanation",
            "basis",
        )
        always_visible = ("enterprise",)

    def render_verdict(self, value, record):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>',
            VERDICT_BADGES.get(record.verdict, "light"),
            record.get_verdict_display(),
        )

    def value_verdict(self, value, record):
        return record.get_verdict_display()


class PointsResultTable(BaseTable):
    rank = tables.Column(verbose_name="排名")
    enterprise = tables.Column(
        verbose_name="企业",
        linkify=lambda record: reverse(
            "assessment:enterprise_overview", args=[record.enterprise_id]
        ),
        order_by=("enterprise__name_sort",),
        attrs={"td": {"class": "name-cell"}},
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    total = DecimalColumn(verbose_name="创新积分")
    breakdown = tables.Column(
        verbose_name="得分构成",
        accessor="items",
        orderable=False,
        attrs={"td": {"class": "small gap-cell"}},
    )

    class Meta:
        model = PointsResult
        fields = ("rank", "enterprise", "uscc", "town", "stage", "total", "breakdown")
        always_visible = ("enterprise",)

    def render_breakdown(self, value):
        return "；".join(
            f"{item['title']} {item['points']}" for item in value if item["points"] != "0"
        )

    value_breakdown = render_breakdown


class FigureFlagTable(BaseTable):
    enterprise = tables.Column(
        verbose_name="企业",
        linkify=lambda record: reverse(
            "assessment:enterprise_overview", args=[record.enterprise_id]
        ),
        attrs={"td": {"class": "name-cell"}},
    )
    uscc = CreditCodeColumn(accessor="enterprise__uscc")
    town = town_column()
    figure = tables.Column(verbose_name="数据项", empty_values=())
    actions = tables.TemplateColumn(
        template_name="assessment/includes/flag_actions.html", verbose_name="", orderable=False
    )

    class Meta:
        model = FigureFlag
        fields = (
            "enterprise",
            "uscc",
            "town",
            "year",
            "figure",
            "is_confirmation",
            "note",
            "created_at",
            "status",
            "handled_by",
            "handled_at",
            "handling_note",
        )
        always_visible = ("enterprise", "actions")
        export_exclude = ("actions",)

    def render_figure(self, value, record):
        return record.get_figure_label()

    value_figure = render_figure
