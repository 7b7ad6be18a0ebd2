"""Regional indicators: the catalog, each region's yearly values with their source, the index
framework as versioned data, the peers a county compares itself with, and its targets.

A value is official (entered or imported from a statistical bulletin, or derived from
official values) or computed from the platform's enterprise data; a region may hold both for
the same year, and pages read the official one first. Every change is kept in the history.
"""

from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from kechuang.core.models import BaseModel
from kechuang.core.scope import ScopedQuerySet
from kechuang.indicators import choices


class Indicator(BaseModel):
    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    unit = models.CharField("单位", max_length=20, blank=True)
    direction = models.SmallIntegerField(
        "方向", choices=choices.Direction.choices, default=choices.Direction.UP
    )
    kind = models.CharField("取得方式", max_length=10, choices=choices.IndicatorKind.choices)
    calculator = models.CharField(
        "计算方法", max_length=40, blank=True, help_text="由企业数据计算的指标所用的算法"
    )
    numerator = models.ForeignKey(
        "self",
        verbose_name="分子",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    denominator = models.ForeignKey(
        "self",
        verbose_name="分母",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scale = models.FloatField("倍数", default=1, help_text="两项相除后乘以此数，如百分比为 100")
    definition = models.TextField("口径", blank=True)
    source_hint = models.CharField("通常来源", max_length=200, blank=True)
    period = models.CharField("统计周期", max_length=10, choices=[("year", "年度")], default="year")
    decimals = models.PositiveSmallIntegerField("小数位", default=2)
    position = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "区域指标"
        verbose_name_plural = "区域指标"
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:indicator_detail", args=[self.code])


class IndicatorValueQuerySet(ScopedQuerySet):
    def with_use(self) -> "IndicatorValueQuerySet":
        """`in_use`: the value pages and the index read. An official value always; a computed
        one where no official value exists for the same indicator, region and year."""
        official = IndicatorValue.objects.filter(
            indicator=models.OuterRef("indicator"),
            region=models.OuterRef("region"),
            year=models.OuterRef("year"),
            is_computed=False,
        )
        return self.annotate(
            in_use=models.Case(
                models.When(is_computed=False, then=models.Value(True)),
                default=~models.Exists(official),
                output_field=models.BooleanField(),
            )
        )


class IndicatorValue(BaseModel):
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="values"
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6)
    origin = models.CharField("来源方式", max_length=10, choices=choices.ValueOrigin.choices)
    is_computed = models.BooleanField("企业数据计算", default=False, editable=False)
    source = models.CharField("出处", max_length=300)
    provenance = models.JSONField("计算依据", default=dict, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)

    objects = IndicatorValueQuerySet.as_manager()

    class Meta:
        verbose_name = "指标数值"
        verbose_name_plural = "指标数值"
        ordering = ["indicator__position", "region", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year", "is_computed"], name="uniq_indicator_value"
            )
        ]
        indexes = [models.Index(fields=["year", "indicator"])]
        permissions = [
            ("import_indicatorvalue", "导入指标数值"),
            ("export_indicatorvalue", "导出指标数值"),
            ("refresh_indicatorvalue", "按企业数据重新计算指标"),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.indicator.name}"

    def save(self, *args, **kwargs):
        self.is_computed = self.origin == choices.ValueOrigin.COMPUTED
        super().save(*args, **kwargs)


class IndexFramework(BaseModel):
    """A version of the index framework (COINr's table: iCode, Level, Parent, Direction,
    Weight, Denominator) and its method choices. A change is a new version, never an edit."""

    version = models.CharField("版本号", max_length=30, unique=True)
    title = models.CharField("名称", max_length=100)
    effective_from = models.DateField("生效日期")
    elements = models.JSONField("框架")
    methods = models.JSONField("方法", default=dict)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "指数框架版本"
        verbose_name_plural = "指数框架版本"
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class PeerSet(BaseModel):
    """The counties a home county compares itself with by default."""

    home = models.OneToOneField(
        "registry.Region", verbose_name="本地", on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField("registry.Region", verbose_name="对标地区", related_name="+")

    class Meta:
        verbose_name = "对标地区"
        verbose_name_plural = "对标地区"

    def __str__(self) -> str:
        return f"{self.home} 的对标地区"


class Target(BaseModel):
    region = models.ForeignKey(
        "registry.Region", verbose_name="地区", on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="指标", on_delete=models.PROTECT, related_name="targets"
    )
    year = models.PositiveSmallIntegerField("目标年度")
    value = models.DecimalField("目标值", max_digits=24, decimal_places=6)
    note = models.CharField("依据", max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "目标"
        verbose_name_plural = "目标"
        ordering = ["region", "indicator__position", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "year"],
                name="uniq_target",
                violation_error_message="该地区已有这项指标这一年的目标，请在目标列表中修改它。",
            )
        ]
        permissions = [("export_target", "导出目标")]

    def __str__(self) -> str:
        return f"{self.region} {self.year} 年{self.indicator.name}目标"

    @cached_property
    def progress(self):
        from kechuang.indicators.targets import progress

        return progress(self)
