import django_filters
from django.conf import settings
from django.db.models import Q

from kechuang.core.filters import KeywordFilterSet, number_filter, yes_no_filter
from kechuang.indicators import choices
from kechuang.indicators.models import Indicator, IndicatorValue, Target
from kechuang.registry.choices import RegionLevel
from kechuang.registry.models import Region


def _regions(request):
    """The province's county-level units and the home county's towns."""
    home = settings.HOME_REGION_CODE
    return Region.objects.filter(
        Q(level=RegionLevel.COUNTY, code__startswith=home[:2])
        | Q(level=RegionLevel.TOWN, parent_id=home)
    ).order_by("code")


def _indicators(request):
    return Indicator.objects.filter(is_active=True)


class IndicatorValueFilterSet(KeywordFilterSet):
    search_fields = ("region__name", "indicator__name", "source")
    code_fields = ("region__code",)
    spelled_name = None

    indicator = django_filters.ModelChoiceFilter(
        label="指标", queryset=_indicators, to_field_name="code"
    )
    region = django_filters.ModelChoiceFilter(label="地区", queryset=_regions)
    year = number_filter(2000, 2100, label="年度")
    level = django_filters.ChoiceFilter(
        label="层级",
        field_name="region__level",
        choices=[(RegionLevel.COUNTY, "县（市、区）"), (RegionLevel.TOWN, "乡镇街道")],
    )
    origin = django_filters.ChoiceFilter(label="来源方式", choices=choices.ValueOrigin.choices)
    is_computed = yes_no_filter("企业数据计算")

    class Meta:
        model = IndicatorValue
        fields = ["q", "indicator", "region", "year", "level", "origin", "is_computed"]


class TargetFilterSet(KeywordFilterSet):
    search_fields = ("region__name", "indicator__name", "note")
    code_fields = ("region__code",)
    spelled_name = None

    indicator = django_filters.ModelChoiceFilter(
        label="指标", queryset=_indicators, to_field_name="code"
    )
    region = django_filters.ModelChoiceFilter(label="地区", queryset=_regions)
    year = number_filter(2000, 2100, label="目标年度")

    class Meta:
        model = Target
        fields = ["q", "indicator", "region", "year"]
