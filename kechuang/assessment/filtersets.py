import django_filters
from django import forms

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
from kechuang.core.filters import KeywordFilterSet, id_filter, yes_no_filter
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


class PolicyFilterSet(KeywordFilterSet):
    search_fields = ("title", "code", "basis")
    spelled_name = None
    kind = django_filters.ChoiceFilter(label="计算方式", choices=choices.PolicyKind.choices)
    no_application = yes_no_filter("免申即享")
    is_active = yes_no_filter("启用")

    class Meta:
        model = Policy
        fields = ["q", "kind", "no_application", "is_active"]


class PolicyOutcomeFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    verdict = django_filters.ChoiceFilter(label="结论", choices=choices.Verdict.choices)
    run = id_filter(label="测算批次", field_name="run", widget=forms.HiddenInput)
    enterprise = id_filter(label="企业", field_name="enterprise", widget=forms.HiddenInput)

    class Meta:
        model = PolicyOutcome
        fields = ["q", "town", "verdict"]


class PointsResultFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    stage = django_filters.ChoiceFilter(label="发展阶段", choices=choices.Stage.choices)

    class Meta:
        model = PointsResult
        fields = ["q", "town", "stage"]


class FigureFlagFilterSet(EnterpriseKeywordFilterSet):
    town = town_filter("enterprise__town")
    status = django_filters.ChoiceFilter(label="处理状态", choices=choices.FlagStatus.choices)
    is_confirmation = yes_no_filter("确认无误")

    class Meta:
        model = FigureFlag
        fields = ["q", "town", "status", "is_confirmation"]
