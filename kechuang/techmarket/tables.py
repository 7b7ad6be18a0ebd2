import django_tables2 as tables
from django.utils.html import format_html

from kechuang.core.tables import BaseTable, MoneyColumn
from kechuang.techmarket.choices import field_name
from kechuang.techmarket.models import (
    ExpertProfile,
    Match,
    MatchmakingEvent,
    TechDemand,
    TechResult,
)


class FieldColumn(tables.Column):
    """A 高新技术领域 code shown by its title."""

    def render(self, value):
        return field_name(value)

    def value(self, value):
        return field_name(value)


class TechResultTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name="成果名称")
    owner = tables.Column(
        verbose_name="成果所有单位",
        accessor="institution",
        empty_values=(),
        order_by=("institution__name_sort", "enterprise__name_sort"),
    )
    field = FieldColumn(verbose_name="技术领域")
    readiness = tables.Column(verbose_name="成熟度")
    modes = tables.Column(verbose_name="转化方式", empty_values=(), orderable=False)
    price = MoneyColumn("参考价格", empty_values=())
    status = tables.Column(verbose_name="状态")
    published_on = tables.DateColumn(format="Y-m-d", verbose_name="发布日期")
    abstract = tables.Column(verbose_name="成果简介", visible=False)
    patents = tables.Column(verbose_name="知识产权", accessor="pk", visible=False, orderable=False)
    inventors = tables.Column(verbose_name="完成人", visible=False)
    contact_person = tables.Column(verbose_name="联系人", visible=False)

    class Meta:
        model = TechResult
        fields = (
            "title",
            "owner",
            "field",
            "readiness",
            "modes",
            "price",
            "status",
            "published_on",
            "keywords",
            "abstract",
            "patents",
            "inventors",
            "contact_person",
        )
        always_visible = ("title",)

    def value_patents(self, record):
        return "；".join(f"{p}（{p.get_status_display()}）" for p in record.patents.all())

    def render_owner(self, record):
        return str(record.owner)

    def value_owner(self, record):
        return str(record.owner)

    def render_modes(self, record):
        return "、".join(record.transfer_modes) or "—"

    def value_modes(self, record):
        return "、".join(record.transfer_modes)

    def render_price(self, record, value):
        if value is None:
            return "面议" if record.price_negotiable else "—"
        return self.columns["price"].column.render(value)

    def render_readiness(self, value):
        return f"TRL {value}"

    def value_readiness(self, value):
        return value


class TechDemandTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name="需求名称")
    enterprise = tables.Column(verbose_name="需求企业", order_by=("enterprise__name_sort",))
    town = tables.Column(
        verbose_name="乡镇街道", accessor="enterprise__town__name", order_by=("enterprise__town",)
    )
    field = FieldColumn(verbose_name="技术领域")
    budget = MoneyColumn("预算")
    deadline = tables.DateColumn(format="Y-m-d", verbose_name="期望完成")
    visibility = tables.Column(verbose_name="公开范围")
    status = tables.Column(verbose_name="状态")
    published_on = tables.DateColumn(format="Y-m-d", verbose_name="发布日期")
    problem = tables.Column(verbose_name="问题描述", visible=False)
    desired_outcome = tables.Column(verbose_name="期望目标", visible=False)
    constraints = tables.Column(verbose_name="约束条件", visible=False)
    min_readiness = tables.Column(verbose_name="最低成熟度", visible=False)

    class Meta:
        model = TechDemand
        fields = (
            "title",
            "enterprise",
            "town",
            "field",
            "budget",
            "deadline",
            "visibility",
            "status",
            "published_on",
            "keywords",
            "problem",
            "desired_outcome",
            "constraints",
            "min_readiness",
        )
        always_visible = ("title",)


class ExpertProfileTable(BaseTable):
    name = tables.Column(
        linkify=True, verbose_name="姓名", accessor="person__name", order_by=("person__name_sort",)
    )
    title = tables.Column(verbose_name="职称/职务", accessor="person__title")
    affiliation = tables.Column(
        verbose_name="所在单位",
        accessor="person__institution__name",
        empty_values=(),
        orderable=False,
    )
    field = FieldColumn(verbose_name="技术领域")
    keywords = tables.Column(verbose_name="专长关键词")
    accepts_matching = tables.BooleanColumn(verbose_name="接受对接")

    class Meta:
        model = ExpertProfile
        fields = ("name", "title", "affiliation", "field", "keywords", "accepts_matching")
        always_visible = ("name",)

    def render_affiliation(self, record):
        return str(record.person.affiliation or "—")

    def value_affiliation(self, record):
        return str(record.person.affiliation or "")


class MatchTable(BaseTable):
    match = tables.Column(
        linkify=lambda record: record.get_absolute_url(),
        verbose_name="对接",
        accessor="pk",
        empty_values=(),
        orderable=False,
    )
    enterprise = tables.Column(verbose_name="需求企业", order_by=("enterprise__name_sort",))
    demand = tables.Column(verbose_name="技术需求")
    kind = tables.Column(verbose_name="对象类型")
    candidate = tables.Column(verbose_name="对接对象", empty_values=(), orderable=False)
    score = tables.Column(verbose_name="匹配度")
    status = tables.Column(verbose_name="进展")
    stage_since = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="进入当前阶段")
    source = tables.Column(verbose_name="来源")
    contract_value = MoneyColumn("合同金额")
    handler = tables.Column(verbose_name="跟进人")

    class Meta:
        model = Match
        fields = (
            "match",
            "enterprise",
            "demand",
            "kind",
            "candidate",
            "score",
            "status",
            "stage_since",
            "source",
            "contract_value",
            "handler",
        )
        always_visible = ("match",)

    def render_match(self, record):
        return format_html("#{}", record.pk)

    def value_match(self, record):
        return record.pk

    def render_candidate(self, record):
        return str(record.candidate)

    def value_candidate(self, record):
        return str(record.candidate)

    def render_score(self, value):
        return f"{round(value * 100)}"

    def value_score(self, value):
        return round(value * 100) if value is not None else None


class MatchmakingEventTable(BaseTable):
    title = tables.Column(linkify=True, verbose_name="名称")
    held_on = tables.DateColumn(format="Y-m-d", verbose_name="举办日期")
    venue = tables.Column(verbose_name="地点")
    organiser = tables.Column(verbose_name="主办单位")
    participant_count = tables.Column(verbose_name="参会方", orderable=False)
    pairing_count = tables.Column(verbose_name="配对", orderable=False)
    status = tables.Column(verbose_name="状态")

    class Meta:
        model = MatchmakingEvent
        fields = (
            "title",
            "held_on",
            "venue",
            "organiser",
            "participant_count",
            "pairing_count",
            "status",
        )
        always_visible = ("title",)
