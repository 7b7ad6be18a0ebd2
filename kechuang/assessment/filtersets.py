import django_filters

from kechuang.assessment import choices
from kechuang.assessment.models import (
    AssessmentResult,
    EnterpriseEvent,
    IntellectualProperty,
    RecognitionFigures,
)
from kechuang.core.filters import id_filter, yes_no_filter
from kechuang.monitoring.filtersets import EnterpriseKeywordFilterSet
from kechuang.registry.filtersets import town_filter


class AssessmentResultFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    verdict = django_filters.ChoiceFilter(label="结论", choices=choices.Verdict.choices)
    unmet = django_filters.ChoiceFilter(
        label="未满足的条件",
        method="filter_unmet",
        choices=[(f"c{i}", f"第{i}项") for i in range(1, 9)],
    )
    needs_info = django_filters.ChoiceFilter(
        label="缺信息的条件",
        method="filter_needs_info",
        choices=[(f"c{i}", f"第{i}项") for i in range(1, 9)],
    )
    awaiting_experts = yes_no_filter("数据条件均符合，待专家评审")
    enterprise = id_filter(label="企业", field_name="enterprise")

    class Meta:
        model = AssessmentResult
        fields = ["q", "town", "verdict", "awaiting_experts", "unmet", "needs_info"]

    def filter_unmet(self, queryset, name, value):
        return queryset.filter(**{f"verdicts__{value}": "not_met"})

    def filter_needs_info(self, queryset, name, value):
        return queryset.filter(**{f"verdicts__{value}": "needs_info"})


class IntellectualPropertyFilterSet(EnterpriseKeywordFilterSet):
    search_fields = ("enterprise__name", "title", "number")
    kind = django_filters.ChoiceFilter(label="类型", choices=choices.IpKind.choices)
    enterprise = id_filter(label="企业", field_name="enterprise")
    unused = yes_no_filter("未用于高企申请", field_name="used_in_hnte_year", lookup_expr="isnull")

    class Meta:
        model = IntellectualProperty
        fields = ["q", "kind", "unused"]


class RecognitionFiguresFilterSet(EnterpriseKeywordFilterSet):
    enterprise = id_filter(label="企业", field_name="enterprise")

    class Meta:
        model = RecognitionFigures
        fields = ["q", "year"]


class EnterpriseEventFilterSet(EnterpriseKeywordFilterSet):
    kind = django_filters.ChoiceFilter(label="类型", choices=choices.EventKind.choices)
    enterprise = id_filter(label="企业", field_name="enterprise")

    class Meta:
        model = EnterpriseEvent
        fields = ["q", "kind"]
