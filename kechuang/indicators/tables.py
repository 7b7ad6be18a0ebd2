import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from kechuang.core.tables import BaseTable, DecimalColumn
from kechuang.indicators.models import IndicatorValue, Target


class FigureColumn(DecimalColumn):
    """An indicator's value, with the decimals its indicator says."""

    def render(self, value, record):
        decimals = record.indicator.decimals
        return f"{float(value):,.{decimals}f}"

    def value(self, value, record=None):
        if value is None or value == "":
            return None
        return float(value)


class IndicatorValueTable(BaseTable):
    region = tables.Column(verbose_name="地区", accessor="region__name", order_by=("region",))
    region_code = tables.Column(verbose_name="区划代码", accessor="region_id", order_by=("region",))
    indicator = tables.Column(
        verbose_name="指标", accessor="indicator__name", order_by=("indicator__position",)
    )
    unit = tables.Column(verbose_name="单位", accessor="indicator__unit", orderable=False)
    value = FigureColumn(verbose_name="数值")
    in_use = tables.BooleanColumn(verbose_name="采用", orderable=False)
    history = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = IndicatorValue
        fields = (
            "region",
            "region_code",
            "year",
            "indicator",
            "value",
            "unit",
            "origin",
            "in_use",
            "source",
            "note",
            "updated_at",
            "history",
        )
        always_visible = ("region", "indicator", "value")
        export_exclude = ("history",)

    def render_history(self, record):
        link = reverse("indicators:indicatorvalue_detail", args=[record.pk])
        return format_html('<a href="{}">依据与历次数值</a>', link)


class TargetTable(BaseTable):
    region = tables.Column(verbose_name="地区", accessor="region__name", order_by=("region",))
    indicator = tables.Column(
        verbose_name="指标", accessor="indicator__name", order_by=("indicator__position",)
    )
    unit = tables.Column(verbose_name="单位", accessor="indicator__unit", orderable=False)
    value = FigureColumn(verbose_name="目标值")
    latest_year = tables.Column(
        verbose_name="最新年度", accessor="progress__latest_year", orderable=False
    )
    latest = FigureColumn(verbose_name="最新值", accessor="progress__latest", orderable=False)
    gap = FigureColumn(verbose_name="差距", accessor="progress__gap", orderable=False)
    needed = tables.Column(verbose_name="还需", accessor="progress__needed", orderable=False)
    edit = tables.Column(verbose_name="", empty_values=(), orderable=False)

    class Meta:
        model = Target
        fields = (
            "region",
            "indicator",
            "year",
            "value",
            "unit",
            "latest_year",
            "latest",
            "gap",
            "needed",
            "note",
            "updated_at",
            "edit",
        )
        always_visible = ("region", "indicator", "value")
        export_exclude = ("edit",)

    def render_edit(self, record):
        request = getattr(self, "request", None)
        if request is None or not request.user.has_perm("indicators.change_target"):
            return ""
        return format_html(
            '<a href="{}">修改</a>', reverse("indicators:target_edit", args=[record.pk])
        )
